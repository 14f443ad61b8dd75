#!/usr/bin/env python3
"""Compares the names (as bytes) and the extended attributes (every namespace: user., trusted.,
security., system.posix_acl_*) of two file trees. Prints each difference; exit 1 if any.
  attr_diff.py A B [--ignore PREFIX]...   attributes whose name starts with PREFIX are not compared"""
import os
import sys


def walk(root, ignore):
    out = {}
    root = os.fsencode(root)
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, root)
            attrs = {}
            for a in os.listxattr(p, follow_symlinks=False):
                if not any(a.startswith(i) for i in ignore):
                    attrs[a] = os.getxattr(p, a, follow_symlinks=False)
            out[rel] = attrs
    return out


def main(a, b, ignore):
    ta, tb = walk(a, ignore), walk(b, ignore)
    problems = []
    for rel in sorted(set(ta) | set(tb)):
        if rel not in ta or rel not in tb:
            problems.append(f"{rel!r}: only in {'first' if rel in ta else 'second'}")
        elif ta[rel] != tb[rel]:
            problems.append(f"{rel!r}: attributes {sorted(ta[rel])} != {sorted(tb[rel])}"
                            + ("" if sorted(ta[rel]) != sorted(tb[rel]) else " (values differ)"))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    ignore = [args[i + 1] for i, x in enumerate(args) if x == "--ignore"]
    rest = [x for i, x in enumerate(args) if x != "--ignore" and (i == 0 or args[i - 1] != "--ignore")]
    sys.exit(main(rest[0], rest[1], ignore))
