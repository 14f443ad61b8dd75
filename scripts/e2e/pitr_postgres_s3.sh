# Point-in-time recovery with WAL archived to S3 (moto) only: wal-push ships each file there, restore
# --latest lays out the base backup from S3 and the server replays every archived segment fetched by
# wal-fetch from S3.
source "$ROOT/scripts/e2e/s3_aa_common.sh"
source "$ROOT/scripts/servers/postgres.sh"
WS=$(mktemp -d /tmp/lbwals3.XXXXXX)
chmod 755 "$WS"
SP1=$((20000 + RANDOM % 12000)); SP2=$((SP1 + 1))
pitr_s3_teardown() { pg_stop "$WS/restored"; pg_stop "$WS/primary"; rm -rf "$WS"; }
db_chain_exit pitr_s3_teardown
CS=$WS/lb
make_config "$CS"
printf 'AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\n' >"$CS/s3.env"
chmod 600 "$CS/s3.env"
awss3 s3api create-bucket --bucket walpitr >/dev/null 2>&1
cat >"$CS/policies/cluster.yaml" <<YAML
name: cluster
kind: postgres
source:
  dsn: "host=127.0.0.1 port=$SP1 user=postgres"
  method: physical
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
chunk_size: 1MiB
destinations:
  - { name: offsite, type: s3, endpoint: "$MOTO", bucket: walpitr, region: us-east-1, credentials: ../s3.env }
YAML
chown -R postgres "$CS"
pitr_pg_archiving "$WS/primary" "$SP1" "$CS/lifeboat.yaml"
psqls() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$SP1" -U postgres -d postgres -tA "$@"; }
psqls -c "CREATE TABLE ticks (id int PRIMARY KEY)"
SBID=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$CS/lifeboat.yaml' cluster" 2>"$WS/backup.err" | awk '$NF == "complete" {print $2}')
check "pitr s3: a physical base backup to S3 completes" test -n "$SBID"
psqls -c "INSERT INTO ticks SELECT generate_series(1, 300)" >/dev/null
CUR=$(psqls -c "SELECT pg_walfile_name(pg_current_wal_lsn())")
pitr_wait_archived psqls
check "pitr s3: the segment with the rows is archived at S3 with its signature" \
    bash -c "aws --endpoint-url '$MOTO' s3 ls --recursive s3://walpitr/e2e/cluster/wal/ | grep -q '$CUR.sig'"
# A recovery host reading the bucket sees the archive: its newest verified segment, no gap.
pitr_recovery_host "$WS/rec" "$CS/lifeboat.yaml" \
    "{ name: offsite, type: s3, endpoint: \"$MOTO\", bucket: walpitr, region: us-east-1, credentials: $CS/s3.env }"
OUT=$({ "$BIN" fleet --config "$WS/rec/lifeboat.yaml" --json 2>/dev/null || true; } | python3 -c "
import json, sys
x = json.load(sys.stdin)[0]
a = x['archive']
assert a['kind'] == 'wal' and a['newest'] >= '$CUR' and a['first_missing'] is None and a['destinations'] == ['offsite'], a
assert a['notes'] == [] and a['age_seconds'] < 600 and x['age_seconds'] == a['age_seconds'], x
print('ok')" 2>&1)
check "pitr s3: fleet reads the archived WAL at the bucket: newest verified segment at or after $CUR, no gap" \
    test "$OUT" = ok || echo "$OUT"
"$BIN" restore --config "$CS/lifeboat.yaml" cluster --latest --to "$WS/restored" --identity "$CS/keys/ops.sec.asc" >"$WS/r.out" 2>&1
pitr_pg_start_restored "$WS/restored" "$SP2"
GOT=$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$SP2" -U postgres -tAc "SELECT count(*) FROM ticks" 2>/dev/null)
check "pitr s3: restore --latest from S3 replays WAL fetched from S3: all 300 rows ($GOT)" test "$GOT" = 300 \
    || { cat "$WS/r.out"; tail -5 "$WS/restored/log"; }
pitr_s3_teardown
