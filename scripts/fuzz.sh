#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of the parsers that read hostile input.
#
#   scripts/fuzz.sh [TARGET] [SECONDS]     # every target (TARGET empty) or one, SECONDS each (default 30)
#
# Builds Fuzz/Sources/lifeboat-fuzz with -sanitize=fuzzer in its own scratch path (.build-fuzz), then runs
# each target on a copy of its seed corpus (Fuzz/corpus/TARGET; the repository is not modified).
# Work folder: $LIFEBOAT_FUZZ_DIR (default ${TMPDIR:-/tmp}/lifeboat-fuzz), holding the grown corpus
# (corpus/TARGET), libFuzzer's log (TARGET.log) and any crash, timeout or out-of-memory input
# (artifacts/TARGET/). Replay one with: LIFEBOAT_FUZZ_TARGET=TARGET .build-fuzz/debug/lifeboat-fuzz FILE
# Exit 0 when no target crashed, hung or ran out of memory; 1 otherwise; 2 on a usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(openpgp-key openpgp-message armor signature gzip zstd tar manifest latest-index config rclone-listing s3-versions point-in-time)
only=${1:-}
seconds=${2:-30}
if [ -n "$only" ] && [[ ! " ${TARGETS[*]} " == *" $only "* ]]; then
    echo "fuzz.sh: unknown target '$only' (one of: ${TARGETS[*]})" >&2
    exit 2
fi
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -lt 1 ]; then
    echo "fuzz.sh: SECONDS must be a whole number of seconds, not '$seconds'" >&2
    exit 2
fi
[ -n "$only" ] && TARGETS=("$only")

work=${LIFEBOAT_FUZZ_DIR:-${TMPDIR:-/tmp}/lifeboat-fuzz}
mkdir -p "$work"

build_start=$(date +%s)
if ! LIFEBOAT_FUZZ=1 swift build -c debug --scratch-path .build-fuzz --product lifeboat-fuzz \
    -Xswiftc -sanitize=fuzzer -Xswiftc -parse-as-library >"$work/build.log" 2>&1; then
    tail -n 40 "$work/build.log" >&2
    echo "fuzz.sh: the fuzz build failed (log: $work/build.log)" >&2
    exit 2
fi
bin=.build-fuzz/debug/lifeboat-fuzz
echo "fuzz build: $(( $(date +%s) - build_start )) s"

failed=0
printf '%-16s %12s %8s %8s %8s %6s\n' target executions seconds crashes timeouts ooms
for target in "${TARGETS[@]}"; do
    corpus="$work/corpus/$target"
    artifacts="$work/artifacts/$target"
    rm -rf "$corpus" "$artifacts"
    mkdir -p "$corpus" "$artifacts"
    cp Fuzz/corpus/"$target"/* "$corpus"/
    log="$work/$target.log"
    start=$(date +%s)
    set +e
    # The outer timeout only guards against libFuzzer itself stalling; -timeout catches slow inputs.
    # SWIFT_BACKTRACE: the Swift runtime's own crash handler would take the signal before libFuzzer
    # could save the input.
    SWIFT_BACKTRACE=enable=no LIFEBOAT_FUZZ_TARGET=$target timeout --kill-after=30 $(( seconds + 120 )) "$bin" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1
    status=$?
    set -e
    elapsed=$(( $(date +%s) - start ))
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "$log" | tail -n 1 | tr -d '#')
    crashes=$(find "$artifacts" -name 'crash-*' -o -name 'leak-*' | wc -l)
    timeouts=$(find "$artifacts" -name 'timeout-*' -o -name 'slow-unit-*' | wc -l)
    ooms=$(find "$artifacts" -name 'oom-*' | wc -l)
    printf '%-16s %12s %8s %8s %8s %6s\n' "$target" "${runs:-?}" "$elapsed" "$crashes" "$timeouts" "$ooms"
    if [ "$status" -ne 0 ] || [ $(( crashes + timeouts + ooms )) -ne 0 ]; then
        failed=1
        echo "  $target: libFuzzer exit $status; log $log; inputs in $artifacts/" >&2
        grep -m 3 -E 'ERROR: libFuzzer|property failed|Fatal error|SUMMARY' "$log" | sed 's/^/  /' >&2 || true
    fi
done
exit "$failed"
