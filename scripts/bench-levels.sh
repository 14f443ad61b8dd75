#!/usr/bin/env bash
# The default gzip level, chosen by measurement: `lifeboat backup` of the SQL text dump and of the
# config tree (scripts/lib/bench_corpora.sh) at each libdeflate level, next to `tar | gzip -6` of the
# same input. Prints a table (level, stored size against gzip -6's, time) and the fastest level
# whose output is at most 1% larger than gzip -6's on every corpus: the one that should be the default.
# LEVELS (default "1 2 3 4 5 6 7 8 9"), CORPORA (default "sql config"), REPEAT (default 2: the best
# time of that many backups is kept); the corpora's own sizes as in bench_corpora.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
LEVELS=${LEVELS:-"1 2 3 4 5 6 7 8 9"}
CORPORA=${CORPORA:-"sql config"}
REPEAT=${REPEAT:-2}
bash scripts/prerequisites.sh >/dev/null
# shellcheck source=lib/bench_corpora.sh
source scripts/lib/bench_corpora.sh
W=$(mktemp -d /tmp/lblevels.XXXXXX)
chmod 755 "$W"
trap 'rm -rf "$W"' EXIT

"$BIN" keygen --out "$W" --name bench >/dev/null
printf 'host: bench\ncatalog: state/catalog.sqlite\nspool: state/spool\n' >"$W/lifeboat.yaml"
CORPUS=${BENCH_CORPORA_DIR:-$W/corpus}
mkdir -p "$W/policies" "$CORPUS"
now() { date +%s.%N; }

declare -A ref size secs
for c in $CORPORA; do
    echo "making the $c corpus..." >&2
    bench_corpus "$c" "$CORPUS"
    find "$CORPUS/$c" -type f -exec cat {} + >/dev/null  # the same warm page cache for every run
    ref[$c]=$(tar -cf - -C "$CORPUS" "$c" | gzip -6 | wc -c)
    for lv in $LEVELS; do
        best=
        for _ in $(seq "$REPEAT"); do
            rm -rf "$W/nas" "$W/state"
            cat >"$W/policies/c.yaml" <<Y
name: c
kind: files
source: { paths: [$CORPUS/$c] }
objectives: { rpo: 24h }
encryption: { recipients: [../bench.pub.asc] }
compression: { level: $lv }
destinations: [{ name: nas, type: local, path: ../nas }]
Y
            s=$(now)
            "$BIN" backup --config "$W/lifeboat.yaml" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; exit 1; }
            e=$(now)
            t=$(echo "$e - $s" | bc)
            if [ -z "$best" ] || [ "$(echo "$t < $best" | bc)" = 1 ]; then best=$t; fi
        done
        size[$c.$lv]=$(du -cb "$W"/nas/bench/c/*/data.* | tail -1 | cut -f1)
        secs[$c.$lv]=$best
    done
    [ -n "${BENCH_CORPORA_DIR:-}" ] || rm -rf "$CORPUS/$c" "$CORPUS/$c.done"
done

echo "input: $CORPORA; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); best of $REPEAT"
header="| level |"
rule="|---:|"
for c in $CORPORA; do
    header+=" $c: size vs gzip -6 | $c: time |"
    rule+="---:|---:|"
done
echo "$header"
echo "$rule"
choice=
for lv in $LEVELS; do
    row="| $lv |"
    fits=1
    total=0
    for c in $CORPORA; do
        ratio=$(echo "scale=4; ${size[$c.$lv]} / ${ref[$c]}" | bc)
        row+=" $(printf '%.3f' "$ratio")× | $(printf '%.2f' "${secs[$c.$lv]}") s |"
        [ "$(echo "$ratio <= 1.01" | bc)" = 1 ] || fits=0
        total=$(echo "$total + ${secs[$c.$lv]}" | bc)
    done
    echo "$row"
    if [ $fits = 1 ] && { [ -z "$choice" ] || [ "$(echo "$total < $choice_total" | bc)" = 1 ]; }; then
        choice=$lv
        choice_total=$total
    fi
done
for c in $CORPORA; do echo "gzip -6 of $c: ${ref[$c]} bytes"; done
if [ -n "$choice" ]; then
    echo "fastest level within 1% of gzip -6 on every corpus: $choice"
else
    echo "no level is within 1% of gzip -6 on every corpus"
fi
