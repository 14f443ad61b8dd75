#!/usr/bin/env bash
# Database benchmarks, as root on a test machine (starts its own servers on 127.0.0.1, stops them):
#  1. the lock window of MariaDB backups through FLUSH TABLES WITH READ LOCK + btrfs snapshot, under
#     a steady write load: median and max over N backups (goal: under 100 ms);
#  2. the time of a PostgreSQL backup (pg_dump custom -> gzip members -> OpenPGP -> local destination)
#     next to `pg_dump -Fc | gpg --encrypt` of the same database, and next to `pg_dump` alone with
#     Lifeboat's own flags (`--format=custom --compress=0`) to /dev/null, in the same run, as ratios
#     (goal: end to end at most 1.2x pg_dump alone).
# Usage: scripts/bench-db.sh [BACKUPS=20] [PGBENCH_SCALE=20]; LIFEBOAT_BIN picks the binary
# (default: the release build in .build-release, built or brought up to date first).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
N=${1:-20}
SCALE=${2:-20}
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
bash scripts/prerequisites.sh >/dev/null
source scripts/servers/mariadb.sh
source scripts/servers/btrfs.sh
source scripts/servers/postgres.sh

W=$(mktemp -d /tmp/lbbench.XXXXXX)
chmod 755 "$W"
export GNUPGHOME=$W/gh
mkdir -m 700 "$GNUPGHOME"
WRITER=
teardown() {
    [ -n "$WRITER" ] && kill "$WRITER" 2>/dev/null
    mariadb_stop "$W/vol/vol/mysql"
    for s in "$W"/vol/vol/.lifeboat-snap-*; do [ -d "$s" ] && btrfs subvolume delete "$s" >/dev/null 2>&1; done
    btrfs_volume_destroy "$W/img" "$W/vol"
    pg_stop "$W/pg"
    gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null || true
    rm -rf "$W"
}
trap teardown EXIT

mkdir -p "$W/policies" "$W/keys" "$W/nas"
"$BIN" keygen --out "$W/keys" --name ops >/dev/null
cat >"$W/lifeboat.yaml" <<YAML
host: bench
policies: policies
catalog: state/catalog.sqlite
spool: state/spool
YAML
policy() {
    cat >"$W/policies/$1.yaml" <<YAML
name: $1
kind: $2
source:
$3
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
}

# 1. Lock window under a steady write load.
SOCK=$W/m.sock
btrfs_volume_create "$W/img" "$W/vol" 600M || exit 1
mariadb_start "$W/vol/vol/mysql" "$SOCK" $((20000 + RANDOM % 12000)) || exit 1
mq() { mariadb --no-defaults -S "$SOCK" -uroot -N -B "$@"; }
mq -e "CREATE DATABASE shop; CREATE TABLE shop.orders(id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40), qty INT, pad VARCHAR(200))"
mq shop -e "INSERT INTO orders(item, qty, pad) SELECT concat('seed-', seq), seq % 7, repeat('x', 200) FROM seq_1_to_200000"
( while :; do echo "INSERT INTO orders(item, qty, pad) VALUES ('live', 1, repeat('y', 200));"; sleep 0.001; done \
    | mariadb --no-defaults -S "$SOCK" -uroot --unbuffered shop ) 2>/dev/null &
WRITER=$!
policy shopfs mariadb "  socket: $SOCK
  user: root
  database: shop
  snapshot: { provider: btrfs, volume: $W/vol/vol, lock: true, max_lock: 2s }"
windows=()
r0=$(mq -e "SELECT count(*) FROM shop.orders")
t0=$(date +%s%N)
for i in $(seq 1 "$N"); do
    id=$("$BIN" backup --config "$W/lifeboat.yaml" shopfs 2>/dev/null | awk '$NF == "complete" {print $2}')
    [ -n "$id" ] || { echo "backup $i failed" >&2; continue; }
    windows+=("$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["lock_window_ms"])' "$W/nas/bench/shopfs/$id/manifest.json")")
done
t1=$(date +%s%N)
r1=$(mq -e "SELECT count(*) FROM shop.orders")
kill "$WRITER" 2>/dev/null; WRITER=
echo "mariadb + btrfs: ${#windows[@]} backups under a steady write load ($(( (r1 - r0) * 1000000000 / (t1 - t0) )) inserts/s)"
python3 - "${windows[@]}" <<'PY'
import statistics, sys
w = sorted(int(x) for x in sys.argv[1:])
print(f"  lock window ms: median {statistics.median(w):g}, max {max(w)}, min {min(w)}  (goal < 100)")
PY
mariadb_stop "$W/vol/vol/mysql"

# 2. PostgreSQL: lifeboat backup next to pg_dump -Fc | gpg --encrypt.
PGPORT=$((20000 + RANDOM % 12000))
pg_primary_start "$W/pg" "$PGPORT" || exit 1
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres bench
"$PGBIN/pgbench" -q -i -s "$SCALE" -h 127.0.0.1 -p "$PGPORT" -U postgres bench >/dev/null 2>&1
size=$("$PGBIN/psql" -X -h 127.0.0.1 -p "$PGPORT" -U postgres -d bench -tAc "SELECT pg_size_pretty(pg_database_size('bench'))")
policy orders postgres "  dsn: \"host=127.0.0.1 port=$PGPORT dbname=bench user=postgres\""
s0=$(date +%s%N)
"$BIN" backup --config "$W/lifeboat.yaml" orders >/dev/null
s1=$(date +%s%N)
PATH="$PGBIN:$PATH" bash -c "pg_dump -Fc -h 127.0.0.1 -p $PGPORT -U postgres bench \
    | gpg --batch --quiet --yes --trust-model always --recipient-file '$W/keys/ops.pub.asc' --encrypt -o '$W/ref.gpg'"
s2=$(date +%s%N)
"$PGBIN/pg_dump" --format=custom --compress=0 -h 127.0.0.1 -p "$PGPORT" -U postgres bench >/dev/null
s3=$(date +%s%N)
lb_ms=$(( (s1 - s0) / 1000000 )); ref_ms=$(( (s2 - s1) / 1000000 )); alone_ms=$(( (s3 - s2) / 1000000 ))
lb_bytes=$(du -cb "$W"/nas/bench/orders/*/data.* | tail -1 | cut -f1)
echo "postgres (pgbench scale $SCALE, $size): lifeboat backup ${lb_ms} ms, $lb_bytes bytes stored;" \
    "pg_dump -Fc | gpg --encrypt ${ref_ms} ms, $(stat -c %s "$W/ref.gpg") bytes"
python3 -c "import sys; print(f'  ratio lifeboat / (pg_dump -Fc | gpg): {int(sys.argv[1]) / int(sys.argv[2]):.2f}')" "$lb_ms" "$ref_ms"
echo "  pg_dump --format=custom --compress=0 alone to /dev/null: ${alone_ms} ms"
python3 -c "import sys; print(f'  ratio lifeboat end to end / pg_dump alone: {int(sys.argv[1]) / int(sys.argv[2]):.2f} (goal <= 1.20)')" "$lb_ms" "$alone_ms"
