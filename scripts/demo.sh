#!/usr/bin/env bash
# The main job on the bundled example: build, make a throwaway key pair, back up a sample tree to a
# local folder, restore it with the secret key, and compare. Everything lands under demo/.
set -euo pipefail
cd "$(dirname "$0")/.."

# LIFEBOAT_BIN=PATH uses a lifeboat already built (or installed) instead of building one.
if [ -n "${LIFEBOAT_BIN:-}" ]; then
    BIN=$LIFEBOAT_BIN
else
    bash scripts/prerequisites.sh --build-only
    swift build --product lifeboat
    BIN=$(swift build --show-bin-path)/lifeboat
fi

rm -rf demo
mkdir -p demo/keys
echo "== a throwaway key pair (in real use: run keygen OFF the host, keep two copies of the secret key apart)"
"$BIN" keygen --out demo/keys --name demo
echo "== a sample tree to protect"
python3 scripts/lib/make_tree.py demo/sample 2
echo "== lifeboat backup"
"$BIN" backup --config lifeboat.example.yaml
echo "== lifeboat list"
"$BIN" list --config lifeboat.example.yaml
echo "== lifeboat restore"
"$BIN" restore --config lifeboat.example.yaml example --to demo/restored --identity demo/keys/demo.sec.asc
echo "== compare"
python3 scripts/lib/tree_diff.py demo/sample "demo/restored$(pwd)/demo/sample"
echo "restored tree is identical to demo/sample"
echo "what landed at the destination:"
find demo/nas -type f | sort
