# WAL archiving through the pipeline: a real PostgreSQL with archive_command = lifeboat wal-push and
# archive_timeout=1s; a physical base backup; a destination down while archiving (files wait in the
# spool and ship with the next push and with run: no gap); wal-fetch as restore_command replays to a
# time T between two commits: exactly the rows committed at or before T are there.
source "$ROOT/scripts/servers/postgres.sh"
W=$(mktemp -d /tmp/lbwal.XXXXXX)
chmod 755 "$W"
WP1=$((20000 + RANDOM % 12000)); WP2=$((WP1 + 1))
db_chain_exit "pg_teardown $W restored latest primary"
# Everything the archiver (the postgres user) runs with lives in a folder it owns.
C=$W/lb
pitr_pg_policy "$C" "$WP1" far
chown -R postgres "$C"
pitr_pg_archiving "$W/primary" "$WP1" "$C/lifeboat.yaml"
psqlw() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$WP1" -U postgres -d postgres -tA "$@"; }
psqlw -c "CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
check "pitr wal: the primary archives with lifeboat wal-push" test "$(psqlw -c 'SHOW archive_mode')" = on
wait_archived() { pitr_wait_archived psqlw; }
check "pitr wal: segments are archived (pg_stat_archiver moves, no failures)" \
    bash -c "$(declare -f psqlw wait_archived pitr_wait_archived); PGBIN='$PGBIN' WP1=$WP1 wait_archived && [ \$(\"$PGBIN/psql\" -X -q -h 127.0.0.1 -p $WP1 -U postgres -tAc 'SELECT failed_count FROM pg_stat_archiver') = 0 ]"
NSEG=$(find "$C/nas/e2e/cluster/wal" -name '0*.sig' 2>/dev/null | wc -l)
check "pitr wal: each archived file is at both destinations with its signature ($NSEG at nas)" \
    bash -c "[ $NSEG -gt 0 ] && [ \$(find '$C/far/e2e/cluster/wal' -name '0*.sig' | wc -l) -eq $NSEG ]"
check "pitr wal: the spool is empty once every destination holds the files" \
    test -z "$(ls -A "$C/state/spool/.wal/cluster" 2>/dev/null)"

BID=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$C/lifeboat.yaml' cluster" 2>"$W/backup.err" | awk '$NF == "complete" {print $2}')
check "pitr wal: a physical base backup completes" test -n "$BID"

# The second destination goes down (not writable for the archiver): files wait in the spool.
mv "$C/far" "$C/far.down" && mkdir -m 555 "$C/far"
for i in $(seq 1 10); do psqlw -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null; sleep 0.3; done
wait_archived
WAITING=$(ls "$C/state/spool/.wal/cluster" 2>/dev/null | grep -c '\.sig$')
check "pitr wal: with a destination down, archiving goes on and the files wait in the spool ($WAITING)" \
    bash -c "[ $WAITING -gt 0 ] && [ \$(\"$PGBIN/psql\" -X -q -h 127.0.0.1 -p $WP1 -U postgres -tAc 'SELECT failed_count FROM pg_stat_archiver') = 0 ]"
rmdir "$C/far" && mv "$C/far.down" "$C/far"
for i in $(seq 11 20); do psqlw -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null; sleep 0.3; done
wait_archived
su postgres -s /bin/sh -c "'$BIN' run --config '$C/lifeboat.yaml'" >/dev/null 2>&1
check "pitr wal: back up, the destination receives what waited (next wal-push and run): spool empty" \
    test -z "$(ls -A "$C/state/spool/.wal/cluster" 2>/dev/null)"
check "pitr wal: no gap: both destinations hold the same files" \
    test "$(cd "$C/nas/e2e/cluster/wal" && find . -name '*.sig' | sort | md5sum)" = "$(cd "$C/far/e2e/cluster/wal" && find . -name '*.sig' | sort | md5sum)"

# T: halfway between the commits of rows 14 and 15.
T=$(psqlw -c "SELECT to_char(((SELECT at FROM ticks WHERE id = 14) + ((SELECT at FROM ticks WHERE id = 15) - (SELECT at FROM ticks WHERE id = 14)) / 2) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
# restore --until T lays out the newest base backup before T and configures recovery; starting the
# server replays with wal-fetch as restore_command and promotes at T.
"$BIN" restore --config "$C/lifeboat.yaml" cluster --until "$T" --to "$W/restored" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
check "pitr wal: restore --until T writes recovery.signal and the recovery settings" \
    bash -c "[ -f '$W/restored/recovery.signal' ] && grep -q \"recovery_target_time = '\" '$W/restored/postgresql.auto.conf' && grep -q 'wal-fetch' '$W/restored/postgresql.auto.conf'" \
    || cat "$W/r.out"
pitr_pg_start_restored "$W/restored" "$WP2"
GOT=$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$WP2" -U postgres -tAc "SELECT count(*), max(id) FROM ticks" 2>/dev/null)
check "pitr wal: the server replayed to T=$T and promoted: exactly rows 1-14 ($GOT)" test "$GOT" = "14|14" \
    || tail -5 "$W/restored/log"
pg_stop "$W/restored"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --latest --to "$W/latest" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
pitr_pg_start_restored "$W/latest" "$WP2"
GOT=$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$WP2" -U postgres -tAc "SELECT count(*), max(id) FROM ticks" 2>/dev/null)
check "pitr wal: restore --latest replays every archived segment: all 20 rows ($GOT)" test "$GOT" = "20|20" \
    || tail -5 "$W/latest/log"
pg_stop "$W/latest"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --until "2000-01-01 00:00:00" --to "$W/early" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
RC=$?
check "pitr wal: a target before the oldest base backup exits 64, names the possible range, writes nothing" \
    bash -c "[ $RC -eq 64 ] && grep -q 'possible range starts at' '$W/r.out' && [ ! -e '$W/early' ]" || cat "$W/r.out"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --until "$(date -u -d '+1 hour' '+%Y-%m-%d %H:%M:%S')" --to "$W/late" \
    --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
RC=$?
check "pitr wal: a target after the newest archived WAL exits 64, names the possible range, writes nothing ($(head -c 220 "$W/r.out"))" \
    bash -c "[ $RC -eq 64 ] && grep -q 'after the newest archived WAL (0000000.*possible range is .* to ' '$W/r.out' && [ ! -e '$W/late' ]"
mkdir "$W/full" && touch "$W/full/x"
"$BIN" restore --config "$C/lifeboat.yaml" cluster --latest --to "$W/full" --identity "$C/keys/ops.sec.asc" >"$W/r.out" 2>&1
RC=$?
check "pitr wal: a target folder that is not empty is refused (exit 64), left as it was" \
    bash -c "[ $RC -eq 64 ] && [ \"\$(ls '$W/full')\" = x ]"

# wal-fetch and wal-push refuse what they must.
"$BIN" wal-fetch --config "$C/lifeboat.yaml" --identity "$C/keys/ops.sec.asc" 0000000100000099000000FF "$W/x" >"$W/f.out" 2>&1
RC=$?
check "pitr wal: wal-fetch of a file never archived exits 1 and writes nothing" bash -c "[ $RC -eq 1 ] && [ ! -e '$W/x' ]"
"$BIN" wal-push --config "$C/lifeboat.yaml" "$W/../../etc/passwd" >"$W/p.out" 2>&1
RC=$?
check "pitr wal: wal-push of a name that is not a WAL name exits 64 with one line" \
    bash -c "[ $RC -eq 64 ] && [ \$(wc -l <'$W/p.out') -eq 1 ] && grep -q 'passwd' '$W/p.out'"
"$BIN" wal-push --config "$C/lifeboat.yaml" --policy nosuch "$W/primary/pg_wal/00000002.history" >"$W/p.out" 2>&1
RC=$?
check "pitr wal: wal-push --policy naming no WAL-archiving policy exits 64" test $RC -eq 64
printf 'x' >"$W/000000010000000000000042"
mkdir -p "$W/rospool/state" && cp "$C/lifeboat.yaml" "$W/rospool/" && cp -r "$C/policies" "$C/keys" "$W/rospool/"
sed -i 's|path: ../nas|path: '"$C"'/nas|; s|path: ../far|path: '"$C"'/far|' "$W/rospool/policies/cluster.yaml"
mkdir -p "$W/rospool/state/spool/.wal" && chown -R postgres "$W/rospool" && chmod 555 "$W/rospool/state/spool/.wal"
su postgres -s /bin/sh -c "'$BIN' wal-push --config '$W/rospool/lifeboat.yaml' '$W/000000010000000000000042'" >"$W/p.out" 2>&1
RC=$?
check "pitr wal: wal-push that cannot write its spool exits 1 (PostgreSQL keeps the file and retries)" \
    bash -c "[ $RC -eq 1 ] && grep -q 'cannot create the WAL spool' '$W/p.out' && [ ! -e '$C/nas/e2e/cluster/wal/00000001/000000010000000000000042' ]" || cat "$W/p.out"
SEG=$(cd "$C/nas/e2e/cluster/wal/00000001" && ls | grep -v sig | head -1)
cp "$C/nas/e2e/cluster/wal/00000001/$SEG" "$W/saved"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[len(b)//2] ^= 1; open(p,"wb").write(b)' \
    "$C/nas/e2e/cluster/wal/00000001/$SEG"
mv "$C/far" "$C/far.off"
"$BIN" wal-fetch --config "$C/lifeboat.yaml" --identity "$C/keys/ops.sec.asc" "$SEG" "$W/y" >"$W/t.out" 2>&1
RC=$?
check "pitr wal: a segment changed at the destination is refused by its signature (exit 126: recovery stops, not ends), nothing written" \
    bash -c "[ $RC -eq 126 ] && [ ! -e '$W/y' ] && grep -q 'signature' '$W/t.out'" || cat "$W/t.out"
mv "$C/far.off" "$C/far"
"$BIN" wal-fetch --config "$C/lifeboat.yaml" --identity "$C/keys/ops.sec.asc" "$SEG" "$W/y" >"$W/t.out" 2>&1
check "pitr wal: ... and read from the next destination when there is one" test -s "$W/y"
# PostgreSQL runs restore_command as its own user: wal-fetch opens no catalog, so a state folder that
# user cannot write (root's, 0700) does not stop it; a config it cannot read stops recovery (126)
# rather than telling PostgreSQL the archive ends there (1).
mkdir -m 700 "$W/rootonly"
sed -e "s|^catalog: .*|catalog: $W/rootonly/catalog.sqlite|" -e "s|^spool: .*|spool: $W/rootonly/spool|" \
    "$C/lifeboat.yaml" >"$C/fetch.yaml"
echo "signing_key: state/signing-key.asc" >>"$C/fetch.yaml"
chown postgres "$C/fetch.yaml"
su postgres -s /bin/sh -c "'$BIN' wal-fetch --config '$C/fetch.yaml' --identity '$C/keys/ops.sec.asc' '$SEG' '$C/pgz'" >"$W/z.out" 2>&1
RC=$?
check "pitr wal: wal-fetch as the postgres user needs no state folder it can write (no catalog opened)" \
    bash -c "[ $RC -eq 0 ] && cmp -s '$C/pgz' '$W/y' && [ -z \"\$(ls -A '$W/rootonly')\" ]" || cat "$W/z.out"
su postgres -s /bin/sh -c "'$BIN' wal-fetch --config '$W/rootonly/lifeboat.yaml' --identity '$C/keys/ops.sec.asc' '$SEG' '$C/pgz2'" >"$W/z2.out" 2>&1
RC=$?
check "pitr wal: wal-fetch with a config it cannot read exits 126 (recovery stops, not ends), one line, nothing written" \
    bash -c "[ $RC -eq 126 ] && [ ! -e '$C/pgz2' ] && [ \$(wc -l <'$W/z2.out') -eq 1 ] && grep -q 'recovery stops here' '$W/z2.out'" || cat "$W/z2.out"
# prune: WAL from before the oldest base backup's start is removed at every destination, the rest kept.
START_SEG=$(python3 -c 'import json,sys; w=json.load(open(sys.argv[1]))["wal"]; h,l=w["start_lsn"].split("/"); n=(int(h,16)<<32|int(l,16))>>24; print("%08X%08X%08X" % (w["timeline"], n // 256, n % 256))' "$C/nas/e2e/cluster/$BID/manifest.json")
BEFORE=$(cd "$C/nas/e2e/cluster/wal/00000001" && ls | grep -E '^[0-9A-F]{24}$' | awk -v s="$START_SEG" '$1 < s' | wc -l)
AFTER_KEPT=$(cd "$C/nas/e2e/cluster/wal/00000001" && ls | grep -E '^[0-9A-F]{24}$' | awk -v s="$START_SEG" '$1 >= s' | wc -l)
"$BIN" prune --config "$C/lifeboat.yaml" cluster >"$W/prune.out" 2>&1
check "pitr wal: prune removes the $BEFORE segments before the base backup's start ($START_SEG) at both destinations, keeps the $AFTER_KEPT after" \
    bash -c "[ $BEFORE -gt 0 ] && for d in nas far; do [ \$(cd '$C/'\$d/e2e/cluster/wal/00000001 && ls | grep -E '^[0-9A-F]{24}\$' | awk -v s=$START_SEG '\$1 < s' | wc -l) -eq 0 ] && [ \$(cd '$C/'\$d/e2e/cluster/wal/00000001 && ls | grep -E '^[0-9A-F]{24}\$' | awk -v s=$START_SEG '\$1 >= s' | wc -l) -eq $AFTER_KEPT ] || exit 1; done" \
    || cat "$W/prune.out"
# check: the newest WAL at every destination is the RPO age; a deleted segment is a gap, CRITICAL, named.
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr wal: check is OK and names the newest WAL at every destination ($(head -c 160 "$W/c.out"))" \
    bash -c "[ $RC -eq 0 ] && grep -q 'newest WAL at every destination' '$W/c.out'"
GAP=$(cd "$C/nas/e2e/cluster/wal/00000001" && ls | grep -E '^[0-9A-F]{24}$' | sort | tail -2 | head -1)
rm -f "$C/nas/e2e/cluster/wal/00000001/$GAP" "$C/nas/e2e/cluster/wal/00000001/$GAP.sig"
"$BIN" check --config "$C/lifeboat.yaml" cluster >"$W/c.out" 2>&1
RC=$?
check "pitr wal: a segment deleted at a destination makes check CRITICAL (exit 2) naming it ($GAP)" \
    bash -c "[ $RC -eq 2 ] && grep -q 'segment $GAP is missing' '$W/c.out'" || cat "$W/c.out"
pg_teardown "$W" restored latest primary
