#!/usr/bin/env bash
# Runs every test: the Swift test suites, then the end-to-end scripts that drive the built binary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prerequisites.sh
# Package.swift names exactly what each target imports (SwiftPM's own check sees only this package's targets).
python3 scripts/check-package.py
# The house style (.swift-format: 4 spaces, 120 columns, no force unwrap, no force try).
swift format lint --strict -r Sources Tests Fuzz/Sources Package.swift
swift build --build-tests --explicit-target-dependency-import-check error
set +e
# The suites take under a minute; a hung one fails the run in 15 minutes instead of holding it.
timeout --kill-after=30 900 swift test --skip-build 2>&1 | grep --line-buffered -vE '^◇ (Test|Suite) .* started\.$'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    [ "$status" -eq 124 ] && echo "swift test did not finish within 15 minutes" >&2
    echo "swift test failed (exit $status)" >&2
    exit "$status"
fi
# Every parser of hostile input under coverage-guided fuzzing, 30 s each (a crash or hang fails the run).
timeout --kill-after=30 1800 bash scripts/fuzz.sh "" "${LIFEBOAT_FUZZ_SECONDS:-30}"
timeout --kill-after=30 2400 bash scripts/e2e.sh
