# spool_max bounds the WAL spool: with a destination down, sealed segments wait in the spool until it
# holds spool_max; then wal-push refuses the next one (exit 1, one line naming the limit) before writing
# anything, PostgreSQL keeps it in pg_wal and calls again. The destination back, everything ships: no
# gap, and restore --latest replays every row.
source "$ROOT/scripts/servers/postgres.sh"
W=$(mktemp -d /tmp/lbsp.XXXXXX)
chmod 755 "$W"
SP1=$((20000 + RANDOM % 12000)); SP2=$((SP1 + 1))
db_chain_exit "pg_teardown $W latest primary"
C=$W/lb
pitr_pg_policy "$C" "$SP1" far
chown -R postgres "$C"
pitr_pg_archiving "$W/primary" "$SP1" "$C/lifeboat.yaml"
psqls() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$SP1" -U postgres -d postgres -tA "$@"; }
psqls -c "CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
BID=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$C/lifeboat.yaml' cluster" 2>"$W/backup.err" | awk '$NF == "complete" {print $2}')
check "pitr spool: a physical base backup completes" test -n "$BID"
pitr_wait_archived psqls 600
SPOOL=$C/state/spool/.wal/cluster

# A tiny spool_max (read by every wal-push) and the second destination down.
echo "spool_max: 1KiB" >>"$C/lifeboat.yaml"
mv "$C/far" "$C/far.down" && mkdir -m 555 "$C/far"
for i in $(seq 1 5); do
    psqls -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null
    psqls -c "SELECT pg_switch_wal()" >/dev/null
    sleep 0.3
done
sleep 3
NFAIL=$(psqls -c "SELECT failed_count FROM pg_stat_archiver")
READY=$(ls "$W/primary/pg_wal/archive_status" | grep -c '\.ready$')
WAITING=$(ls "$SPOOL" 2>/dev/null | grep -c '\.sig$')
check "pitr spool: the spool full, wal-push fails (failed_count $NFAIL), PostgreSQL keeps the segments ($READY ready), the spool holds only what fitted ($WAITING)" \
    bash -c "[ $NFAIL -gt 0 ] && [ $READY -gt 0 ] && [ $WAITING -ge 1 ] && [ $WAITING -le 2 ]"
check "pitr spool: PostgreSQL's log has wal-push's line naming spool_max" \
    grep -q "wal-push: spool_max 1KiB reached: the spool holds .* not yet at every destination; 0000000.* is not archived" "$W/primary/log"
NEXT=$(ls "$W/primary/pg_wal/archive_status" | grep '\.ready$' | sort | head -1 | sed 's/\.ready$//')
su postgres -s /bin/sh -c "'$BIN' wal-push --config '$C/lifeboat.yaml' '$W/primary/pg_wal/$NEXT'" >"$W/p.out" 2>&1
RC=$?
check "pitr spool: wal-push of the next segment by hand: exit 1, one line, nothing added to the spool ($(head -c 200 "$W/p.out"))" \
    bash -c "[ $RC -eq 1 ] && [ \$(wc -l <'$W/p.out') -eq 1 ] && grep -q 'spool_max 1KiB reached' '$W/p.out' && [ ! -e '$SPOOL/$NEXT' ]"

# The destination back: the next call ships what waits, then archives; everything reaches both.
rmdir "$C/far" && mv "$C/far.down" "$C/far"
for i in $(seq 6 10); do psqls -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null; sleep 0.2; done
pitr_wait_archived psqls 600
check "pitr spool: back up, every segment is archived and the spool is empty" \
    bash -c "[ -z \"\$(ls -A '$SPOOL' 2>/dev/null)\" ] && [ \$(ls '$W/primary/pg_wal/archive_status' | grep -c '\.ready\$') -eq 0 ]"
check "pitr spool: no gap: both destinations hold the same files" \
    test "$(cd "$C/nas/e2e/cluster/wal" && find . -name '*.sig' | sort | md5sum)" = "$(cd "$C/far/e2e/cluster/wal" && find . -name '*.sig' | sort | md5sum)"
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr spool: check finds no WAL gap ($(grep -o 'WAL gap[^;]*' "$W/c.out" | head -1))" bash -c "[ $RC -ne 2 ] && ! grep -q 'WAL gap' '$W/c.out'"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --latest --to "$W/latest" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
pitr_pg_start_restored "$W/latest" "$SP2"
GOT=$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$SP2" -U postgres -tAc "SELECT string_agg(id::text, ',' ORDER BY id) FROM ticks" 2>/dev/null)
check "pitr spool: restore --latest replays every segment, including those refused while the spool was full ($GOT)" \
    test "$GOT" = "1,2,3,4,5,6,7,8,9,10"
pg_teardown "$W" latest primary
