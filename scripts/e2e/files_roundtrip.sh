# A file tree with every case backs up, lists, and restores identically, through lifeboat and by hand.
S=$WORK/files
make_setup "$S"
echo "scratch" >"$S/tree/skip.tmp"
out=$("$BIN" backup --config "$S/lifeboat.yaml" tree)
code=$?
check "backup exits 0 and prints one complete line" test "$code" -eq 0 -a "$(echo "$out" | grep -c ' complete$')" -eq 1
ID=$(echo "$out" | awk '{print $2}')
BD=$(backup_dir "$S" "$ID")
check "manifest and several chunks at the destination" test -f "$BD/manifest.json" -a -f "$BD/data.000001"
check "spool holds no chunks after shipping" test -z "$(find "$S/state/spool" -type f -name 'data.*' 2>/dev/null)"

json=$("$BIN" list --config "$S/lifeboat.yaml" --json)
check "list --json names the backup as complete with its destination shipped" python3 - "$json" "$ID" <<'PY'
import json, sys
items = json.loads(sys.argv[1])
b = [x for x in items if x["id"] == sys.argv[2]][0]
assert b["status"] == "complete" and b["policy"] == "tree", b
assert b["destinations"] == [{"name": "nas", "failure_domain": None, "status": "shipped"}], b
assert b["bytes_in"] > 3 * 1024 * 1024 and b["chunks"] >= 2 and b["started"].endswith("Z"), b
PY

check "manifest lists every chunk with its size and sha256" python3 - "$BD" <<'PY'
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
assert m["policy"] == "tree" and m["host"] == "e2e" and m["kind"] == "files" and m["payload"] == "tar"
for c in m["chunks"]:
    data = open(os.path.join(d, c["name"]), "rb").read()
    assert len(data) == c["size"] and hashlib.sha256(data).hexdigest() == c["sha256"], c["name"]
assert len(m["recipients"]) == 1 and len(m["recipients"][0]) == 40
PY

"$BIN" restore --config "$S/lifeboat.yaml" tree --to "$S/restored" --identity "$S/keys/ops.sec.asc" >/dev/null
check "restore exits 0" test $? -eq 0
rm -f "$S/tree/skip.tmp"
check "restored tree is identical (content, modes, owners, mtimes, links)" \
    python3 scripts/lib/tree_diff.py "$S/tree" "$S/restored${S}/tree"
check "excluded files are not in the backup" test ! -e "$S/restored${S}/tree/skip.tmp"

gpg --batch --quiet --import "$S/keys/ops.sec.asc" 2>/dev/null
mkdir "$S/manual"
(cd "$S/manual" && cat "$BD"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | gunzip | tar -x 2>/dev/null)
check "cat data.* | gpg --decrypt | gunzip | tar -x restores the same tree" \
    python3 scripts/lib/tree_diff.py "$S/tree" "$S/manual${S}/tree"
check "python's gzip module reads the whole gzip layer" bash -c \
    "cat '$BD'/data.* | gpg --batch --quiet --decrypt 2>/dev/null | python3 -c 'import gzip,sys; d=gzip.decompress(sys.stdin.buffer.read()); assert len(d) > 3<<20'"

"$BIN" restore --config "$S/lifeboat.yaml" tree --to "$S/restored" --identity "$S/keys/ops.sec.asc" >/dev/null 2>&1
check "restore refuses a target that is not empty (exit 64)" test $? -eq 64
