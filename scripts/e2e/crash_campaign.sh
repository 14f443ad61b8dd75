# The crash campaign: `backup`, `run`, `prune` and `restore` killed with SIGKILL at named points
# (LIFEBOAT_CRASH_AT, read by debug builds only: see CrashPoint), each kill followed by the next run.
# After every one: the catalog is sound, no manifest names a missing or wrong chunk, no plaintext or
# restore work folder is left, every backup that was complete still is, and a new backup completes.
C=$WORK/crash
make_setup "$C"
head -c 1500000 /dev/urandom >"$C/tree/random2.bin"   # four or five chunks: points inside a shipment
head -n -2 "$C/policies/tree.yaml" >"$C/policies/tree.yaml.new"
cat >>"$C/policies/tree.yaml.new" <<YAML
destinations:
  - { name: nas, type: local, path: ../nas }
  - { name: nas2, type: local, path: ../nas2, concurrency: 1 }
retention: { keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, deleted_grace: 1s, soft_deleted_grace: 1s }
YAML
mv "$C/policies/tree.yaml.new" "$C/policies/tree.yaml"
CFG=$C/lifeboat.yaml
kept() { "$BIN" list --config "$CFG" --json | python3 -c 'import json, sys; print(" ".join(b["id"] for b in json.load(sys.stdin) if b["status"] == "complete"))' >"$C/kept"; }
crash_points=0
# crashed NAME POINT COMMAND...: runs COMMAND killed at POINT, then the next run, a new backup, and the checks.
crashed() {
    local name=$1 point=$2; shift 2
    kept
    LIFEBOAT_CRASH_AT=$point "$BIN" "$@" >/dev/null 2>"$C/crash.err"
    local code=$?
    crash_points=$((crash_points + 1))
    "$BIN" run --config "$CFG" >"$C/run.out" 2>&1
    local run_code=$?
    "$BIN" backup --config "$CFG" >"$C/backup.out" 2>&1
    local backup_code=$?
    local problems
    problems=$(python3 "$ROOT/scripts/lib/crash_invariants.py" "$C" "$C/kept" 2>&1)
    if [ "$code" -eq 137 ] && [ "$run_code" -eq 0 ] && [ "$backup_code" -eq 0 ] && [ -z "$problems" ]; then
        pass "crash: $name ($point)"
    else
        fail "crash: $name ($point): killed=$code run=$run_code backup=$backup_code $(echo "$problems" | head -3 | tr '\n' ';') $(tail -2 "$C/run.out" "$C/backup.out" | tr '\n' ' ')"
    fi
}
"$BIN" backup --config "$CFG" >/dev/null 2>&1

# backup: while chunks are written to the spool, before and after the catalog takes them
crashed "backup, a chunk synced but not renamed" "spool.chunk-synced#2" backup --config "$CFG"
crashed "backup, a chunk renamed into the spool" "spool.chunk-renamed#3" backup --config "$CFG"
crashed "backup, spooled but not recorded" backup.spooled backup --config "$CFG"
crashed "backup, halfway through the catalog's transaction" catalog.mid-seal backup --config "$CFG"
crashed "backup, recorded as pending, not shipped" backup.sealed backup --config "$CFG"
# shipping: between objects at a destination, between a chunk and the catalog, around the manifest
crashed "ship, a chunk written at the destination, not renamed" "local.object-written#2" backup --config "$CFG"
crashed "ship, a chunk in place, not recorded" "ship.chunk-put#3" backup --config "$CFG"
crashed "ship, between two chunks at one destination" "ship.chunk-recorded#2" backup --config "$CFG"
crashed "ship, signature written, manifest not" ship.signature-put backup --config "$CFG"
crashed "ship, mid-manifest (written, not renamed)" "local.object-written#7" backup --config "$CFG"
crashed "ship, manifest in place, copy not recorded" ship.manifest-put backup --config "$CFG"
crashed "ship, one destination recorded, the other not" ship.copy-recorded backup --config "$CFG"
crashed "ship, complete, spool not removed" ship.complete backup --config "$CFG"
# run: the same points reached from the timer's entry point. `run` works (and so reaches them) only
# when something is due; a backup deleted more than its 1s grace ago is, so wait that second first.
sleep 1.1
crashed "run, between shipping and backing up" run.shipped run --config "$CFG"
sleep 1.1
crashed "run, before pruning" run.before-prune run --config "$CFG"
# prune: marking, and mid-purge at a destination. Grace is 1s: two prunes a second apart move the
# older backups to soft-deleted and past its grace, so the prune that is killed has something to purge.
ripen() { "$BIN" prune --config "$CFG" >/dev/null 2>&1; sleep 1.1; "$BIN" prune --config "$CFG" >/dev/null 2>&1; sleep 1.1; }
crashed "prune, a backup marked deleted" prune.deleted prune --config "$CFG"
ripen
crashed "prune, mid-purge: manifest removed, chunks not" prune.manifest-removed prune --config "$CFG"
ripen
crashed "prune, mid-purge: between two chunk removals" "prune.object-removed#2" prune --config "$CFG"
ripen
crashed "prune, objects removed, purge not recorded" prune.objects-removed prune --config "$CFG"
# restore: mid-stream into a tree, after the message verified, before the staging folder is renamed
for point in "restore.chunk-fed#2" restore.verified restore.before-rename; do
    crashed "restore, killed at $point" "$point" restore --config "$CFG" tree --to "$C/restored" --identity "$C/keys/ops.sec.asc"
    check "crash: after $point, a restore to the same place completes and the tree is right" bash -c \
        "'$BIN' restore --config '$CFG' tree --to '$C/restored' --identity '$C/keys/ops.sec.asc' >/dev/null 2>&1 && python3 '$ROOT/scripts/lib/tree_diff.py' '$C/tree' '$C/restored$C/tree'"
    rm -rf "$C/restored"
done
check "crash: at least 20 distinct kill points were exercised ($crash_points)" test "$crash_points" -ge 20
check "crash: every live backup verifies at both destinations afterwards" bash -c \
    "for id in \$('$BIN' list --config '$CFG' --json | python3 -c 'import json,sys; print(\" \".join(b[\"id\"] for b in json.load(sys.stdin) if b[\"status\"] == \"complete\"))'); do '$BIN' verify --config '$CFG' --backup \$id >/dev/null || exit 1; done"
