# A physical base backup taken from a streaming replica (the policy's dsn names the replica, as for a
# dump) while the primary archives its WAL with wal-push: the base backup says it came from a standby,
# and restore --until T between two commits made on the primary after it gives exactly the rows
# committed at or before T.
source "$ROOT/scripts/servers/postgres.sh"
W=$(mktemp -d /tmp/lbwalr.XXXXXX)
chmod 755 "$W"
RP1=$((20000 + RANDOM % 12000)); RP2=$((RP1 + 1)); RP3=$((RP1 + 2))
db_chain_exit "pg_teardown $W restored replica primary"
C=$W/lb
pitr_pg_policy "$C" "$RP2"
chown -R postgres "$C"
pitr_pg_archiving "$W/primary" "$RP1" "$C/lifeboat.yaml" && pg_replica_start "$W/replica" "$RP2" "$RP1" >/dev/null 2>&1
psqlp() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$RP1" -U postgres -d postgres -tA "$@"; }
psqlp -c "CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
check "pitr replica: the primary archives with wal-push and the replica streams from it" \
    test "$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$RP2" -U postgres -tAc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = t
for i in 1 2 3; do psqlp -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null; done
pitr_wait_archived psqlp
BID=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$C/lifeboat.yaml' cluster" 2>"$W/backup.err" | awk '$NF == "complete" {print $2}')
check "pitr replica: a physical base backup from the replica completes" test -n "$BID" || cat "$W/backup.err"
for i in $(seq 4 10); do psqlp -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null; sleep 0.3; done
pitr_wait_archived psqlp
T=$(psqlp -c "SELECT to_char(((SELECT at FROM ticks WHERE id = 6) + ((SELECT at FROM ticks WHERE id = 7) - (SELECT at FROM ticks WHERE id = 6)) / 2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
"$BIN" restore --config "$C/lifeboat.yaml" cluster --until "$T" --to "$W/restored" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
check "pitr replica: the restored base backup is the standby's (backup_label: BACKUP FROM: standby)" \
    grep -q '^BACKUP FROM: standby' "$W/restored/backup_label" || cat "$W/r.out"
pitr_pg_start_restored "$W/restored" "$RP3"
GOT=$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$RP3" -U postgres -tAc "SELECT count(*), max(id) FROM ticks" 2>/dev/null)
check "pitr replica: replayed with the primary's archived WAL to T=$T and promoted: exactly rows 1-6 ($GOT)" \
    test "$GOT" = "6|6" || tail -5 "$W/restored/log"
pg_teardown "$W" restored replica primary
