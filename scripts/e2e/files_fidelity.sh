# Names that are not UTF-8, extended attributes, an ACL, a capability and a sparse file come back
# byte for byte through lifeboat, GNU tar and bsdtar; a missing policy path fails the backup.
F=$WORK/fidelity
make_setup "$F"
T=$F/tree
latin=$(printf 'caf\xe9.txt')
ldir=$(printf 'r\xe9pertoire')
printf 'latin-1 name\n' >"$T/$latin"
mkdir "$T/$ldir"
printf 'inside\n' >"$T/$ldir/$(printf 'na\xefve')"
ln -s "../$latin" "$T/$ldir/$(printf 'lien-\xe0')"
printf 'attributes\n' >"$T/attrs.txt"
setfattr -n user.color -v blue "$T/attrs.txt"
setfattr -n user.binary -v 0sAAEC/w== "$T/attrs.txt"
setfattr -n trusted.lifeboat -v kept "$T/attrs.txt"
setfattr -n security.selinux -v 'system_u:object_r:etc_t:s0' "$T/attrs.txt"
setfattr -n user.onadir -v yes "$T/$ldir"
setfattr -h -n security.selinux -v 'system_u:object_r:etc_t:s0' "$T/$ldir/$(printf 'lien-\xe0')"
printf 'acl\n' >"$T/acl.txt"
setfacl -m u:1234:rw-,g:4321:r-- "$T/acl.txt"
setfacl -d -m u:1234:rwx "$T/$ldir"
cp /bin/true "$T/pinger"
setcap cap_net_raw+ep "$T/pinger"
truncate -s 64M "$T/sparse.img"
printf 'middle' | dd of="$T/sparse.img" bs=1 seek=$((10 << 20)) conv=notrunc status=none
printf 'tail' | dd of="$T/sparse.img" bs=1 seek=$(((64 << 20) - 4)) conv=notrunc status=none

out=$("$BIN" backup --config "$F/lifeboat.yaml" tree 2>"$F/backup.err")
code=$?
# The one warning expected: its single destination names no failure domain.
check "backup of the tree exits 0, complete, without warnings (but the failure-domain one)" \
    test $code -eq 0 -a "$(echo "$out" | grep -c ' complete$')" -eq 1 -a -z "$(grep -v 'failure_domain' "$F/backup.err")"
ID=$(echo "$out" | awk '{print $2}')
BD=$(backup_dir "$F" "$ID")
check "list --json says the backup skipped nothing" python3 - "$("$BIN" list --config "$F/lifeboat.yaml" --json)" <<'PY'
import json, sys
b = json.loads(sys.argv[1])[0]
assert b["skipped"] == 0, b
PY

"$BIN" restore --config "$F/lifeboat.yaml" tree --to "$F/restored" --identity "$F/keys/ops.sec.asc" >/dev/null
check "restore exits 0" test $? -eq 0
R=$F/restored$T
check "restored tree: same names (bytes), content, modes, owners, mtimes, links" python3 scripts/lib/tree_diff.py "$T" "$R"
check "restored tree: same extended attributes, ACLs, capability and label" python3 scripts/lib/attr_diff.py "$T" "$R"
check "the Latin-1 names exist byte for byte" test -f "$R/$latin" -a -f "$R/$ldir/$(printf 'na\xefve')"
check "getcap sees the capability" bash -c "getcap '$R/pinger' | grep -q 'cap_net_raw=ep'"
check "getfacl sees the ACL and the default ACL" bash -c \
    "getfacl -n '$R/acl.txt' 2>/dev/null | grep -q '^user:1234:rw-' && getfacl -n '$R/$ldir' 2>/dev/null | grep -q '^default:user:1234:rwx'"
check "the sparse file keeps its size and its holes" python3 - "$T/sparse.img" "$R/sparse.img" <<'PY'
import os, sys
a, b = os.stat(sys.argv[1]), os.stat(sys.argv[2])
assert a.st_size == b.st_size == 64 << 20, (a.st_size, b.st_size)
assert b.st_blocks * 512 <= 1 << 20, b.st_blocks
PY

gpg --batch --quiet --import "$F/keys/ops.sec.asc" 2>/dev/null
cat "$BD"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | gunzip >"$F/raw.tar"
mkdir "$F/gnu" "$F/bsd"
tar --xattrs --xattrs-include='*' -xpf "$F/raw.tar" -C "$F/gnu" 2>"$F/gnu.err"
check "GNU tar --xattrs extracts the raw archive (exit 0)" test $? -eq 0
check "GNU tar: same names, content, modes, owners, links" python3 scripts/lib/tree_diff.py "$T" "$F/gnu$T"
check "GNU tar: same extended attributes, ACLs, capability and label" python3 scripts/lib/attr_diff.py "$T" "$F/gnu$T"
LC_ALL=C.UTF-8 bsdtar -xpf "$F/raw.tar" -C "$F/bsd" 2>"$F/bsd.err"
check "bsdtar extracts the raw archive (exit 0, no complaint)" test $? -eq 0 -a ! -s "$F/bsd.err"
check "bsdtar: same names, content, modes, owners, links" python3 scripts/lib/tree_diff.py "$T" "$F/bsd$T"
check "bsdtar: same extended attributes, ACLs, capability and label" \
    python3 scripts/lib/attr_diff.py "$T" "$F/bsd$T"

sed -i "s|paths: \[$T\]|paths: [$T, $F/no-such-dir]|" "$F/policies/tree.yaml"
out=$("$BIN" backup --config "$F/lifeboat.yaml" tree 2>&1)
code=$?
check "a policy path that does not exist fails the backup (exit 1) with a line naming it" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c "$F/no-such-dir does not exist")" -ge 1

# As a user who cannot read everything: what cannot be read is skipped, said, counted and checked.
U=$WORK/unprivileged
chmod o+x "$WORK"
make_setup "$U"
cp "$BIN" "$U/lifeboat"
setfattr -n user.color -v blue "$U/tree/random.bin"
chown -R nobody "$U"
printf 'secret\n' >"$U/tree/secret.txt"
chmod 600 "$U/tree/secret.txt"
mkdir -m 700 "$U/tree/private"
printf 'hidden\n' >"$U/tree/private/inside.txt"
as_nobody() { runuser -u nobody -- "$U/lifeboat" "$@"; }
out=$(as_nobody backup --config "$U/lifeboat.yaml" tree 2>"$U/backup.err")
code=$?
check "a backup that cannot read two entries still completes (exit 0)" \
    test "$code" -eq 0 -a "$(echo "$out" | grep -c ' complete$')" -eq 1
check "it warns once per entry, naming its path" test \
    "$(grep -c "cannot open $U/tree/secret.txt: permission denied" "$U/backup.err")" -eq 1 -a \
    "$(grep -c "cannot list directory $U/tree/private: permission denied" "$U/backup.err")" -eq 1
check "list --json counts the two skipped entries" python3 - "$(as_nobody list --config "$U/lifeboat.yaml" --json)" <<'PY'
import json, sys
b = json.loads(sys.argv[1])[0]
assert b["skipped"] == 2 and b["status"] == "complete", b
PY
UID_DIR=$(backup_dir "$U" "$(echo "$out" | awk '{print $2}')")
check "the manifest records skipped: 2" python3 -c \
    "import json,sys; assert json.load(open(sys.argv[1]))['skipped'] == 2" "$UID_DIR/manifest.json"
out=$(as_nobody check --config "$U/lifeboat.yaml" tree)
code=$?
check "check is WARNING (exit 1) while the newest backup skipped entries" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c '^LIFEBOAT WARNING - .*skipped 2 entries')" -eq 1
as_nobody restore --config "$U/lifeboat.yaml" tree --to "$U/restored" --identity "$U/keys/ops.sec.asc" >/dev/null 2>"$U/restore.err"
check "a restore without root says once that extended attributes were not restored" \
    test $? -eq 0 -a "$(grep -c 'extended attributes .* were not restored: that needs root' "$U/restore.err")" -eq 1
