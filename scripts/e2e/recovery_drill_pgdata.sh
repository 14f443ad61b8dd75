# Drill of a PostgreSQL data directory backed up as files (a base backup's copy, as a snapshot would
# hold it): the recovery host extracts it, starts it as a throwaway server of its own major version on a
# private socket in the drill's folder, asks it a query, stops it, and leaves nothing running or behind.
# A data directory that cannot start fails the drill and says why; one whose pg_wal links outside the
# scratch folder is not started.
source "$ROOT/scripts/servers/postgres.sh"
P=$WORK/pgdata
H=$P/host
make_config "$H"
PS=$(mktemp -d /tmp/lbpd.XXXXXX)
chmod 755 "$PS"
# The recovery host's folders where the postgres account may pass (the e2e work folder is private).
RH=$PS/recovery
mkdir -p "$RH"
PPORT=$((20000 + RANDOM % 12000))
pgdata_teardown() { pg_stop "$PS/pg"; rm -rf "$PS"; }
db_chain_exit pgdata_teardown
pg_primary_start "$PS/pg" "$PPORT"
ppsql() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$PPORT" -U postgres -tA "$@"; }
ppsql -c "CREATE DATABASE ledger" >/dev/null
ppsql -d ledger -c "CREATE TABLE entries(id int PRIMARY KEY); INSERT INTO entries SELECT generate_series(1, 500)" >/dev/null
mkdir -p "$PS/copies" && chown postgres "$PS/copies"
su postgres -s /bin/sh -c "'$PGBIN/pg_basebackup' -h 127.0.0.1 -p $PPORT -U postgres -D '$PS/copies/good' -X stream -c fast"
su postgres -s /bin/sh -c "'$PGBIN/pg_basebackup' -h 127.0.0.1 -p $PPORT -U postgres -D '$PS/copies/broken' -X stream -c fast"
# A control file cut short: the server refuses to start.
truncate -s 100 "$PS/copies/broken/global/pg_control"
su postgres -s /bin/sh -c "'$PGBIN/pg_basebackup' -h 127.0.0.1 -p $PPORT -U postgres -D '$PS/copies/linked' -X stream -c fast"
mkdir -p "$PS/elsewhere" && mv "$PS/copies/linked/pg_wal" "$PS/elsewhere/pg_wal" && ln -s "$PS/elsewhere/pg_wal" "$PS/copies/linked/pg_wal"
for name in good broken linked; do
    cat >"$H/policies/$name.yaml" <<YAML
name: $name
kind: files
source: { paths: [$PS/copies/$name] }
objectives: { rpo: 24h, rto: 1h }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
done
"$BIN" backup --config "$H/lifeboat.yaml" >"$P/backup.out" 2>&1
check "pgdata: three copies of a data directory backed up" test "$(grep -c ' complete$' "$P/backup.out")" = 3
"$BIN" signing-key --config "$H/lifeboat.yaml" | sed 1d >"$RH/host.signing.pub.asc"
cat >"$RH/recovery.yaml" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: nas, type: local, path: $H/nas }
identities:
  - { key: $H/keys/ops.sec.asc }
trusted_signers: [host.signing.pub.asc]
YAML
"$BIN" drill --config "$RH/recovery.yaml" e2e/good >"$P/good.out" 2>&1; code=$?
cat "$P/good.out"
check "pgdata: the data directory is started as a throwaway server and answers (3 databases)" \
    bash -c "[ $code -eq 0 ] && grep -q '^PASS e2e/good .*entries extracted .*; PostgreSQL [0-9]* data directory started and answered (3 databases)' '$P/good.out'"
left=$(pgrep -f -- "-D $RH/state/scratch" | wc -l)
check "pgdata: no server is left running from the scratch folder" test "$left" = 0
check "pgdata: the scratch folder is empty afterwards" test -z "$(ls -A "$RH/state/scratch")"
check "pgdata: the scratch folder gained search permission only (0711) for the postgres account" \
    test "$(stat -c %a "$RH/state/scratch")" = 711
check "pgdata: the source server was not touched" test "$(ppsql -d ledger -c 'SELECT count(*) FROM entries')" = 500
"$BIN" drill --config "$RH/recovery.yaml" e2e/broken >"$P/broken.out" 2>&1; code=$?
cat "$P/broken.out"
check "pgdata: a data directory that cannot start fails the drill (exit 1) with postgres's own words" \
    bash -c "[ $code -eq 1 ] && grep -q '^FAIL e2e/broken: .*did not start: postgres .*pg_control' '$P/broken.out'"
check "pgdata: nothing is left after the failed start" test -z "$(ls -A "$RH/state/scratch")"
"$BIN" drill --config "$RH/recovery.yaml" e2e/linked >"$P/linked.out" 2>&1; code=$?
check "pgdata: a pg_wal linked outside the scratch folder is not started (exit 1, says why)" \
    bash -c "[ $code -eq 1 ] && grep -q 'pg_wal links to .*, outside the scratch folder: not started' '$P/linked.out'"
check "pgdata: the linked-to folder outside was not written" test -z "$(find "$PS/elsewhere" -newer "$P/broken.out" -print -quit)"
