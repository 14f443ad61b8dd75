#!/usr/bin/env bash
# Runs every test: the Swift test suites, then the end-to-end scripts that drive the built binary.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/prerequisites.sh
swift build --build-tests
set +e
swift test --skip-build 2>&1 | grep --line-buffered -vE '^◇ (Test|Suite) .* started\.$'
status=${PIPESTATUS[0]}
set -e
if [ "$status" -ne 0 ]; then
    echo "swift test failed (exit $status)" >&2
    exit "$status"
fi
bash scripts/e2e.sh
