# A policy with a local and an rclone destination (SFTP to a throwaway OpenSSH sshd on 127.0.0.1): a
# backup lands at both, a restore from the SFTP copy alone, verify names a byte flipped there, bad input
# is refused with exit 65 before anything is written, and the server stopped mid-upload: retries, a
# degraded backup, the breaker skipping SFTP, and the next run catching every backup up.
R=$WORK/rclone
mkdir -p "$R"
# rclone itself, not a version manager's shim in front of it (a second of start-up per run).
RCLONE_DIR=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
[ -x "$RCLONE_DIR/rclone" ] && export PATH="$RCLONE_DIR:$PATH"
SSHD_PORT=$("$ROOT/scripts/servers/sshd.sh" start "$R/sshd" 2>"$R/sshd.err") || SSHD_PORT=
# The path is kept in a name of its own: the EXIT trap runs after every script, and a later one sets R.
RCLONE_DEST_SSHD=$R/sshd
rclone_stop_all() { "$ROOT/scripts/servers/sshd.sh" stop "$RCLONE_DEST_SSHD" 2>/dev/null || true; }
db_chain_exit rclone_stop_all

# rc_status ID: the backup's status in `list --json`, then each destination's.
rc_status() {
    "$BIN" list --config "$R/lifeboat.yaml" --json | python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin) if x["id"] == sys.argv[1]][0]
print(b["status"], " ".join(d["name"] + "=" + d["status"] for d in b["destinations"]))' "$1"
}

if [ -z "$SSHD_PORT" ]; then
    fail "rclone: sshd did not start: $(cat "$R/sshd.err")"
elif ! command -v rclone >/dev/null 2>&1; then
    fail "rclone: the rclone binary is missing (scripts/prerequisites.sh installs it)"
else
make_setup "$R"
STORED=$R/sshd/stored
head -n -2 "$R/policies/tree.yaml" >"$R/policies/tree.yaml.new"
cat >>"$R/policies/tree.yaml.new" <<YAML
destinations:
  - { name: nas, type: local, path: ../nas, failure_domain: site-a }
  - name: offsite
    type: rclone
    remote: "sftp:$STORED"
    config: ../sshd/rclone.conf
    failure_domain: provider-b
    concurrency: 1
    connect_timeout: 1s
    retry: { base: 100ms, cap: 500ms, attempts: 3, max_elapsed: 10s }
    breaker: { failures: 2, cool_down: 3s }
YAML
mv "$R/policies/tree.yaml.new" "$R/policies/tree.yaml"
cfg=$R/lifeboat.yaml

out=$("$BIN" backup --config "$cfg" tree 2>"$R/backup.err")
code=$?
ID=$(echo "$out" | awk '{print $2}')
check "rclone: backup to nas and sftp exits 0, complete" test "$code" -eq 0 -a "$(echo "$out" | awk '{print $3}')" = complete
check "rclone: list shows both destinations shipped" test "$(rc_status "$ID")" = "complete nas=shipped offsite=shipped"
check "rclone: the sshd's folder holds the same manifest, signature-free layout and chunks as nas" \
    diff -r "$STORED/e2e/tree/$ID" "$(backup_dir "$R" "$ID")"
check "rclone: no .partial upload is left at the server" test -z "$(find "$STORED" -name '*.partial')"

# A restore from the SFTP copy alone (the nas copy is gone).
rm -rf "$(backup_dir "$R" "$ID")"
"$BIN" restore --config "$cfg" tree --to "$R/restored" --identity "$R/keys/ops.sec.asc" >/dev/null 2>"$R/restore.err"
code=$?
check "rclone: with the nas copy gone, restore exits 0 from the sftp copy" test "$code" -eq 0
check "rclone: ... the restored tree is identical" python3 "$ROOT/scripts/lib/tree_diff.py" "$R/tree" "$R/restored${R}/tree"

# A byte flipped at the SFTP server: verify names the chunk at offsite.
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[100]^=1; open(p,"wb").write(b)' \
    "$STORED/e2e/tree/$ID/data.000001"
out=$("$BIN" verify --config "$cfg" tree --backup "$ID" 2>&1)
code=$?
check "rclone: verify exits 1 and names the damaged chunk at offsite" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c 'offsite: FAILED: data.000001 is damaged: sha256')" -eq 1
# Repaired: the backfill in `run` below refills the local copy removed above from this one.
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[100]^=1; open(p,"wb").write(b)' \
    "$STORED/e2e/tree/$ID/data.000001"

# Bad input: refused with exit 65 and the file (and line) before anything is written.
before=$(sqlite3 "$R/state/catalog.sqlite" 'select count(*) from backup')
chmod 644 "$R/sshd/rclone.conf"
err=$("$BIN" backup --config "$cfg" tree 2>&1 >/dev/null); code=$?
check "rclone: an rclone config others can read: exit 65 naming the policy line and the config" \
    test "$code" -eq 65 -a "$(echo "$err" | grep -c 'tree.yaml:.*rclone config .*rclone.conf is open to group or others')" -eq 1
chmod 600 "$R/sshd/rclone.conf"
sed -i "s|remote: \"sftp:|remote: \"elsewhere:|" "$R/policies/tree.yaml"
err=$("$BIN" backup --config "$cfg" tree 2>&1 >/dev/null); code=$?
check "rclone: a remote the config does not define: exit 65 naming it and the line" \
    test "$code" -eq 65 -a "$(echo "$err" | grep -c "tree.yaml:[0-9]*.*rclone remote 'elsewhere' is not defined")" -eq 1
sed -i "s|remote: \"elsewhere:|remote: \"sftp:|" "$R/policies/tree.yaml"
err=$(PATH=/usr/bin:/bin "$BIN" backup --config "$cfg" tree 2>&1 >/dev/null); code=$?
check "rclone: no rclone binary on PATH: exit 65 naming the policy line" \
    test "$code" -eq 65 -a "$(echo "$err" | grep -c 'tree.yaml:[0-9]*.*rclone binary is not on PATH')" -eq 1
check "rclone: ... none of the three started a backup" \
    test "$(sqlite3 "$R/state/catalog.sqlite" 'select count(*) from backup')" = "$before"

# The server stopped mid-upload: a bigger backup (many 1 MiB chunks, one upload at a time) is under way
# when sshd stops; retries fail, the backup ends degraded with its chunks in the spool.
head -c 12000000 /dev/urandom >"$R/tree/big.bin"
# The reference for "landed since": a few seconds back, as SFTP keeps mtimes to the second only.
touch -d "@$(($(date +%s) - 3))" "$R/tree/big.bin"
"$BIN" backup --config "$cfg" tree >"$R/fault.out" 2>"$R/fault.err" &
bpid=$!
for _ in $(seq 1 300); do
    [ "$(find "$STORED/e2e/tree" -newer "$R/tree/big.bin" -name 'data.*' 2>/dev/null | wc -l)" -ge 2 ] && break
    sleep 0.05
done
uploaded_before=$(find "$STORED/e2e/tree" -newer "$R/tree/big.bin" -name 'data.*' | wc -l)
"$ROOT/scripts/servers/sshd.sh" stop "$R/sshd"
wait $bpid; codeA=$?
A_ID=$(tail -1 "$R/fault.out" | awk '{print $2}')
echo "#   sshd stopped after $uploaded_before chunks of the 13 MB backup had landed"
check "rclone: server stopped mid-upload: backup exits 1, degraded (nas shipped, offsite failed)" \
    test "$codeA" -eq 1 -a "$(rc_status "$A_ID")" = "degraded nas=shipped offsite=failed"
check "rclone: ... the failed upload was retried (logged with its wait)" test "$(grep -c 'try [23] in' "$R/fault.err")" -ge 1
check "rclone: ... the error says what rclone said" test "$(grep -c 'connection refused' "$R/fault.err")" -ge 1
check "rclone: ... its chunks stay in the spool" test -n "$(ls "$R/state/spool/tree/$A_ID" 2>/dev/null)"
outB=$("$BIN" backup --config "$cfg" tree 2>/dev/null)
B_ID=$(echo "$outB" | tail -1 | awk '{print $2}')
outC=$("$BIN" backup --config "$cfg" tree 2>/dev/null); codeC=$?
C_ID=$(echo "$outC" | tail -1 | awk '{print $2}')
check "rclone: after 2 failed shipments the breaker is open: the next backup skips sftp" \
    test "$codeC" -eq 1 -a "$(echo "$outC" | tail -1 | grep -c 'circuit breaker open until')" -eq 1
check "rclone: the breaker's state is in the catalog under the rclone remote" \
    test "$(sqlite3 "$R/state/catalog.sqlite" "select phase from breaker where destination like 'rclone:%'")" = open

# The server back: after the cool-down, `lifeboat run` ships all three.
"$ROOT/scripts/servers/sshd.sh" start "$R/sshd" >/dev/null 2>&1
sleep 3.2
"$BIN" run --config "$cfg" >"$R/run.out" 2>"$R/run.err"
code=$?
check "rclone: sshd back, after the cool-down run exits 0" test "$code" -eq 0
check "rclone: all three backups are complete at both destinations" test \
    "$(rc_status "$A_ID")|$(rc_status "$B_ID")|$(rc_status "$C_ID")" = \
    "complete nas=shipped offsite=shipped|complete nas=shipped offsite=shipped|complete nas=shipped offsite=shipped"
check "rclone: the spool is empty" test -z "$(find "$R/state/spool" -type f -not -path '*/.locks/*')"
"$BIN" verify --config "$cfg" tree --backup "$A_ID" >"$R/verifyA.out" 2>&1
check "rclone: nothing lost: verify of the backup cut mid-upload passes at both destinations" test $? -eq 0

# SIGTERM while rclone uploads: lifeboat stops its rclone children with it, and ends by the signal.
head -c 12000000 /dev/urandom >"$R/tree/big.bin"
# The reference for "landed since": a few seconds back, as SFTP keeps mtimes to the second only.
touch -d "@$(($(date +%s) - 3))" "$R/tree/big.bin"
"$BIN" backup --config "$cfg" tree >"$R/term.out" 2>"$R/term.err" &
tpid=$!
seen=
for _ in $(seq 1 400); do
    # Its one `rclone rcd` (uploads) or an `rclone cat` (reads).
    if pgrep -f "rclone( rcd)? --config $R/sshd/rclone.conf" >/dev/null; then seen=yes; break; fi
    sleep 0.05
done
kill -TERM "$tpid"
wait "$tpid"; tcode=$?
left=$(pgrep -f "rclone( rcd)? --config $R/sshd/rclone.conf")   # at once: the children are stopped before lifeboat ends
echo "#   SIGTERM: exit $tcode, rclone seen: ${seen:-no}, left running: ${left:-none}"
check "rclone: SIGTERM during an upload: exit 143, and no rclone child outlives lifeboat" \
    test -n "$seen" -a "$tcode" -eq 143 -a -z "$left"
check "rclone: ... nor the private folder of its rclone rcd" \
    bash -c "! ls -d '${TMPDIR:-/tmp}'/lifeboat-rclone-$tpid-* 2>/dev/null | grep -q ."
fi
rclone_stop_all
