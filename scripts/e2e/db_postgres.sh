# kind postgres: pgbench data dumped from a streaming replica while pgbench writes on the primary,
# restored with pg_restore into a fresh database; balances must agree (a consistent snapshot).
source "$ROOT/scripts/servers/postgres.sh"
P=$WORK/pg
db_setup "$P"
PGD=$(mktemp -d /tmp/lbpg.XXXXXX)
chmod 755 "$PGD"
PGP1=$((20000 + RANDOM % 12000)); PGP2=$((PGP1 + 1))
db_pg_teardown() {
    [ -n "${PGBENCH_PID:-}" ] && kill "$PGBENCH_PID" 2>/dev/null
    pg_stop "$PGD/replica"; pg_stop "$PGD/primary"; rm -rf "$PGD"
}
db_chain_exit db_pg_teardown
pg_primary_start "$PGD/primary" "$PGP1" && "$PGBIN/createdb" -h 127.0.0.1 -p "$PGP1" -U postgres bench \
    && "$PGBIN/pgbench" -q -i -s 4 -h 127.0.0.1 -p "$PGP1" -U postgres bench >/dev/null 2>&1 \
    && pg_replica_start "$PGD/replica" "$PGP2" "$PGP1" >/dev/null 2>&1
check "postgres: primary with pgbench data and a streaming replica are up" \
    bash -c "\"$PGBIN/psql\" -X -q -h 127.0.0.1 -p $PGP2 -U postgres -d bench -tAc \"SELECT pg_is_in_recovery()\" | grep -qx t"
"$PGBIN/pgbench" -h 127.0.0.1 -p "$PGP1" -U postgres -c 2 -T 120 bench >/dev/null 2>&1 &
PGBENCH_PID=$!
printf 'backup-pw\n' >"$P/pgpass.txt"; chmod 600 "$P/pgpass.txt"
# globals: none keeps the plain pg_dump-custom stream (db_pg_globals.sh tests the roles and jobs).
db_policy "$P" orders postgres "dsn: \"host=127.0.0.1 port=$PGP2 dbname=bench user=backup\"
password_file: ../pgpass.txt
globals: none"
sleep 1
PID_=$(db_backup "$P" orders)
check "postgres: backup from the replica completes while pgbench writes on the primary" test -n "$PID_"
check "postgres: payload pg_dump-custom" test "$(db_manifest_field "$P" orders "$PID_" payload)" = pg_dump-custom
kill "$PGBENCH_PID" 2>/dev/null; wait "$PGBENCH_PID" 2>/dev/null; PGBENCH_PID=
"$BIN" restore --config "$P/lifeboat.yaml" orders --to "$P/orders.dump" --identity "$P/keys/ops.sec.asc" >/dev/null 2>&1
check "postgres: restore --to writes a dump pg_restore reads" bash -c "'$PGBIN/pg_restore' -l '$P/orders.dump' | grep -q pgbench_accounts"
"$PGBIN/createdb" -h 127.0.0.1 -p "$PGP1" -U postgres fresh
"$PGBIN/pg_restore" -h 127.0.0.1 -p "$PGP1" -U postgres -d fresh --no-owner --exit-on-error "$P/orders.dump" 2>"$P/restore.err"
pg_counts() {
    "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PGP1" -U postgres -d "$1" -tAc \
        "SELECT (SELECT count(*) FROM pgbench_accounts), (SELECT count(*) FROM pgbench_branches),
                (SELECT count(*) FROM pgbench_tellers), (SELECT count(*) > 0 FROM pgbench_history),
                (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history),
                (SELECT sum(bbalance) FROM pgbench_branches) = (SELECT sum(tbalance) FROM pgbench_tellers)"
}
check "postgres: restored into a fresh database: row counts match, balances consistent (400000|4|40|t|t|t)" \
    test "$(pg_counts fresh)" = "400000|4|40|t|t|t"
if "$BIN" restore --help 2>/dev/null | grep -q -- '--into'; then
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PGP1" -U postgres loaded
    "$BIN" restore --config "$P/lifeboat.yaml" orders --into "host=127.0.0.1 port=$PGP1 user=postgres dbname=loaded" \
        --identity "$P/keys/ops.sec.asc" >"$P/into.out" 2>&1
    check "postgres: restore --into DSN loads the dump with pg_restore" test "$(pg_counts loaded 2>/dev/null)" = "400000|4|40|t|t|t"
fi
printf 'wrong\n' >"$P/badpass.txt"; chmod 600 "$P/badpass.txt"
db_policy "$P" badpw postgres "dsn: \"host=127.0.0.1 port=$PGP2 dbname=bench user=backup\"
password_file: ../badpass.txt"
BADID=$(db_backup "$P" badpw)
check "postgres: a wrong password fails the backup with pg_dump's own words" \
    bash -c "[ -z '$BADID' ] && grep -q 'password authentication failed' '$P/backup.out'"
mkdir -p "$P/spy"
cat >"$P/spy/pg_dump" <<SH
#!/bin/sh
echo "argv: \$*" >"$P/spy.log"
stat -c 'mode: %a' "\$PGPASSFILE" >>"$P/spy.log"
exec "$PGBIN/pg_dump" "\$@"
SH
chmod +x "$P/spy/pg_dump"
SPYID=$(PATH="$P/spy:$PATH" db_backup "$P" orders)
check "postgres: the password reaches pg_dump through a 0600 PGPASSFILE, never its argv" \
    bash -c "[ -n '$SPYID' ] && grep -q 'mode: 600' '$P/spy.log' && ! grep -q 'backup-pw' '$P/spy.log'"
check "postgres: the temporary PGPASSFILE is gone afterwards" bash -c "! ls -d /tmp/lifeboat-cred-* 2>/dev/null | grep -q ."
# pg_backup_start/stop around an operator's snapshot command (here a copy): backup_label kept.
mkdir -p "$PGD/snaps"
db_policy "$P" pgfs postgres "dsn: \"host=127.0.0.1 port=$PGP1 dbname=bench user=postgres\"
snapshot:
  provider: command
  create: [sh, -c, 'cp -a $PGD/primary $PGD/snaps/\$LIFEBOAT_SNAPSHOT_NAME && echo $PGD/snaps/\$LIFEBOAT_SNAPSHOT_NAME']
  delete: [sh, -c, 'rm -rf \"\$LIFEBOAT_SNAPSHOT_PATH\"']
  max_lock: 20s"
FSID=$(db_backup "$P" pgfs)
check "postgres: pg_backup_start + snapshot command + pg_backup_stop completes, lock window recorded" \
    test -n "$FSID" -a "$(db_manifest_field "$P" pgfs "$FSID" lock_window_ms 2>/dev/null)" != None
"$BIN" restore --config "$P/lifeboat.yaml" pgfs --to "$P/pgfs" --identity "$P/keys/ops.sec.asc" >/dev/null 2>&1
check "postgres: the restored copy carries backup_label from pg_backup_stop" \
    grep -q "START WAL LOCATION" "$P/pgfs$PGD/snaps/lifeboat-snap-pgfs-$FSID/backup_label"
check "postgres: the snapshot copy was deleted" test -z "$(ls "$PGD/snaps")"

# An atomic btrfs snapshot of a live data directory while pgbench writes: the restored directory
# starts by crash recovery from its own pg_wal, consistent, with no WAL archive; the label from
# pg_backup_stop is kept aside as backup_label.lifeboat, and the running server's lock file is left out.
if command -v mkfs.btrfs >/dev/null; then
    source "$ROOT/scripts/servers/btrfs.sh"
    PGB=$PGD/btrfs
    mkdir -p "$PGB"
    PGP3=$((PGP1 + 2)); PGP4=$((PGP1 + 3))
    db_pg_btrfs_teardown() {
        [ -n "${PGBENCH3_PID:-}" ] && kill "$PGBENCH3_PID" 2>/dev/null
        pg_stop "$PGB/restored"; pg_stop "$PGB/vol/vol"
        for s in "$PGB"/vol/vol/.lifeboat-snap-*; do [ -d "$s" ] && btrfs subvolume delete "$s" >/dev/null 2>&1; done
        btrfs_volume_destroy "$PGB/img" "$PGB/vol"
    }
    db_chain_exit db_pg_btrfs_teardown
    btrfs_volume_create "$PGB/img" "$PGB/vol" 600M && pg_primary_start "$PGB/vol/vol" "$PGP3" \
        && "$PGBIN/createdb" -h 127.0.0.1 -p "$PGP3" -U postgres bench \
        && "$PGBIN/pgbench" -q -i -s 4 -h 127.0.0.1 -p "$PGP3" -U postgres bench >/dev/null 2>&1
    check "postgres: a server whose data directory is a btrfs subvolume is up" \
        bash -c "\"$PGBIN/psql\" -X -q -h 127.0.0.1 -p $PGP3 -U postgres -d bench -tAc 'SELECT 1' | grep -qx 1"
    "$PGBIN/pgbench" -h 127.0.0.1 -p "$PGP3" -U postgres -c 2 -T 60 bench >/dev/null 2>&1 &
    PGBENCH3_PID=$!
    sleep 2
    db_policy "$P" pgsnap postgres "dsn: \"host=127.0.0.1 port=$PGP3 dbname=bench user=postgres\"
snapshot: { provider: btrfs, volume: $PGB/vol/vol, lock: true, max_lock: 5s }"
    SNID=$(db_backup "$P" pgsnap)
    kill "$PGBENCH3_PID" 2>/dev/null; wait "$PGBENCH3_PID" 2>/dev/null; PGBENCH3_PID=
    check "postgres: pg_backup_start + btrfs snapshot + pg_backup_stop completes while pgbench writes" test -n "$SNID"
    "$BIN" restore --config "$P/lifeboat.yaml" pgsnap --to "$P/pgsnap" --identity "$P/keys/ops.sec.asc" >/dev/null 2>&1
    RS="$P/pgsnap$PGB/vol/vol/.lifeboat-snap-pgsnap-$SNID"
    check "postgres: the restored directory has backup_label.lifeboat, and neither backup_label nor postmaster.pid" \
        bash -c "grep -q 'START WAL LOCATION' '$RS/backup_label.lifeboat' && [ ! -e '$RS/backup_label' ] && [ ! -e '$RS/postmaster.pid' ]"
    mv "$RS" "$PGB/restored" && chown -R postgres "$PGB/restored" && chmod 700 "$PGB/restored"
    sed -i "s/^port = .*/port = $PGP4/" "$PGB/restored/postgresql.conf" 2>/dev/null
    _pg "'$PGBIN/pg_ctl' -D '$PGB/restored' -l '$PGB/restored/log' -w start" >/dev/null 2>&1
    check "postgres: the server starts on the restored directory (crash recovery, no WAL archive)" \
        bash -c "\"$PGBIN/psql\" -X -q -h 127.0.0.1 -p $PGP4 -U postgres -d bench -tAc 'SELECT pg_is_in_recovery()' | grep -qx f"
    check "postgres: the restored database is consistent: balances agree with the history" \
        test "$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PGP4" -U postgres -d bench -tAc \
            "SELECT (SELECT count(*) FROM pgbench_accounts), (SELECT count(*) > 0 FROM pgbench_history),
                    (SELECT sum(abalance) FROM pgbench_accounts) = (SELECT coalesce(sum(delta), 0) FROM pgbench_history),
                    (SELECT sum(bbalance) FROM pgbench_branches) = (SELECT sum(tbalance) FROM pgbench_tellers)" 2>/dev/null)" \
            = "400000|t|t|t"
    grep -q "database system was interrupted\|redo starts\|automatic recovery" "$PGB/restored/log" 2>/dev/null \
        && echo "     (the server's log shows crash recovery)"
    db_pg_btrfs_teardown
else
    fail "postgres: btrfs-progs is not installed (scripts/prerequisites.sh btrfs-progs)"
fi
db_pg_teardown
