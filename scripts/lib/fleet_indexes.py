#!/usr/bin/env python3
"""Writes HOSTS x POLICIES signed `latest.json` objects for the fleet benchmark, fast: each index is
signed here with an Ed25519 key (an OpenPGP v4 detached signature, SHA-256, as `lifeboat` writes them),
not by one process per object.

    fleet_indexes.py SECRET.asc OUT HOSTS POLICIES

SECRET.asc is an unprotected Ed25519 secret key exported by GnuPG (an operator's key: its user id is not
`lifeboat host NAME`, so it may vouch for every host). Writes OUT/host-NNNN/policy-NN/latest.json and
latest.json.sig; prints the signer's fingerprint."""
import base64
import datetime
import hashlib
import json
import os
import random
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

ED25519_OID = bytes.fromhex("2b06010401da470f01")


def dearmor(text):
    lines = text.strip().splitlines()
    body = []
    started = False
    for line in lines[1:]:
        if not started:
            if line.strip() == "":
                started = True
            continue
        if line.startswith("=") or line.startswith("-----"):
            break
        body.append(line.strip())
    return base64.b64decode("".join(body))


def packets(data):
    i = 0
    while i < len(data):
        tag_byte = data[i]
        i += 1
        if tag_byte & 0x40:  # new format
            tag = tag_byte & 0x3F
            first = data[i]
            if first < 192:
                length, i = first, i + 1
            elif first < 224:
                length, i = ((first - 192) << 8) + data[i + 1] + 192, i + 2
            elif first == 255:
                length, i = struct.unpack(">I", data[i + 1:i + 5])[0], i + 5
            else:
                raise ValueError("partial lengths are not expected in a key")
        else:
            tag = (tag_byte >> 2) & 0x0F
            kind = tag_byte & 3
            size = {0: 1, 1: 2, 2: 4}[kind]
            length = int.from_bytes(data[i:i + size], "big")
            i += size
        yield tag, data[i:i + length]
        i += length


def mpi(data, i):
    bits = struct.unpack(">H", data[i:i + 2])[0]
    n = (bits + 7) // 8
    return data[i + 2:i + 2 + n], i + 2 + n


def load_secret(path):
    """The Ed25519 seed and the v4 fingerprint of the primary key in a GnuPG secret key export."""
    for tag, body in packets(dearmor(open(path).read())):
        if tag != 5:
            continue
        assert body[0] == 4 and body[5] == 22, "an ed25519 (EdDSA) v4 primary key is expected"
        oid_len = body[6]
        assert body[7:7 + oid_len] == ED25519_OID
        _, end = mpi(body, 7 + oid_len)
        public = body[:end]
        assert body[end] == 0, "the secret key must be unprotected (--passphrase '')"
        secret, _ = mpi(body, end + 1)
        fpr = hashlib.sha1(b"\x99" + struct.pack(">H", len(public)) + public).digest()
        return Ed25519PrivateKey.from_private_bytes(secret.rjust(32, b"\0")), fpr
    raise ValueError("no secret key packet")


def subpacket(kind, data):
    return bytes([len(data) + 1, kind]) + data


def mpi_bytes(b):
    b = b.lstrip(b"\0")
    bits = len(b) * 8 - (8 - b[0].bit_length()) if b else 0
    return struct.pack(">H", bits) + b


def sign(key, fpr, data, created):
    hashed = subpacket(33, b"\x04" + fpr) + subpacket(2, struct.pack(">I", created))
    prefix = bytes([4, 0x00, 22, 8]) + struct.pack(">H", len(hashed)) + hashed
    digest = hashlib.sha256(data + prefix + b"\x04\xff" + struct.pack(">I", len(prefix))).digest()
    sig = key.sign(digest)
    unhashed = subpacket(16, fpr[-8:])
    body = prefix + struct.pack(">H", len(unhashed)) + unhashed + digest[:2] + mpi_bytes(sig[:32]) + mpi_bytes(sig[32:])
    assert len(body) < 8383
    if len(body) < 192:
        header = bytes([0xC2, len(body)])
    else:
        n = len(body) - 192
        header = bytes([0xC2, (n >> 8) + 192, n & 0xFF])
    return header + body


def main():
    secret, out, hosts, policies = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    key, fpr = load_secret(secret)
    signer = fpr.hex().upper()
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0)
    created = int(now.timestamp()) - 60
    rnd = random.Random(16)
    alphabet = "abcdefghijklmnopqrstuvwxyz234567"
    for h in range(hosts):
        host = f"host-{h:04d}"
        for p in range(policies):
            policy = f"policy-{p:02d}"
            started = now - datetime.timedelta(seconds=rnd.randint(60, 20 * 3600))
            finished = started + datetime.timedelta(seconds=rnd.randint(1, 300))
            index = {
                "format": 1, "tool": "lifeboat", "host": host, "policy": policy, "kind": "files",
                "id": started.strftime("%Y%m%dT%H%M%SZ-") + "".join(rnd.choice(alphabet) for _ in range(6)),
                "started": started.strftime("%Y-%m-%dT%H:%M:%SZ"), "finished": finished.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "payload": "tar", "payload_size": 1000, "payload_sha256": hashlib.sha256(host.encode() + policy.encode()).hexdigest(),
                "objectives": {"rpo": 86400, "rto": 3600, "priority": "medium", "scenario": "disk dies",
                               "schedule": 43200, "drill": 30 * 86400},
                "signer": signer,
            }
            data = (json.dumps(index, indent=2, sort_keys=True) + "\n").encode()
            folder = os.path.join(out, host, policy)
            os.makedirs(folder, exist_ok=True)
            with open(os.path.join(folder, "latest.json.sig"), "wb") as f:
                f.write(sign(key, fpr, data, created))
            with open(os.path.join(folder, "latest.json"), "wb") as f:
                f.write(data)
    print(signer)


if __name__ == "__main__":
    main()
