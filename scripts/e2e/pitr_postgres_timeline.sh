# Timelines: a physical base backup on timeline 1; the primary is lost; restore --until T and start the
# restored server in its place, archiving with wal-push into the same policy: it promotes to timeline 2
# and archives 00000002.history. More rows on timeline 2; then restore --until T2 and --latest follow
# the history file: exactly the rows of timeline 1 up to T and of timeline 2 up to T2 (or all of them).
# check: a timeline-1 segment after the switch is no gap for timeline 2; a missing timeline-2 segment is.
source "$ROOT/scripts/servers/postgres.sh"
W=$(mktemp -d /tmp/lbtl.XXXXXX)
chmod 755 "$W"
TP1=$((20000 + RANDOM % 12000)); TP2=$((TP1 + 1))
db_chain_exit "pg_teardown $W check tl2 primary"
C=$W/lb
pitr_pg_policy "$C" "$TP1"
chown -R postgres "$C"
pitr_pg_archiving "$W/primary" "$TP1" "$C/lifeboat.yaml"
psqlt() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$TP1" -U postgres -d postgres -tA "$@"; }
XID0=$(psqlt -c "CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp()); SELECT txid_current()")
BID=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$C/lifeboat.yaml' cluster" 2>"$W/backup.err" | awk '$NF == "complete" {print $2}')
check "pitr timeline: a physical base backup on timeline 1 completes" test -n "$BID" || cat "$W/backup.err"
# Rows 1-10, a segment switch after each, so timeline 1 goes on for segments after the point T.
for i in $(seq 1 10); do
    X=$(psqlt -c "INSERT INTO ticks (id) VALUES ($i) RETURNING txid_current()")
    [ "$i" = 3 ] && XID3=$X
    psqlt -c "SELECT pg_switch_wal()" >/dev/null
    sleep 0.2
done
pitr_wait_archived psqlt
T=$(psqlt -c "SELECT to_char(((SELECT at FROM ticks WHERE id = 5) + ((SELECT at FROM ticks WHERE id = 6) - (SELECT at FROM ticks WHERE id = 5)) / 2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
pg_stop "$W/primary"

# The restored server takes the lost primary's place (same port, same archive_command): it replays to T,
# promotes to timeline 2 and archives into the same policy.
"$BIN" restore --config "$C/lifeboat.yaml" cluster --until "$T" --to "$W/tl2" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
cp "$C/keys/ops.sec.asc" "$W/ops.sec.asc" && chown postgres "$W/ops.sec.asc"
chown -R postgres "$W/tl2"
_pg "'$PGBIN/pg_ctl' -D '$W/tl2' -l '$W/tl2/log' -w -t 60 start" >/dev/null 2>&1
for _ in $(seq 1 100); do [ "$(psqlt -c 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] && break; sleep 0.2; done
TLI=$(psqlt -c "SELECT timeline_id FROM pg_control_checkpoint()" 2>/dev/null)
check "pitr timeline: the restored server replayed to T, promoted to timeline 2 ($TLI) with rows 1-5" \
    test "$TLI|$(psqlt -c 'SELECT count(*), max(id) FROM ticks' 2>/dev/null)" = "2|5|5" || { cat "$W/r.out"; tail -5 "$W/tl2/log"; }
for i in $(seq 101 110); do
    psqlt -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null
    psqlt -c "SELECT pg_switch_wal()" >/dev/null
    sleep 0.2
done
pitr_wait_archived psqlt
check "pitr timeline: timeline 2 archives its history file and segments into the same policy" \
    bash -c "[ -f '$C/nas/e2e/cluster/wal/00000002/00000002.history.sig' ] && ls '$C/nas/e2e/cluster/wal/00000002' | grep -qE '^00000002[0-9A-F]{16}\$'"
T2=$(psqlt -c "SELECT to_char(((SELECT at FROM ticks WHERE id = 105) + ((SELECT at FROM ticks WHERE id = 106) - (SELECT at FROM ticks WHERE id = 105)) / 2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")

# Restores that follow the history file, started on another port without archiving.
tl_restore_rows() {
    local dir=$1; shift
    rm -rf "$dir"
    "$BIN" restore --config "$C/lifeboat.yaml" cluster "$@" --to "$dir" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1 || { cat "$W/r.out" >&2; return 1; }
    pitr_pg_start_restored "$dir" "$TP2"
    "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$TP2" -U postgres -tAc "SELECT string_agg(id::text, ',' ORDER BY id) FROM ticks" 2>/dev/null
    pg_stop "$dir"
}
GOT=$(tl_restore_rows "$W/check" --until "$T2")
check "pitr timeline: restore --until T2 (on timeline 2) follows the history: rows 1-5 and 101-105 ($GOT)" \
    test "$GOT" = "1,2,3,4,5,101,102,103,104,105" || tail -5 "$W/check/log"
GOT=$(tl_restore_rows "$W/check" --latest)
check "pitr timeline: restore --latest replays timeline 1 to the switch, then all of timeline 2 ($GOT)" \
    test "$GOT" = "1,2,3,4,5,101,102,103,104,105,106,107,108,109,110" || tail -5 "$W/check/log"

GOT=$(tl_restore_rows "$W/check" --latest --timeline 1)
check "pitr timeline: restore --latest --timeline 1 stays on timeline 1: rows 1-10 ($GOT)" \
    test "$GOT" = "1,2,3,4,5,6,7,8,9,10" || tail -5 "$W/check/log"
rm -rf "$W/check"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --latest --timeline 7 --to "$W/check" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
RC=$?
check "pitr timeline: a timeline that does not exist exits 64 with one line naming the timelines there are, writes nothing ($(head -c 200 "$W/r.out"))" \
    bash -c "[ $RC -eq 64 ] && [ \$(wc -l <'$W/r.out') -eq 1 ] && grep -q 'timeline 7 does not exist.*the timelines are 1, 2' '$W/r.out' && [ ! -e '$W/check' ]"

# --until-xid starts from the newest base backup: an xid after its start replays to exactly that
# transaction; one that committed before it cannot be reached, and PostgreSQL says so at the end of the
# archive instead of promoting.
GOT=$(tl_restore_rows "$W/check" --until-xid "$XID3")
check "pitr timeline: restore --until-xid (row 3's transaction, $XID3) replays to exactly it: rows 1-3 ($GOT)" \
    test "$GOT" = "1,2,3" || tail -5 "$W/check/log"
rm -rf "$W/check"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --until-xid "$XID0" --to "$W/check" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
sed -i "s/^port = .*/port = $TP2/; s/^archive_mode = on/archive_mode = off/" "$W/check/postgresql.conf"
chown -R postgres "$W/check"
_pg "'$PGBIN/pg_ctl' -D '$W/check' -l '$W/check/log' -w -t 60 start" >/dev/null 2>&1
# A hot standby accepts connections while it replays: wait for the end of the archive.
for _ in $(seq 1 150); do grep -q 'recovery ended before' "$W/check/log" && break; sleep 0.2; done
sleep 0.5
check "pitr timeline: an xid committed before the base backup ($XID0) is not reached: PostgreSQL stops, no promotion" \
    bash -c "grep -q 'recovery ended before configured recovery target was reached' '$W/check/log' && ! '$PGBIN/psql' -X -q -h 127.0.0.1 -p $TP2 -U postgres -tAc 'SELECT 1' >/dev/null 2>&1"
pg_stop "$W/check"

# check across the switch.
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr timeline: check is OK across the timeline switch ($(head -c 200 "$W/c.out"))" test $RC -eq 0
SW=$(cd "$C/nas/e2e/cluster/wal/00000002" && ls | grep -E '^[0-9A-F]{24}$' | sort | head -1 | cut -c9-)
AFTER=$(cd "$C/nas/e2e/cluster/wal/00000001" && ls | grep -E '^[0-9A-F]{24}$' | cut -c9- | awk -v s="$SW" '$1 > s' | sort | head -1)
[ -n "$AFTER" ] && rm -f "$C/nas/e2e/cluster/wal/00000001/00000001$AFTER" "$C/nas/e2e/cluster/wal/00000001/00000001$AFTER.sig"
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr timeline: a timeline-1 segment after the switch (00000001$AFTER) missing is no gap for timeline 2" \
    bash -c "[ -n '$AFTER' ] && [ $RC -eq 0 ]" || cat "$W/c.out"
GAP=$(cd "$C/nas/e2e/cluster/wal/00000002" && ls | grep -E '^[0-9A-F]{24}$' | sort | tail -3 | head -1)
mv "$C/nas/e2e/cluster/wal/00000002/$GAP" "$W/gap" && mv "$C/nas/e2e/cluster/wal/00000002/$GAP.sig" "$W/gap.sig"
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr timeline: a timeline-2 segment missing is a gap: CRITICAL (exit 2) naming it ($GAP)" \
    bash -c "[ $RC -eq 2 ] && grep -q 'segment $GAP is missing' '$W/c.out'" || cat "$W/c.out"
mv "$W/gap" "$C/nas/e2e/cluster/wal/00000002/$GAP" && mv "$W/gap.sig" "$C/nas/e2e/cluster/wal/00000002/$GAP.sig"
mv "$C/nas/e2e/cluster/wal/00000002/00000002.history" "$W/hist"
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr timeline: the history file of timeline 2 missing is CRITICAL (exit 2), named" \
    bash -c "[ $RC -eq 2 ] && grep -q '00000002.history is missing' '$W/c.out'" || cat "$W/c.out"
mv "$W/hist" "$C/nas/e2e/cluster/wal/00000002/00000002.history"

# Retention across the switch: a base backup on timeline 2; once the one on timeline 1 is purged, prune
# removes all of timeline 1 (after the switch too) and timeline 2 before the new start; history stays.
B2=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$C/lifeboat.yaml' cluster" 2>>"$W/backup.err" | awk '$NF == "complete" {print $2}')
S2=$(python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["wal"]; h,l=w["start_lsn"].split("/"); n=(int(h,16)<<32|int(l,16))>>24; print("%08X%08X%08X" % (w["timeline"], n // 256, n % 256))' "$C/nas/e2e/cluster/$B2/manifest.json")
check "pitr timeline: a base backup on timeline 2 ($B2, from $S2)" bash -c "[ -n '$B2' ] && [ '${S2:0:8}' = 00000002 ]"
echo "retention: { keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, deleted_grace: 1s, soft_deleted_grace: 1s }" >>"$C/policies/cluster.yaml"
for _ in 1 2 3; do su postgres -s /bin/sh -c "'$BIN' prune --config '$C/lifeboat.yaml' cluster" >>"$W/prune.out" 2>&1; sleep 1.2; done
segs() { ls "$C/nas/e2e/cluster/wal/$1" 2>/dev/null | grep -E '^[0-9A-F]{24}$'; }
check "pitr timeline: the timeline-1 base backup is purged ($(sqlite3 "$C/state/catalog.sqlite" "SELECT retention FROM backup WHERE id = '$BID'"))" \
    test "$(sqlite3 "$C/state/catalog.sqlite" "SELECT retention FROM backup WHERE id = '$BID'")" = purged
check "pitr timeline: prune removed every timeline-1 segment ($(segs 00000001 | wc -l) left) and timeline 2 before $S2 ($(segs 00000002 | awk -v s="$S2" '$1 < s' | wc -l) left), kept the rest ($(segs 00000002 | awk -v s="$S2" '$1 >= s' | wc -l)) and the history file" \
    bash -c "[ \$(ls '$C/nas/e2e/cluster/wal/00000001' | grep -cE '^[0-9A-F]{24}\$') -eq 0 ] && [ \$(ls '$C/nas/e2e/cluster/wal/00000002' | grep -E '^[0-9A-F]{24}\$' | awk -v s=$S2 '\$1 < s' | wc -l) -eq 0 ] && [ \$(ls '$C/nas/e2e/cluster/wal/00000002' | grep -E '^[0-9A-F]{24}\$' | awk -v s=$S2 '\$1 >= s' | wc -l) -gt 0 ] && [ -f '$C/nas/e2e/cluster/wal/00000002/00000002.history' ]" \
    || cat "$W/prune.out"
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr timeline: after that prune check finds no gap (exit $RC)" bash -c "[ $RC -eq 0 ] && ! grep -q 'WAL gap' '$W/c.out'"
GOT=$(tl_restore_rows "$W/check" --latest)
check "pitr timeline: restore --latest from the timeline-2 base backup: every row of timeline 2 ($GOT)" \
    test "$GOT" = "1,2,3,4,5,101,102,103,104,105,106,107,108,109,110" || tail -5 "$W/check/log"
pg_teardown "$W" check tl2 primary
