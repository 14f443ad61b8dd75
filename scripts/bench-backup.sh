#!/usr/bin/env bash
# The backbone's throughput on three inputs (scripts/lib/bench_corpora.sh: a plain SQL dump, a
# pg_dump custom-format dump, a tree of 20,000 small config files), each in the same run:
#   backup:  `lifeboat backup` at the default settings and with zstd level 3, next to restic's first
#            backup (installed with apt when missing) and the shell recipes `tar | gzip -6 | gpg -e`
#            and `tar | pigz -6 | gpg -e`; stored sizes against gzip -6's;
#   restore: `lifeboat restore` next to `restic restore` and `gpg -d | gunzip | tar -x`.
# Prints seconds, MB/s and every ratio the goals name, with "met" or "MISSED". ROUNDS (default 1)
# repeats the timed rows (on a shared machine, to see the spread); CORPORA (default "sql pgdump
# config") picks the inputs; BENCH_CORPORA_DIR keeps them between runs; LIFEBOAT_BIN the binary
# (default: the release build in .build-release, built or brought up to date first).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
CORPORA=${CORPORA:-"sql pgdump config"}
ROUNDS=${ROUNDS:-1}
bash scripts/prerequisites.sh restic pigz time bc >/dev/null
# shellcheck source=lib/bench_corpora.sh
source scripts/lib/bench_corpora.sh
W=$(mktemp -d /tmp/lbbench.XXXXXX)
chmod 755 "$W"
export GNUPGHOME=$W/gh
mkdir -m 700 "$GNUPGHOME"
trap 'gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null; rm -rf "$W"' EXIT
export RESTIC_PASSWORD=bench

"$BIN" keygen --out "$W" --name bench >/dev/null
gpg --batch --quiet --import "$W/bench.sec.asc" 2>/dev/null
FPR=$(gpg --batch --with-colons --list-keys | awk -F: '/^fpr/{print $10; exit}')
printf 'host: bench\ncatalog: state/catalog.sqlite\nspool: state/spool\n' >"$W/lifeboat.yaml"
CORPUS=${BENCH_CORPORA_DIR:-$W/corpus}
mkdir -p "$W/policies" "$CORPUS"

# policy NAME CORPUS COMPRESSION: a files policy backing up the corpus to ../nas-NAME.
policy() {
    {
        printf 'name: %s\nkind: files\nsource: { paths: [%s/%s] }\nobjectives: { rpo: 24h }\n' "$1" "$CORPUS" "$2"
        printf 'encryption: { recipients: [../bench.pub.asc] }\n%s\n' "$3"
        printf 'destinations: [{ name: nas, type: local, path: ../nas-%s }]\n' "$1"
    } >"$W/policies/$1.yaml"
}
t() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$W/err" || { cat "$W/err" >&2; return 1; }; e=$(date +%s.%N); echo "$e - $s" | bc; }
ratio() { echo "scale=2; $1 / $2" | bc; }
# judge VALUE OP GOAL: "met" or "MISSED".
judge() { if [ "$(echo "$1 $2 $3" | bc)" = 1 ]; then echo met; else echo MISSED; fi; }
row() { printf "  %-34s %8.2f s %8.1f MB/s\n" "$1" "$2" "$(echo "scale=1; $BYTES / 1000000 / $2" | bc)"; }

echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
for c in $CORPORA; do
    echo "making the $c corpus..." >&2
    bench_corpus "$c" "$CORPUS"
    BYTES=$(du -sb "$CORPUS/$c" | cut -f1)
    FILES=$(find "$CORPUS/$c" -type f | wc -l)
    policy "$c" "$c" ""
    policy "$c-zstd" "$c" "compression: { algorithm: zstd, level: 3 }"
    find "$CORPUS/$c" -type f -exec cat {} + >/dev/null  # the same warm page cache for every tool
    echo
    echo "== $c: $BYTES bytes in $FILES files"
    for round in $(seq "$ROUNDS"); do
        rm -rf "$W/nas-$c" "$W/nas-$c-zstd" "$W/restic" "$W"/r-* "$W/state"
        lb=$(t /usr/bin/time -o "$W/rss" -f "%M" "$BIN" backup --config "$W/lifeboat.yaml" "$c")
        rss=$(tail -1 "$W/rss")
        out=$(du -cb "$W/nas-$c"/bench/"$c"/*/data.* | tail -1 | cut -f1)
        lz=$(t "$BIN" backup --config "$W/lifeboat.yaml" "$c-zstd")
        zout=$(du -cb "$W/nas-$c-zstd"/bench/"$c-zstd"/*/data.* | tail -1 | cut -f1)
        restic init -q -r "$W/restic" >/dev/null
        rs=$(t restic -q -r "$W/restic" backup "$CORPUS/$c")
        sh=$(t bash -c "tar -cf - -C '$CORPUS' $c | gzip -6 | gpg --batch --trust-model always -z 0 -e -r $FPR > '$W/shell.gpg'")
        gz=$(stat -c %s "$W/shell.gpg")
        pz=$(t bash -c "tar -cf - -C '$CORPUS' $c | pigz -6 | gpg --batch --trust-model always -z 0 -e -r $FPR > /dev/null")
        id=$("$BIN" list --config "$W/lifeboat.yaml" --json | python3 -c "import json,sys; print([b for b in json.load(sys.stdin) if b['policy'] == '$c'][-1]['id'])")
        lr=$(t "$BIN" restore --config "$W/lifeboat.yaml" "$c" --backup "$id" --to "$W/r-lb" --identity "$W/bench.sec.asc")
        mkdir "$W/r-shell"
        sr=$(t bash -c "gpg --batch -d '$W/shell.gpg' 2>/dev/null | gunzip | tar -x -C '$W/r-shell'")
        rr=$(t restic -q -r "$W/restic" restore latest --target "$W/r-restic")
        diff -r "$CORPUS/$c" "$W/r-lb$CORPUS/$c" >/dev/null || echo "  WARNING: lifeboat's restore differs from the input"
        echo " round $round (load $(cut -d' ' -f1-3 /proc/loadavg)):"
        row "lifeboat backup (default)" "$lb"
        row "lifeboat backup (zstd 3)" "$lz"
        row "restic backup" "$rs"
        row "tar | gzip -6 | gpg -e" "$sh"
        row "tar | pigz -6 | gpg -e" "$pz"
        row "lifeboat restore" "$lr"
        row "restic restore" "$rr"
        row "gpg -d | gunzip | tar -x" "$sr"
        b=$(ratio "$rs" "$lb"); z=$(ratio "$rs" "$lz"); p=$(ratio "$pz" "$lb"); pzs=$(ratio "$pz" "$lz")
        o=$(echo "scale=3; $out / $gz" | bc); r=$(ratio "$rr" "$lr")
        echo "  backup: ${b}x restic ($(judge "$b" ">=" 1.0) >= 1.0), $(ratio "$sh" "$lb")x tar|gzip|gpg," \
            "${p}x tar|pigz|gpg ($(judge "$p" ">=" 2.0) >= 2.0)"
        echo "  zstd 3: ${z}x restic ($(judge "$z" ">=" 1.5) >= 1.5), ${pzs}x tar|pigz|gpg"
        echo "  stored: lifeboat $out bytes = ${o}x gzip -6's $gz ($(judge "$o" "<=" 1.01) <= 1.01); zstd 3 $zout;" \
            "restic $(du -sb "$W/restic" | cut -f1)"
        echo "  restore: ${r}x restic ($(judge "$r" ">=" 1.2) >= 1.2), $(ratio "$sr" "$lr")x gpg|gunzip|tar"
        echo "  lifeboat backup peak RSS: $rss KiB ($(judge "$rss" "<" 65536) < 64 MiB)"
    done
    [ -n "${BENCH_CORPORA_DIR:-}" ] || rm -rf "$CORPUS/$c" "$CORPUS/$c.done"
    rm -rf "$W/nas-$c" "$W/nas-$c-zstd" "$W/restic" "$W"/r-* "$W/shell.gpg"
done
echo
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
