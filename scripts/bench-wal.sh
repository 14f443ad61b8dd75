#!/usr/bin/env bash
# WAL archiving benchmark, as root on a test machine (starts its own PostgreSQL and moto_server on
# 127.0.0.1, stops them). One primary, pgbench for D seconds twice in the same run:
#   1. archive_command = cp %p ARCHIVE/%f
#   2. archive_command = lifeboat wal-push (a policy with a local and an S3 (moto) destination)
# Prints the tps of each and their ratio (goal: wal-push >= 0.95x cp), WAL segments archived per
# second, and the archive lag of wal-push: from a segment's completion (its archive_status .ready
# file) to the end of the wal-push that shipped it (to every destination unless a warning said
# otherwise: the files left in the spool are counted), median and max (goal: median under 5 s). The
# server runs with fsync and synchronous_commit off (scripts/servers/postgres.sh). Also the CPU time
# (user + system) of each wal-push, median and mean, as its wrapper's shell counts its children.
# With ROUNDS > 1 (default 1) the pair is run that many times, the order alternating (cp first in odd
# rounds, wal-push first in even ones) so a load that changes during the run weighs on both alike;
# the figures are summed over the rounds and each round's ratio is printed too.
# Usage: scripts/bench-wal.sh [SECONDS=30] [PGBENCH_SCALE=10] [CLIENTS=4] [ROUNDS=1]; LIFEBOAT_BIN
# picks the binary (default: the release build in .build-release, built or brought up to date first).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
D=${1:-30}
SCALE=${2:-10}
CLIENTS=${3:-4}
ROUNDS=${4:-1}
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
source scripts/servers/postgres.sh

W=$(mktemp -d /tmp/lbbenchwal.XXXXXX)
chmod 755 "$W"
PORT=$((20000 + RANDOM % 12000))
cleanup() { pg_stop "$W/pg"; scripts/servers/moto.sh stop "$W/moto" >/dev/null 2>&1; rm -rf "$W"; }
trap cleanup EXIT
MOTO_PORT=$(scripts/servers/moto.sh start "$W/moto") || exit 1
AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
    aws --endpoint-url "http://127.0.0.1:$MOTO_PORT" s3api create-bucket --bucket wal >/dev/null

C=$W/lb
mkdir -p "$C/policies" "$C/keys" "$C/nas" "$W/archive"
"$BIN" keygen --out "$C/keys" --name ops >/dev/null 2>&1
printf 'host: bench\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\n' >"$C/lifeboat.yaml"
printf 'AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\n' >"$C/s3.env"
chmod 600 "$C/s3.env"
cat >"$C/policies/cluster.yaml" <<YAML
name: cluster
kind: postgres
source:
  dsn: "host=127.0.0.1 port=$PORT user=postgres"
  method: physical
objectives: { rpo: 5m }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas }
  - { name: offsite, type: s3, endpoint: "http://127.0.0.1:$MOTO_PORT", bucket: wal, region: us-east-1, credentials: ../s3.env }
YAML
# The wrapper logs each segment's completion (its .ready file's time) and when wal-push returned.
cat >"$C/push.sh" <<SH
#!/bin/sh
ready=\$(date -r "pg_wal/archive_status/\$2.ready" +%s.%N 2>/dev/null || echo 0)
"$BIN" wal-push --config "$C/lifeboat.yaml" "\$1" || exit 1
done=\$(date +%s.%N)
# The CPU of this shell's children (wal-push and the date above), by builtins alone: no more processes.
times >"$C/times.txt"
{ read -r _; read -r cpu; } <"$C/times.txt"
echo "\$2 \$ready \$done \$cpu" >>"$C/lag.log"
SH
chmod 755 "$C/push.sh"
chown -R postgres "$C" "$W/archive"

pg_primary_start "$W/pg" "$PORT" || exit 1
cat >>"$W/pg/postgresql.conf" <<CONF
archive_mode = on
archive_command = 'cp %p $W/archive/%f'
max_wal_size = 256MB
CONF
_pg "'$PGBIN/pg_ctl' -D '$W/pg' -l '$W/pg/log' -w restart" >/dev/null
"$PGBIN/pgbench" -q -i -s "$SCALE" -h 127.0.0.1 -p "$PORT" -U postgres postgres >/dev/null 2>&1
psqlb() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PORT" -U postgres -tAc "$1"; }

# run_phase NAME: pgbench for D seconds, then waits for the archiver to catch up; prints "tps segments".
run_phase() {
    local before after tps
    psqlb "SELECT pg_switch_wal()" >/dev/null; sleep 2
    before=$(psqlb "SELECT archived_count FROM pg_stat_archiver")
    tps=$("$PGBIN/pgbench" -h 127.0.0.1 -p "$PORT" -U postgres -c "$CLIENTS" -j 2 -T "$D" postgres 2>/dev/null \
        | sed -n 's/^tps = \([0-9.]*\) .*/\1/p')
    after=$(psqlb "SELECT archived_count FROM pg_stat_archiver")
    echo "$tps $((after - before))"
}
: >"$C/lag.log"; chown postgres "$C/lag.log"
# use_archiver cp|lifeboat: waits (up to 120 s) until the archiver has caught up with what the last
# phase wrote, so one archiver's backlog does not weigh on the other's phase, then switches archive_command.
use_archiver() {
    local cur
    cur=$(psqlb "SELECT pg_walfile_name(pg_current_wal_lsn())")
    psqlb "SELECT pg_switch_wal()" >/dev/null
    for _ in $(seq 1 1200); do
        [ "$(psqlb "SELECT coalesce(last_archived_wal >= '$cur', false) FROM pg_stat_archiver")" = t ] && break
        sleep 0.1
    done
    if [ "$1" = cp ]; then
        psqlb "ALTER SYSTEM SET archive_command = 'cp %p $W/archive/%f'" >/dev/null
    else
        psqlb "ALTER SYSTEM SET archive_command = '$C/push.sh %p %f'" >/dev/null
    fi
    psqlb "SELECT pg_reload_conf()" >/dev/null
    sleep 1
}
CP_TPS=0; CP_SEG=0; LB_TPS=0; LB_SEG=0; PER_ROUND=""
for round in $(seq 1 "$ROUNDS"); do
    if [ $((round % 2)) -eq 1 ]; then order="cp lifeboat"; else order="lifeboat cp"; fi
    for a in $order; do
        use_archiver "$a"
        read -r tps seg < <(run_phase "$a")
        if [ "$a" = cp ]; then rcp=$tps; CP_SEG=$((CP_SEG + seg)); else rlb=$tps; LB_SEG=$((LB_SEG + seg)); fi
    done
    CP_TPS=$(python3 -c "print($CP_TPS + $rcp)"); LB_TPS=$(python3 -c "print($LB_TPS + $rlb)")
    PER_ROUND="$PER_ROUND $(python3 -c "print(f'{$rlb / $rcp:.3f}')")"
done
D_ALL=$((D * ROUNDS))
FAILED=$(psqlb "SELECT failed_count FROM pg_stat_archiver")
WAITING=$(ls "$C/state/spool/.wal/cluster" 2>/dev/null | grep -c '\.sig$')
AT_NAS=$(find "$C/nas" -name '*.sig' | wc -l)
AT_MOTO=$(AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1 \
    aws --endpoint-url "http://127.0.0.1:$MOTO_PORT" s3 ls --recursive s3://wal/ | grep -c '\.sig$')
echo "signed WAL files at nas: $AT_NAS, at moto: $AT_MOTO"
python3 - "$C/lag.log" "$CP_TPS" "$LB_TPS" "$CP_SEG" "$LB_SEG" "$D_ALL" "$FAILED" "$WAITING" "$ROUNDS" "$PER_ROUND" <<'PY'
import re, statistics, sys
log, cp_tps, lb_tps, cp_seg, lb_seg, d, failed, waiting, rounds, per_round = sys.argv[1:]
def seconds(t):  # "0m0.050000s" as the shell's times prints it
    m = re.fullmatch(r"(\d+)m([\d.]+)s", t)
    return int(m.group(1)) * 60 + float(m.group(2)) if m else 0.0
lags, cpu = [], []
for line in open(log):
    name, ready, done, user, system = line.split()
    if float(ready) > 0:
        lags.append(float(done) - float(ready))
    # the wrapper's children: wal-push and two `date` (about 1 ms each).
    cpu.append(seconds(user) + seconds(system))
cp_tps, lb_tps, d, rounds = float(cp_tps) / int(rounds), float(lb_tps) / int(rounds), float(d), int(rounds)
print(f"cp:       {cp_tps:8.1f} tps, {int(cp_seg) / d:5.2f} segments/s")
print(f"wal-push: {lb_tps:8.1f} tps, {int(lb_seg) / d:5.2f} segments/s  (ratio {lb_tps / cp_tps:.3f}, goal >= 0.95)")
if lags:
    print(f"archive lag (completion -> at nas and moto): median {statistics.median(lags):.2f} s, "
          f"max {max(lags):.2f} s over {len(lags)} segments (goal: median < 5 s)")
if rounds > 1:
    print(f"rounds: {rounds} (order alternating), ratio per round:{per_round}")
if cpu:
    print(f"wal-push CPU (user + system): median {statistics.median(cpu) * 1000:.0f} ms, "
          f"mean {statistics.mean(cpu) * 1000:.0f} ms per file over {len(cpu)} files")
print(f"archiver failures: {failed}; files still in the spool: {waiting}")
PY
