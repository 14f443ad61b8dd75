#!/usr/bin/env bash
# End-to-end tests: drive the built `lifeboat` binary from the outside, the way an operator would,
# and check the results with independent tools (gpg, gunzip, tar, python, sqlite3).
# Prints "N passed, N failed" last; exits 1 when anything failed.
#   scripts/e2e.sh [NAME...]   runs only scripts/e2e/NAME.sh (the helper files they need are always loaded)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BIN=${LIFEBOAT_BIN:-$ROOT/.build/debug/lifeboat}
[ -x "$BIN" ] || { echo "no binary at $BIN: run swift build first" >&2; exit 1; }

WORK=$(mktemp -d /tmp/lbe2e.XXXXXX)
export GNUPGHOME=$WORK/gh
mkdir -m 700 "$GNUPGHOME"
cleanup() {
    gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; }
check() { local name=$1; shift; if "$@"; then pass "$name"; else fail "$name"; fi; }

# shellcheck source=/dev/null
source scripts/e2e/common.sh
for t in scripts/e2e/*.sh; do
    [ "$t" = scripts/e2e/common.sh ] && continue
    name=$(basename "$t" .sh)
    if [ $# -gt 0 ] && [[ " $* " != *" $name "* ]] && [[ "$name" != *_aa_common ]]; then continue; fi
    echo "# $t"
    # shellcheck source=/dev/null
    source "$t"
done

echo
echo "e2e: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
