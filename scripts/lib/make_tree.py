#!/usr/bin/env python3
"""Makes a sample file tree with every case the files source must carry: regular, empty and large
files, empty and nested folders, relative and absolute symlinks, hard links, long and non-ASCII
names, several modes and owners, and old mtimes with nanoseconds."""
import os
import sys


def main(root: str, big_mib: int = 3) -> None:
    os.makedirs(root, exist_ok=True)
    j = lambda *p: os.path.join(root, *p)
    os.makedirs(j("etc", "app", "conf.d"), exist_ok=True)
    os.makedirs(j("empty-dir"), exist_ok=True)
    os.makedirs(j("deep", "a", "b", "c", "d"), exist_ok=True)
    with open(j("etc", "app", "app.conf"), "w") as f:
        f.write("listen = 8080\nworkers = 4\n" * 50)
    with open(j("etc", "app", "conf.d", "secret.conf"), "w") as f:
        f.write("token = s3cr3t\n")
    os.chmod(j("etc", "app", "conf.d", "secret.conf"), 0o600)
    open(j("empty-file"), "w").close()
    with open(j("run.sh"), "w") as f:
        f.write("#!/bin/sh\necho hi\n")
    os.chmod(j("run.sh"), 0o755)
    with open(j("group-readable"), "w") as f:
        f.write("x\n")
    os.chmod(j("group-readable"), 0o640)
    with open(j("big.bin"), "wb") as f:
        seed = 12345
        for _ in range(big_mib):
            block = bytearray()
            for _ in range(1024):
                seed = (seed * 6364136223846793005 + 1442695040888963407) & 0xFFFFFFFFFFFFFFFF
                block += seed.to_bytes(8, "little") * 128
            f.write(block)
    long_name = "l" * 200 + ".txt"
    with open(j("deep", "a", "b", "c", "d", long_name), "w") as f:
        f.write("long name\n")
    with open(j("naïve-日本語.txt"), "w", encoding="utf-8") as f:
        f.write("non-ascii name\n")
    os.symlink("etc/app/app.conf", j("link-relative"))
    os.symlink("/etc/hostname", j("link-absolute"))
    os.symlink("does-not-exist", j("link-dangling"))
    os.link(j("etc", "app", "app.conf"), j("hardlink-to-app.conf"))
    if os.geteuid() == 0:
        os.chown(j("group-readable"), 1234, 5678)
    # Old mtimes with nanoseconds, set last so nothing above disturbs them (folders deepest first).
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        for name in filenames + dirnames:
            p = os.path.join(dirpath, name)
            os.utime(p, ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789), follow_symlinks=False)
    os.utime(root, ns=(1_600_000_000_000_000_000, 1_600_000_000_000_000_000))


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 3)
