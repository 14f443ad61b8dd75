#!/bin/sh
# Compression throughput of the gzip member writer and reader against gzip and pigz.
# Usage: scripts/bench-gzip.sh [INPUT] [LEVEL]   (default input: 64 MiB of generated SQL text)
# CONFIG=release for optimized Swift (slow first build); the compression itself is libdeflate either way.
set -eu
cd "$(dirname "$0")/.."
CONFIG=${CONFIG:-debug}
LEVEL=${2:-6}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
INPUT=${1:-}
if [ -z "$INPUT" ]; then
    INPUT="$WORK/input.sql"
    python3 - "$INPUT" <<'PY'
import sys
out, n, total = [], 0, 0
while total < 64 << 20:
    s = b"INSERT INTO ratings VALUES (%d, 'user%d', %d, '%x');\n" % (n, n % 997, n % 5, (n * 2654435761) % 2**32)
    out.append(s); total += len(s); n += 1
open(sys.argv[1], "wb").write(b"".join(out)[: 64 << 20])
PY
fi
size=$(wc -c < "$INPUT")
rate() { python3 -c "import sys; print(round($size / 1e6 / float(sys.argv[1])))" "$1"; }
seconds() { start=$(date +%s.%N); "$@" > /dev/null; end=$(date +%s.%N); python3 -c "print($end - $start)"; }
echo "input: $INPUT ($size bytes), level $LEVEL, $(nproc) cores"
echo "gzip -$LEVEL: deflate $(rate "$(seconds gzip -c "-$((LEVEL > 9 ? 9 : LEVEL))" "$INPUT")") MB/s"
if command -v pigz > /dev/null; then
    echo "pigz -$LEVEL: deflate $(rate "$(seconds pigz -c "-$((LEVEL > 9 ? 9 : LEVEL))" "$INPUT")") MB/s"
fi
LIFEBOAT_BENCH_GZIP="$INPUT" LIFEBOAT_BENCH_LEVEL="$LEVEL" \
    swift test -c "$CONFIG" --filter 'LifeboatPipelineTests.GzipBenchTests' 2>&1 | grep 'bench-gzip:' | sed 's/^.*bench-gzip: //'
