# kill -9 at random moments of a backup: the catalog stays readable and consistent, the destination
# never holds a manifest without all its chunks, and the next backup succeeds and cleans up.
K=$WORK/kill
make_setup "$K"
python3 - "$K/tree/bulk" <<'PY'
import os, sys
os.makedirs(sys.argv[1])
for i in range(40):
    with open(os.path.join(sys.argv[1], f"f{i}.bin"), "wb") as f:
        f.write(os.urandom(2 << 20))
PY
kills_ok=0
for delay in 0.05 0.3 0.6 1.0 1.5; do
    "$BIN" backup --config "$K/lifeboat.yaml" tree >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if "$BIN" list --config "$K/lifeboat.yaml" --json >"$K/list.json" 2>/dev/null \
        && [ "$(sqlite3 "$K/state/catalog.sqlite" 'PRAGMA integrity_check')" = ok ] \
        && python3 - "$K" <<'PY'
import hashlib, json, os, sys
root = os.path.join(sys.argv[1], "nas", "e2e", "tree")
for bid in (os.listdir(root) if os.path.isdir(root) else []):
    m = os.path.join(root, bid, "manifest.json")
    if not os.path.exists(m):
        continue
    for c in json.load(open(m))["chunks"]:
        p = os.path.join(root, bid, c["name"])
        assert os.path.getsize(p) == c["size"], p
        assert hashlib.sha256(open(p, "rb").read()).hexdigest() == c["sha256"], p
PY
    then kills_ok=$((kills_ok + 1)); fi
done
check "after 5 kill -9s the catalog reads, passes integrity_check, and every manifest's chunks are whole" test "$kills_ok" -eq 5
out=$("$BIN" backup --config "$K/lifeboat.yaml" tree 2>/dev/null)
check "the next backup after the kills succeeds" test $? -eq 0
check "no backup is left running and interrupted ones are failed" test \
    "$(sqlite3 "$K/state/catalog.sqlite" "SELECT count(*) FROM backup WHERE status IN ('running','pending')")" -eq 0
live=$(sqlite3 "$K/state/catalog.sqlite" "SELECT id FROM backup WHERE status <> 'failed'" | sort)
spooled=$(ls "$K/state/spool/tree" 2>/dev/null | sort)
left=$(for id in $spooled; do echo "$id:$(sqlite3 "$K/state/catalog.sqlite" "SELECT status FROM backup WHERE id = '$id'")"; done | tr '\n' ' ')
check "the spool holds nothing for failed or finished backups${left:+ (left: $left)}" test -z "$spooled"
check "the catalog's complete backups are exactly those with a manifest" test "$live" = \
    "$(cd "$K/nas/e2e/tree" && for d in *; do [ -f "$d/manifest.json" ] && echo "$d"; done | sort)"
