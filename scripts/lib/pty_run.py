#!/usr/bin/env python3
"""Runs a command with its standard error on a pseudo-terminal (as an operator's terminal would be)
and its standard output on a pipe; writes every byte the terminal received to TTY_FILE, passes the
standard output through, and exits with the command's exit code.

    pty_run.py TTY_FILE COMMAND [ARG...]
"""
import fcntl
import os
import pty
import struct
import termios
import select
import subprocess
import sys


def main() -> int:
    tty_file, argv = sys.argv[1], sys.argv[2:]
    master, slave = pty.openpty()
    # A terminal 160 columns wide, 40 rows high (a new pseudo-terminal says 0 x 0).
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    child = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    seen = bytearray()
    out = bytearray()
    pipes = {master: seen, child.stdout.fileno(): out}
    while pipes:
        ready, _, _ = select.select(list(pipes), [], [], 1.0)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the terminal's other side closed (EIO on Linux)
                data = b""
            if data:
                pipes[fd].extend(data)
            else:
                del pipes[fd]
    code = child.wait()
    with open(tty_file, "wb") as f:
        f.write(seen)
    sys.stdout.buffer.write(out)
    return code


if __name__ == "__main__":
    sys.exit(main())
