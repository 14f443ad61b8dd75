"""Plants a backup as an attacker with write access to a destination would: chunks already made with
stock tools, and a well-formed manifest describing them, optionally bent by one mutation.

usage: plant_backup.py FOLDER HOST POLICY KIND ID RECIPIENT_FPR [MUTATION]
FOLDER holds data.* already; the manifest is written there. MUTATION is one of: dotdot, absolute,
duplicate, gap, oversized, host, policy, kind (the field made wrong), or none.
"""
import datetime
import hashlib
import json
import os
import sys


def main(folder, host, policy, kind, bid, recipient, mutation="none"):
    names = sorted(n for n in os.listdir(folder) if n.startswith("data."))
    chunks = []
    for n in names:
        data = open(os.path.join(folder, n), "rb").read()
        chunks.append({"name": n, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()})
    stamp = datetime.datetime.strptime(bid[:16], "%Y%m%dT%H%M%SZ").strftime("%Y-%m-%dT%H:%M:%SZ")
    m = {
        "format": 1, "tool": "lifeboat", "host": host, "policy": policy, "kind": kind, "id": bid,
        "started": stamp, "finished": stamp, "payload": "tar", "compression": "gzip",
        "encryption": "openpgp", "recipients": [recipient], "bytes_in": 1, "bytes_out": sum(c["size"] for c in chunks),
        "chunks": chunks,
    }
    if mutation == "dotdot":
        chunks[0]["name"] = "../../../../../../../tmp/lifeboat-escaped"
    elif mutation == "absolute":
        chunks[0]["name"] = "/tmp/lifeboat-escaped"
    elif mutation == "duplicate":
        chunks.append(dict(chunks[0]))
        m["bytes_out"] += chunks[0]["size"]
    elif mutation == "gap":
        chunks[0]["name"] = "data.000001"
    elif mutation == "oversized":
        chunks[0]["size"] = 1 << 50
        m["bytes_out"] = 1 << 50
    elif mutation in ("host", "policy", "kind"):
        m[mutation] = {"host": "another-host", "policy": "another-policy", "kind": "sqlite"}[mutation]
    with open(os.path.join(folder, "manifest.json"), "w") as f:
        json.dump(m, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main(*sys.argv[1:])
