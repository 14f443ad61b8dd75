"""What must hold after any kill and the next run (the crash campaign's checks).

usage: crash_invariants.py SETUP_DIR KEPT_IDS_FILE
- the catalog passes PRAGMA integrity_check and its foreign keys hold;
- at every local destination, every manifest's chunks are there with the size and sha256 it names,
  and its signature is there;
- every backup id in KEPT_IDS_FILE (complete before the kill) is still complete, and live or
  retention-managed (never lost to a crash);
- no restore staging folder (plaintext) and no restore work folder is left, and the spool holds only
  backup folders with chunk files.
Prints one line per problem and exits 1 when there is any.
"""
import glob
import hashlib
import json
import os
import sqlite3
import sys


def main(setup, kept_file):
    problems = []
    db = sqlite3.connect(os.path.join(setup, "state", "catalog.sqlite"))
    if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
        problems.append("catalog: integrity_check failed")
    if db.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("catalog: foreign keys broken")
    rows = {r[0]: (r[1], r[2]) for r in db.execute("SELECT id, status, retention FROM backup")}
    for root in ("nas", "nas2"):
        for m in glob.glob(os.path.join(setup, root, "e2e", "tree", "*", "manifest.json")):
            folder = os.path.dirname(m)
            try:
                manifest = json.load(open(m))
            except ValueError:
                problems.append("%s: manifest is not whole" % m)
                continue
            if not os.path.exists(m + ".sig"):
                problems.append("%s: no signature beside the manifest" % m)
            for c in manifest["chunks"]:
                p = os.path.join(folder, c["name"])
                if not os.path.exists(p):
                    problems.append("%s: names %s, which is missing" % (m, c["name"]))
                    continue
                data = open(p, "rb").read()
                if len(data) != c["size"] or hashlib.sha256(data).hexdigest() != c["sha256"]:
                    problems.append("%s: %s does not match the manifest" % (m, c["name"]))
    for bid in open(kept_file).read().split():
        status = rows.get(bid)
        if status is None:
            problems.append("backup %s is gone from the catalog" % bid)
        elif status[0] != "complete":
            problems.append("backup %s was complete and is now %s" % (bid, status[0]))
    leftovers = glob.glob(os.path.join(setup, "*.lifeboat-partial-*")) + glob.glob(os.path.join(setup, "state", "spool", ".restore-*"))
    problems += ["left behind: %s" % p for p in leftovers]
    for dirpath, dirnames, filenames in os.walk(os.path.join(setup, "state", "spool")):
        if ".locks" in dirpath:
            continue
        for f in filenames:
            if not (f.startswith("data.") and (f[5:].isdigit() or f.endswith(".tmp"))):
                problems.append("unexpected file in the spool: %s" % os.path.join(dirpath, f))
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main(*sys.argv[1:])
