#!/usr/bin/env bash
# Benchmarks, measured against what an operator would otherwise use, in the same run.
# Builds the release binary once (scripts/lib/bench_bin.sh: in .build-release, or LIFEBOAT_BIN), then runs
# each bench-*.sh beside this file (or those named).
#   scripts/bench.sh                 # all
#   scripts/bench.sh backup crypto   # only bench-backup.sh and bench-crypto.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/prerequisites.sh
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
export LIFEBOAT_BIN=$BIN

if [ $# -eq 0 ]; then
    set -- $(ls scripts/bench-*.sh | sed 's#scripts/bench-##; s#\.sh$##')
fi
for name in "$@"; do
    echo "==== bench-$name"
    bash "scripts/bench-$name.sh"
done
