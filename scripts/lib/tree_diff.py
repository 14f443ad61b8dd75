#!/usr/bin/env python3
"""Compares two file trees: types, contents, modes, owners, mtimes (to the second), symlink
targets and which names are hard links of each other. Prints each difference; exit 1 if any."""
import os
import stat
import sys


def walk(root):
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            out[os.path.relpath(p, root)] = os.lstat(p)
    return out


def main(a, b):
    ta, tb = walk(a), walk(b)
    problems = []
    for rel in sorted(set(ta) | set(tb)):
        if rel not in ta or rel not in tb:
            problems.append(f"{rel}: only in {'first' if rel in ta else 'second'}")
            continue
        sa, sb = ta[rel], tb[rel]
        if stat.S_IFMT(sa.st_mode) != stat.S_IFMT(sb.st_mode):
            problems.append(f"{rel}: type differs")
            continue
        if not stat.S_ISLNK(sa.st_mode) and stat.S_IMODE(sa.st_mode) != stat.S_IMODE(sb.st_mode):
            problems.append(f"{rel}: mode {oct(sa.st_mode)} != {oct(sb.st_mode)}")
        if (sa.st_uid, sa.st_gid) != (sb.st_uid, sb.st_gid):
            problems.append(f"{rel}: owner {sa.st_uid}:{sa.st_gid} != {sb.st_uid}:{sb.st_gid}")
        if int(sa.st_mtime) != int(sb.st_mtime):
            problems.append(f"{rel}: mtime {sa.st_mtime} != {sb.st_mtime}")
        pa, pb = os.path.join(a, rel), os.path.join(b, rel)
        if stat.S_ISLNK(sa.st_mode):
            if os.readlink(pa) != os.readlink(pb):
                problems.append(f"{rel}: link target differs")
        elif stat.S_ISREG(sa.st_mode):
            with open(pa, "rb") as fa, open(pb, "rb") as fb:
                if fa.read() != fb.read():
                    problems.append(f"{rel}: content differs")
    # Hard links: names sharing an inode in one tree must share one in the other.
    def groups(t):
        by = {}
        for rel, s in t.items():
            if stat.S_ISREG(s.st_mode) and s.st_nlink > 1:
                by.setdefault(s.st_ino, set()).add(rel)
        return sorted(sorted(g) for g in by.values() if len(g) > 1)
    if groups(ta) != groups(tb):
        problems.append(f"hard links differ: {groups(ta)} != {groups(tb)}")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
