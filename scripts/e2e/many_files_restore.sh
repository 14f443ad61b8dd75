# A tree of thousands of small files (restored by the pool of writers) comes back exactly: content,
# modes, owners, times of files and folders, hard links and symlinks, with a large file among them.
M=$WORK/manyfiles
make_setup "$M"
T=$M/tree
python3 - "$T" <<'PY'
import os, random, sys
root = sys.argv[1]
random.seed(5)
for i in range(3000):
    d = os.path.join(root, "many", "d%02d" % (i % 60), "é%d" % (i % 3))
    os.makedirs(d, exist_ok=True)
    p = os.path.join(d, "f%04d.conf" % i)
    with open(p, "w") as fh:
        fh.write(("key%d = value %d\n" % (i, random.randint(0, 10**6))) * random.randint(1, 400))
    os.chmod(p, random.choice([0o600, 0o640, 0o644, 0o755, 0o400, 0o4755]))
    os.utime(p, ns=(1_600_000_000_000_000_000 + i * 1_000_001, 1_600_000_000_000_000_000 + i * 1_000_001))
    if i % 500 == 0:
        os.link(p, os.path.join(root, "many", "hard%04d" % i))
        os.symlink(os.path.relpath(p, os.path.join(root, "many")), os.path.join(root, "many", "sym%04d" % i))
for dp, dn, fn in os.walk(root, topdown=False):
    if "/many" in dp:
        os.chmod(dp, 0o750)
        os.utime(dp, ns=(1_500_000_000_123_456_789, 1_500_000_000_123_456_789))
PY
out=$("$BIN" backup --config "$M/lifeboat.yaml" tree 2>/dev/null)
check "backup of 3,000 small files exits 0" test $? -eq 0
"$BIN" restore --config "$M/lifeboat.yaml" tree --to "$M/restored" --identity "$M/keys/ops.sec.asc" >/dev/null 2>"$M/err"
check "restore of 3,000 small files exits 0" test $? -eq 0
check "every file, folder and link comes back with its content, mode, owner and times" \
    python3 scripts/lib/tree_diff.py "$T" "$M/restored$T"
check "no partial folder is left beside the restored tree" test -z "$(ls -d "$M"/restored.lifeboat-partial-* 2>/dev/null)"
