#!/usr/bin/env python3
"""Writes lifeboat.1 (troff, man(7)) from `lifeboat --experimental-dump-help`: the same definitions the
argument parser checks and `--help` prints, so the page cannot drift from the binary.

    lifeboat --experimental-dump-help | python3 scripts/lib/manpage.py VERSION > lifeboat.1
"""
import json
import sys


def esc(text):
    """Text as troff shows it: backslashes doubled, a leading dot or quote made harmless."""
    text = (text or "").replace("\\", "\\e")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def names(arg):
    out = []
    for n in arg.get("names", []):
        out.append(("--" if n["kind"] == "long" else "-") + n["name"])
    return ", ".join(out)


def builtin(arg):
    """--help and --version, which every page would repeat."""
    return any(n["name"] in ("help", "version") for n in arg.get("names", []))


def synopsis(cmd, path):
    parts = [path]
    for a in cmd.get("arguments", []):
        if not a.get("shouldDisplay", True) or builtin(a):
            continue
        if a["kind"] == "positional":
            word = a.get("valueName", "ARG").upper() + ("..." if a.get("isRepeating") else "")
        elif a["kind"] == "option":
            word = names(a).split(", ")[-1] + " " + a.get("valueName", "value").upper()
        else:
            word = names(a).split(", ")[-1]
        parts.append("[" + word + "]" if a.get("isOptional") else word)
    return " ".join(parts)


def command(cmd, path, out):
    out.append(".SS " + esc(path))
    out.append(esc(cmd.get("abstract", "")))
    out.append(".PP")
    out.append(".B " + esc(synopsis(cmd, path)))
    if cmd.get("discussion"):
        out.append(".PP")
        out.append(esc(cmd["discussion"]))
    for a in cmd.get("arguments", []):
        if not a.get("shouldDisplay", True) or a["kind"] == "positional":
            continue
        if builtin(a):
            continue
        out.append(".TP")
        value = " " + a["valueName"].upper() if a["kind"] == "option" and a.get("valueName") else ""
        out.append(".B " + esc(names(a) + value))
        out.append(esc(a.get("abstract", "")))
    for sub in cmd.get("subcommands", []):
        if sub.get("shouldDisplay", True):
            command(sub, path + " " + sub["commandName"], out)


def main():
    version = sys.argv[1] if len(sys.argv) > 1 else ""
    root = json.load(sys.stdin)["command"]
    out = [
        '.TH LIFEBOAT 1 "" "lifeboat %s" "User Commands"' % esc(version),
        ".SH NAME",
        "lifeboat \\- " + esc(root.get("abstract", "")),
        ".SH SYNOPSIS",
        ".B lifeboat",
        "COMMAND [OPTIONS]",
        ".SH DESCRIPTION",
        "Every command takes --config FILE (default $LIFEBOAT_CONFIG, then /etc/lifeboat/lifeboat.yaml) and -v.",
        ".SH COMMANDS",
    ]
    for sub in root.get("subcommands", []):
        if sub.get("shouldDisplay", True):
            command(sub, "lifeboat " + sub["commandName"], out)
    out.append(".SH EXIT STATUS")
    out.append(".nf")
    out.append(esc(root.get("discussion", "").replace("EXIT STATUS\n", "")))
    out.append(".fi")
    out.append(".SH FILES")
    out.append("/etc/lifeboat/lifeboat.yaml, the policies folder it names, /var/lib/lifeboat (catalog, spool).")
    sys.stdout.write("\n".join(out) + "\n")


main()
