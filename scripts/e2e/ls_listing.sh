# lifeboat ls: what a files backup holds, read through the restore's checks, without writing anything.
L=$WORK/ls
make_setup "$L"
ln -s ../random.bin "$L/tree/link-to-random"
printf 'x' >"$L/tree/$(printf 'bell\aname')"
chmod 4750 "$L/tree/random.bin"
"$BIN" backup --config "$L/lifeboat.yaml" >/dev/null 2>&1
"$BIN" ls --config "$L/lifeboat.yaml" tree --identity "$L/keys/ops.sec.asc" >"$L/ls.out" 2>"$L/ls.err"; code=$?
check "ls: lists every entry of the tree, one per line (exit 0), and says how many on stderr" bash -c "
    [ $code -eq 0 ] && [ \$(grep -c . '$L/ls.out') -eq \$(find '$L/tree' | wc -l) ] &&
    grep -q \"entries\" '$L/ls.err'"
check "ls: a file's mode (setuid), size and absolute path as on the host" \
    grep -q "^-rwsr-x--- 0:0 $(stat -c %s "$L/tree/random.bin") .* $L/tree/random.bin\$" "$L/ls.out"
check "ls: a symlink shows its target" grep -q "^lrwxrwxrwx .* $L/tree/link-to-random -> ../random.bin\$" "$L/ls.out"
check "ls: a control character in a name is escaped, not sent to the terminal" \
    bash -c "grep -qF 'bell\\u{07}name' '$L/ls.out' && ! grep -q \$'\\a' '$L/ls.out'"
"$BIN" ls --config "$L/lifeboat.yaml" tree --identity "$L/keys/ops.sec.asc" "$L/tree/random.bin" '*.tmp-never' >"$L/one.out" 2>/dev/null
check "ls PATH: only the entries named (or under, or matching)" test "$(grep -c . "$L/one.out")" = 1
"$BIN" ls --config "$L/lifeboat.yaml" tree --identity "$L/keys/ops.sec.asc" --json "$L/tree" >"$L/ls.json" 2>/dev/null
check "ls --json: an array with type, path, mode, size, mtime for every entry under the path" python3 - "$L/ls.json" "$L/tree" <<'PY'
import json, os, sys
entries = json.load(open(sys.argv[1]))
assert len(entries) == sum(1 for _ in os.walk(sys.argv[2])) + sum(len(f) for _, d, f in os.walk(sys.argv[2])) - 0, len(entries)
byp = {e["path"].rstrip("/"): e for e in entries}
r = byp[sys.argv[2] + "/random.bin"]
assert r["type"] == "file" and r["mode"] == "4750" and r["size"] == os.path.getsize(sys.argv[2] + "/random.bin"), r
assert byp[sys.argv[2] + "/link-to-random"]["link"] == "../random.bin"
PY
"$BIN" keygen --out "$L/other" --name other >/dev/null 2>&1
"$BIN" ls --config "$L/lifeboat.yaml" tree --identity "$L/other/other.sec.asc" >/dev/null 2>"$L/wrong.err"
check "ls: a key that is not a recipient exits 1 and names the backup's recipients" \
    bash -c "[ $? -eq 1 ] && grep -q 'not to the identity given' '$L/wrong.err'"
check "ls: nothing was written beside the tree or in the spool" bash -c "[ -z \"\$(ls -A '$L/state/spool/tree' 2>/dev/null)\" ]"

# restore --path: only the entries picked (and the folders above them), with the same safety rules.
"$BIN" restore --config "$L/lifeboat.yaml" tree --identity "$L/keys/ops.sec.asc" --to "$L/part" \
    --path "$L/tree/random.bin" --path '*/link-to-*' >/dev/null 2>&1; code=$?
check "restore --path: exactly the picked entries, byte for byte, with their folders above" bash -c "
    [ $code -eq 0 ] && cmp -s '$L/tree/random.bin' '$L/part$L/tree/random.bin' &&
    [ \"\$(readlink '$L/part$L/tree/link-to-random')\" = ../random.bin ] &&
    [ \$(find '$L/part' -type f | wc -l) -eq 1 ] && [ \$(find '$L/part' -type l | wc -l) -eq 1 ]"
check "restore --path: a folder above keeps its mode and mtime from the archive" \
    test "$(stat -c '%a %Y' "$L/part$L/tree")" = "$(stat -c '%a %Y' "$L/tree")"
"$BIN" restore --config "$L/lifeboat.yaml" tree --identity "$L/keys/ops.sec.asc" --to "$L/none" --path /no/such >/dev/null 2>"$L/nomatch.err"; code=$?
check "restore --path that matches nothing: exit 1, says so, leaves nothing" bash -c "
    [ $code -eq 1 ] && grep -q 'no entry of the backup matches --path /no/such' '$L/nomatch.err' && [ -z \"\$(ls -d '$L'/none* 2>/dev/null)\" ]"
