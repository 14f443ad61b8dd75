#!/usr/bin/env bash
# The backbone's throughput: `lifeboat backup` of a file tree to a local destination, next to
# restic (zstd, its own format) and the shell recipe `tar | gzip -6 | gpg --encrypt` (and with pigz),
# all on the same tree in the same run; then `lifeboat restore` next to `gpg -d | gunzip | tar -x`.
# SIZE_MIB sets the tree size (default 1024). Prints MB/s and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${LIFEBOAT_BIN:-$(swift build -c release --show-bin-path)/lifeboat}
SIZE_MIB=${SIZE_MIB:-1024}
bash scripts/prerequisites.sh restic time bc
# shellcheck source=lib/bench_policy.sh
source scripts/lib/bench_policy.sh
W=$(mktemp -d /tmp/lbbench.XXXXXX)
export GNUPGHOME=$W/gh
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$W"' EXIT

echo "making a ${SIZE_MIB} MiB tree of SQL-like text and config files..."
python3 - "$W/tree" "$SIZE_MIB" <<'PY'
import os, random, sys
root, mib = sys.argv[1], int(sys.argv[2])
random.seed(7)
words = [("%x" % random.getrandbits(random.choice([8, 16, 24, 32]))) for _ in range(5000)]
names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
os.makedirs(root)
line_no = 0
for f in range(mib // 4):
    d = os.path.join(root, "d%03d" % (f // 50))
    os.makedirs(d, exist_ok=True)
    out = []
    size = 0
    while size < 4 << 20:
        line_no += 1
        l = "INSERT INTO ratings VALUES (%d, '%s', %d, '%s %s', '2026-%02d-%02d');\n" % (
            line_no, random.choice(names), random.randint(1, 5), random.choice(words), random.choice(words),
            random.randint(1, 12), random.randint(1, 28))
        out.append(l)
        size += len(l)
    with open(os.path.join(d, "part%04d.sql" % f), "w") as fh:
        fh.write("".join(out))
PY
BYTES=$(du -sb "$W/tree" | cut -f1)
"$BIN" keygen --out "$W" --name bench >/dev/null
gpg --batch --quiet --import "$W/bench.sec.asc" 2>/dev/null
FPR=$(gpg --batch --with-colons --list-keys | awk -F: '/^fpr/{print $10; exit}')
mkdir -p "$W/policies"
cat >"$W/lifeboat.yaml" <<Y
host: bench
catalog: state/catalog.sqlite
spool: state/spool
Y
bench_tree_policy "$W" 6 <<Y
destinations: [{ name: nas, type: local, path: ../nas }]
Y
sync; echo 3 >/proc/sys/vm/drop_caches 2>/dev/null || true
cat "$W"/tree/*/* >/dev/null  # warm the page cache the same way for every tool

t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$W/err" || { cat "$W/err"; return 1; }; e=$(date +%s.%N); echo "$e - $s" | bc; }
mbps() { echo "scale=1; $BYTES / 1000000 / $1" | bc; }

lb=$(t "$BIN" backup --config "$W/lifeboat.yaml")
OUT=$(du -sb "$W/nas/bench/tree" | cut -f1)
# Signing happens once per backup: the host's key is loaded and the manifest signed. Its cost, measured
# in this run on this backup's own manifest (1,000 signatures, averaged), set against the backup's time.
MANIFEST=$(ls "$W"/nas/bench/tree/*/manifest.json | head -1)
sign_cost=$("$BIN" pgp sign --key "$W/state/signing-key.asc" --repeat 1000 "$MANIFEST" 2>&1 >/dev/null)
sign_us=$(echo "$sign_cost" | sed -n 's/.*key_load_us=\([0-9]*\) sign_us=\([0-9]*\).*/\1 + \2/p' | bc)
rss=$(/usr/bin/time -f "%M" "$BIN" backup --config "$W/lifeboat.yaml" 2>&1 >/dev/null | tail -1)
export RESTIC_PASSWORD=bench
restic init -q -r "$W/restic" >/dev/null
rs=$(t restic -q -r "$W/restic" backup "$W/tree")
sh=$(t bash -c "tar -cf - -C '$W' tree | gzip -6 | gpg --batch --trust-model always -z 0 -e -r $FPR > '$W/shell.tgz.gpg'")
pz=$(t bash -c "tar -cf - -C '$W' tree | pigz -6 | gpg --batch --trust-model always -z 0 -e -r $FPR > '$W/pigz.tgz.gpg'")

# The same backup at lower compression levels: the speed an operator can buy with some size.
LEVELS=${LEVELS:-"4 1"}
level_lines=()
for lv in $LEVELS; do
    sed -i "s/compression: { level: [0-9]* }/compression: { level: $lv }/; s#path: ../nas[^ ]*#path: ../nas$lv#" "$W/policies/tree.yaml"
    tl=$(t "$BIN" backup --config "$W/lifeboat.yaml")
    level_lines+=("$(printf "%-40s %8s s %8s MB/s  %sx restic  stored %s bytes" "lifeboat backup (level $lv)" "$tl" "$(mbps "$tl")" "$(echo "scale=2; $rs / $tl" | bc)" "$(du -sb "$W/nas$lv" | cut -f1)")")
done
sed -i "s/compression: { level: [0-9]* }/compression: { level: 6 }/; s#path: ../nas[^ ]*#path: ../nas#" "$W/policies/tree.yaml"

ID=$("$BIN" list --config "$W/lifeboat.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[-1]["id"])')
lr=$(t "$BIN" restore --config "$W/lifeboat.yaml" tree --backup "$ID" --to "$W/restored" --identity "$W/bench.sec.asc")
mkdir "$W/shell-restored"
sr=$(t bash -c "gpg --batch -d '$W/shell.tgz.gpg' 2>/dev/null | gunzip | tar -x -C '$W/shell-restored'")
mkdir "$W/restic-restored"
rr=$(t restic -q -r "$W/restic" restore latest --target "$W/restic-restored")

echo
echo "input: $BYTES bytes in $(find "$W/tree" -type f | wc -l) files; $(nproc) cores"
printf "%-40s %8s s %8s MB/s\n" "lifeboat backup (level 6)" "$lb" "$(mbps "$lb")"
printf "%-40s %8s s %8s MB/s\n" "restic backup (zstd)" "$rs" "$(mbps "$rs")"
printf "%-40s %8s s %8s MB/s\n" "tar | gzip -6 | gpg -e" "$sh" "$(mbps "$sh")"
printf "%-40s %8s s %8s MB/s\n" "tar | pigz -6 | gpg -e" "$pz" "$(mbps "$pz")"
printf "%-40s %8s s %8s MB/s\n" "lifeboat restore" "$lr" "$(mbps "$lr")"
printf "%-40s %8s s %8s MB/s\n" "restic restore" "$rr" "$(mbps "$rr")"
printf "%-40s %8s s %8s MB/s\n" "gpg -d | gunzip | tar -x" "$sr" "$(mbps "$sr")"
echo "signing: $sign_cost; $sign_us us per backup = $(echo "scale=4; $sign_us / 10000 / $lb" | bc)% of the backup's $lb s"
echo "backup speed: $(echo "scale=2; $rs / $lb" | bc)x restic, $(echo "scale=2; $sh / $lb" | bc)x tar|gzip|gpg, $(echo "scale=2; $pz / $lb" | bc)x tar|pigz|gpg"
echo "restore speed: $(echo "scale=2; $rr / $lr" | bc)x restic, $(echo "scale=2; $sr / $lr" | bc)x gpg|gunzip|tar"
echo "stored: lifeboat $OUT bytes, restic $(du -sb "$W/restic" | cut -f1), gzip recipe $(stat -c %s "$W/shell.tgz.gpg")"
echo "lifeboat backup peak RSS: ${rss} KiB"
for l in "${level_lines[@]}"; do echo "$l"; done
