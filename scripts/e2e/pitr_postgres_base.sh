# kind postgres, method physical: pg_basebackup's tar of the whole cluster through the pipeline, its WAL
# range (timeline, start and stop LSN) in the manifest; restore --to lays out a data directory that a
# server starts on once the WAL of the backup is given to it.
source "$ROOT/scripts/servers/postgres.sh"
P=$WORK/pitrbase
db_setup "$P"
PBD=$(mktemp -d /tmp/lbpitr.XXXXXX)
chmod 755 "$PBD"
PBP1=$((20000 + RANDOM % 12000)); PBP2=$((PBP1 + 1))
pitr_base_teardown() { pg_stop "$PBD/restored"; pg_stop "$PBD/primary"; rm -rf "$PBD"; }
db_chain_exit pitr_base_teardown
pg_primary_start "$PBD/primary" "$PBP1" && "$PGBIN/createdb" -h 127.0.0.1 -p "$PBP1" -U postgres shop \
    && "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PBP1" -U postgres -d shop \
        -c "CREATE TABLE orders (id int PRIMARY KEY, note text); INSERT INTO orders SELECT g, 'before' FROM generate_series(1, 500) g"
check "pitr base: a primary with 500 rows is up" \
    test "$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PBP1" -U postgres -d shop -tAc 'SELECT count(*) FROM orders')" = 500
printf 'backup-pw\n' >"$P/pgpass.txt"; chmod 600 "$P/pgpass.txt"
db_policy "$P" cluster postgres "dsn: \"host=127.0.0.1 port=$PBP1 user=backup\"
password_file: ../pgpass.txt
method: physical"
PBID=$(db_backup "$P" cluster)
check "pitr base: a physical backup completes" test -n "$PBID"
check "pitr base: payload pg_basebackup-tar" test "$(db_manifest_field "$P" cluster "$PBID" payload)" = pg_basebackup-tar
WALJSON=$(db_manifest_field "$P" cluster "$PBID" wal)
START=$(python3 -c 'import ast,sys; print(ast.literal_eval(sys.argv[1])["start_lsn"])' "$WALJSON" 2>/dev/null)
check "pitr base: the manifest records timeline 1 and start/stop LSNs ($WALJSON)" \
    python3 -c 'import ast,sys; w=ast.literal_eval(sys.argv[1]); assert w["timeline"] == 1 and w["start_lsn"] and w["stop_lsn"]' "$WALJSON"
"$BIN" list --config "$P/lifeboat.yaml" cluster --json >"$P/list.json" 2>/dev/null
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PBP1" -U postgres -d shop -c "INSERT INTO orders VALUES (501, 'after')" -c "SELECT pg_switch_wal()" >/dev/null

mkdir "$P/empty"
"$BIN" restore --config "$P/lifeboat.yaml" cluster --to "$P/empty" --identity "$P/keys/ops.sec.asc" >"$P/restore.out" 2>&1
check "pitr base: restore --to an empty folder lays out a data directory (PG_VERSION, backup_label, global/pg_control)" \
    test -f "$P/empty/PG_VERSION" -a -f "$P/empty/backup_label" -a -f "$P/empty/global/pg_control"
check "pitr base: the restored data directory is private (0700)" test "$(stat -c %a "$P/empty")" = 700
LABEL_START=$(sed -n 's/^START WAL LOCATION: \([0-9A-F/]*\) .*/\1/p' "$P/empty/backup_label")
check "pitr base: the manifest's start LSN is the restored backup_label's ($LABEL_START)" test "$START" = "$LABEL_START"
"$BIN" restore --config "$P/lifeboat.yaml" cluster --into "host=127.0.0.1 port=$PBP1 user=postgres dbname=shop" \
    --identity "$P/keys/ops.sec.asc" >"$P/into.out" 2>&1
RC=$?
check "pitr base: restore --into refuses a physical backup (exit 64, one line naming it)" \
    bash -c "[ $RC -eq 64 ] && grep -q 'physical base backup' '$P/into.out'"

# The WAL the backup needs (-X none left it out) from the primary's pg_wal: the server starts, consistent.
mv "$P/empty" "$PBD/restored"
cp "$PBD/primary/pg_wal"/0000000100000000000000* "$PBD/restored/pg_wal/"
chown -R postgres "$PBD/restored"
sed -i "s/^port = .*/port = $PBP2/" "$PBD/restored/postgresql.conf"
_pg "'$PGBIN/pg_ctl' -D '$PBD/restored' -l '$PBD/restored/log' -w start" >/dev/null 2>&1
check "pitr base: a server starts on the restored data directory with the backup's WAL" \
    test "$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PBP2" -U postgres -d shop -tAc "SELECT count(*) FILTER (WHERE note = 'before') FROM orders" 2>/dev/null)" = 500 \
    || tail -5 "$PBD/restored/log"

# Extra tablespaces: pg_basebackup writes only one to stdout, so the backup fails and says why.
mkdir -p "$PBD/ts" && chown postgres "$PBD/ts"
"$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PBP1" -U postgres -c "CREATE TABLESPACE extra LOCATION '$PBD/ts'"
TSID=$(db_backup "$P" cluster)
check "pitr base: a cluster with an extra tablespace is refused with pg_basebackup's words" \
    bash -c "[ -z '$TSID' ] && grep -q 'can only write single tablespace' '$P/backup.out' '$P/backup.err'"
pitr_base_teardown
