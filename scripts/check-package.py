#!/usr/bin/env python3
"""Checks that Package.swift matches the imports: every module a target imports is one of its declared
dependencies (or ships with the toolchain), and every declared dependency is imported somewhere in it.

SwiftPM's own --explicit-target-dependency-import-check only sees targets of this package; this also
covers products of other packages. Prints one line per mismatch and exits 1 if there is any."""
import json
import os
import re
import subprocess
import sys

# Modules that come with the toolchain or the C library, never declared.
TOOLCHAIN = {"Foundation", "FoundationEssentials", "FoundationNetworking", "FoundationXML", "Glibc", "Musl",
             "Dispatch", "Synchronization", "Testing", "XCTest", "_Concurrency", "SwiftShims"}
# Modules that come with a declared product without being products themselves.
COMES_WITH = {
    # Yams's C module (libyaml): the YAML alias guard reads its event stream before Yams builds nodes.
    "CYaml": "Yams",
}
IMPORT = re.compile(r"^\s*(?:@\w+(?:\([^)]*\))?\s+)*(?:public\s+|package\s+|internal\s+)?import\s+"
                    r"(?:(?:struct|class|enum|protocol|func|var|let|typealias)\s+)?([A-Za-z_][A-Za-z0-9_]*)", re.M)


def header(text):
    """The lines before the first declaration: imports, comments and #if blocks (a Swift file's imports
    are all there; an `import` inside a string further down is not one)."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith(("//", "import ", "@", "#", "public import", "package import")):
            break
        kept.append(line)
    return "\n".join(kept)


def imports(folder):
    found = set()
    for root, _, files in os.walk(folder):
        for name in files:
            if name.endswith(".swift"):
                with open(os.path.join(root, name), encoding="utf-8") as f:
                    found.update(IMPORT.findall(header(f.read())))
    return found


def main():
    os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    package = json.loads(subprocess.run(["swift", "package", "dump-package"], check=True,
                                        capture_output=True, text=True).stdout)
    problems = []
    for target in package["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        folder = target.get("path") or os.path.join("Tests" if target["type"] == "test" else "Sources",
                                                    target["name"])
        declared = set()
        for dependency in target.get("dependencies", []):
            kind, value = next(iter(dependency.items()))
            declared.add(value[0])
        used = imports(folder) - TOOLCHAIN - {target["name"]}
        for module in sorted(used):
            owner = COMES_WITH.get(module, module)
            if owner not in declared:
                problems.append(f"{target['name']}: imports {module} but does not declare {owner}")
        for dependency in sorted(declared):
            if dependency not in used and not any(COMES_WITH.get(m) == dependency for m in used):
                problems.append(f"{target['name']}: declares {dependency} but never imports it")
    for line in problems:
        print(f"Package.swift: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
