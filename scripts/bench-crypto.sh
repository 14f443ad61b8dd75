#!/usr/bin/env bash
# Measures `lifeboat pgp encrypt|decrypt` against GnuPG on the same bytes, with cv25519 keys.
# Prints MB/s for each and the ratio lifeboat/gpg from the same run. Goal: >= 1.5x gpg.
#   SIZE_MIB=512 (input size)  RUNS=3 (best of N, interleaved)  VERIFY=1 (cross-decrypt and compare hashes)
set -euo pipefail

cd "$(dirname "$0")/.."
SIZE_MIB=${SIZE_MIB:-512}
RUNS=${RUNS:-3}
VERIFY=${VERIFY:-1}

# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lbbench.XXXXXX")
GH="$WORK/g"
mkdir -m 700 "$GH"
cleanup() {
    gpgconf --homedir "$GH" --kill gpg-agent >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

gpg_() { gpg --homedir "$GH" --batch --quiet "$@"; }

echo "making cv25519 keys and a ${SIZE_MIB} MiB input..." >&2
gpg_ --passphrase '' --quick-gen-key 'Bench <bench@example.invalid>' ed25519 sign,cert 0 2>/dev/null
FPR=$(gpg_ --with-colons --list-keys bench@example.invalid | awk -F: '/^fpr/ { print $10; exit }')
gpg_ --passphrase '' --quick-add-key "$FPR" cv25519 encr 0 2>/dev/null
gpg_ --armor --export "$FPR" > "$WORK/pub.asc"
gpg_ --armor --export-secret-keys "$FPR" > "$WORK/sec.asc"

# Mixed input: incompressible random bytes interleaved with repetitive text (neither side compresses).
python3 - "$WORK/input" "$SIZE_MIB" <<'PY'
import os, sys
path, mib = sys.argv[1], int(sys.argv[2])
text = (b"2024-01-01T00:00:00Z host lifeboat: backup of policy etc finished in 1.2 s\n" * 14000)[: 1 << 20]
with open(path, "wb") as f:
    for i in range(mib):
        f.write(os.urandom(1 << 20) if i % 2 == 0 else text)
PY
BYTES=$(stat -c %s "$WORK/input")

now() { date +%s.%N; }
# timed CMD...: flushes dirty pages first (so no run pays for an earlier run's writeback), prints wall seconds.
timed() {
    rm -f "$WORK/lb.gpg.tmp" "$WORK/gpg.gpg.tmp"
    sync
    local start end
    start=$(now)
    "$@"
    end=$(now)
    awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f", b - a }'
}
min() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }

lb_encrypt() { "$BIN" pgp encrypt --recipient "$WORK/pub.asc" < "$WORK/input" > "$WORK/lb.gpg.tmp"; }
gpg_encrypt() { gpg_ --trust-model always -z 0 --encrypt -r "$FPR" < "$WORK/input" > "$WORK/gpg.gpg.tmp"; }
lb_decrypt() { "$BIN" pgp decrypt --identity "$WORK/sec.asc" < "$WORK/gpg.gpg" > /dev/null; }
gpg_decrypt() { gpg_ --decrypt < "$WORK/gpg.gpg" > /dev/null 2>&1; }

cat "$WORK/input" > /dev/null  # warm the page cache
t_lb_enc="" t_gpg_enc="" t_lb_dec="" t_gpg_dec=""
# Interleaved runs, best of RUNS each, so both tools see the same machine load.
for _ in $(seq "$RUNS"); do
    t_lb_enc=$(min "$t_lb_enc" "$(timed lb_encrypt)"); mv "$WORK/lb.gpg.tmp" "$WORK/lb.gpg"
    t_gpg_enc=$(min "$t_gpg_enc" "$(timed gpg_encrypt)"); mv "$WORK/gpg.gpg.tmp" "$WORK/gpg.gpg"
done
for _ in $(seq "$RUNS"); do
    t_lb_dec=$(min "$t_lb_dec" "$(timed lb_decrypt)")
    t_gpg_dec=$(min "$t_gpg_dec" "$(timed gpg_decrypt)")
done

if [ "$VERIFY" = 1 ]; then
    want=$(sha256sum < "$WORK/input" | cut -c1-64)
    got_gpg=$(gpg_ --decrypt < "$WORK/lb.gpg" 2>/dev/null | sha256sum | cut -c1-64)
    got_lb=$("$BIN" pgp decrypt --identity "$WORK/sec.asc" < "$WORK/gpg.gpg" | sha256sum | cut -c1-64)
    [ "$got_gpg" = "$want" ] || { echo "gpg could not decrypt lifeboat's output correctly" >&2; exit 1; }
    [ "$got_lb" = "$want" ] || { echo "lifeboat could not decrypt gpg's output correctly" >&2; exit 1; }
    echo "verified: gpg decrypts lifeboat's message and lifeboat decrypts gpg's (sha256 match)"
fi

mbs() { awk -v n="$BYTES" -v t="$1" 'BEGIN { printf "%.1f", n / 1000000 / t }'; }
ratio() { awk -v lb="$1" -v g="$2" 'BEGIN { printf "%.2f", g / lb }'; }
echo "input: $BYTES bytes, best of $RUNS runs, $(nproc) cpus, gpg $(gpg --version | head -1 | awk '{print $3}')"
printf '%-22s %8s s %9s MB/s\n' "lifeboat encrypt" "$t_lb_enc" "$(mbs "$t_lb_enc")"
printf '%-22s %8s s %9s MB/s\n' "gpg encrypt -z 0" "$t_gpg_enc" "$(mbs "$t_gpg_enc")"
printf '%-22s %8s s %9s MB/s\n' "lifeboat decrypt" "$t_lb_dec" "$(mbs "$t_lb_dec")"
printf '%-22s %8s s %9s MB/s\n' "gpg decrypt" "$t_gpg_dec" "$(mbs "$t_gpg_dec")"
echo "encrypt ratio lifeboat/gpg: $(ratio "$t_lb_enc" "$t_gpg_enc")x"
echo "decrypt ratio lifeboat/gpg: $(ratio "$t_lb_dec" "$t_gpg_dec")x"
