# fleet on a policy that archives WAL: a real PostgreSQL with archive_command = lifeboat wal-push and a
# physical base backup; a recovery host reading the destination judges the policy by the newest archived
# WAL it verified there (its signature's time), not the base backup alone: OK while archiving, a
# forged signature not trusted (the next older file is), one segment deleted CRITICAL naming it, and
# archiving stopped CRITICAL once the newest archived WAL is older than the rpo (1m).
source "$ROOT/scripts/servers/postgres.sh"
source "$ROOT/scripts/e2e/pitr_aa_common.sh"
FA=$(mktemp -d /tmp/lbfa.XXXXXX)
chmod 755 "$FA"
FAP=$((20000 + RANDOM % 12000))
fa_teardown() { pg_stop "$FA/primary"; rm -rf "$FA"; }
db_chain_exit fa_teardown
C=$FA/lb
pitr_pg_policy "$C" "$FAP"
sed -i 's/rpo: 24h/rpo: 1m/' "$C/policies/cluster.yaml"
chown -R postgres "$C"
pitr_pg_archiving "$FA/primary" "$FAP" "$C/lifeboat.yaml"
psqlf() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$FAP" -U postgres -d postgres -tA "$@"; }
psqlf -c "CREATE TABLE ticks (id int PRIMARY KEY, at timestamptz NOT NULL DEFAULT clock_timestamp())"
BID=$(su postgres -s /bin/sh -c "'$BIN' backup --config '$C/lifeboat.yaml' cluster" 2>"$FA/backup.err" | awk '$NF == "complete" {print $2}')
check "fleet archive: a physical base backup completes" test -n "$BID" || cat "$FA/backup.err"
check "fleet archive: its signed latest.json records the base backup's WAL" \
    python3 -c 'import json, sys; w = json.load(open(sys.argv[1]))["wal"]; assert w["timeline"] == 1 and "/" in w["start_lsn"], w' \
    "$C/nas/e2e/cluster/latest.json"

pitr_recovery_host "$FA/rec" "$C/lifeboat.yaml" "{ name: nas, type: local, path: $C/nas }" \
    "metrics_textfile: state/fleet.prom"
fa_fleet() { "$BIN" fleet --config "$FA/rec/lifeboat.yaml" "$@"; }
# fa_json PYTHON: `fleet --json`, then the assertions on `x` (the one entry) and `a` (its archive).
fa_json() {
    { fa_fleet --json 2>/dev/null || true; } | python3 -c "
import json, sys
arr = json.load(sys.stdin)
assert len(arr) == 1, arr
x = arr[0]
a = x['archive']
$1" 2>&1
}

# Archiving for 50 s, past 80% of the rpo counted from the base backup: the archive keeps it in time.
for i in $(seq 1 50); do psqlf -c "INSERT INTO ticks (id) VALUES ($i)" >/dev/null; sleep 1; done
psqlf -c "SELECT pg_switch_wal()" >/dev/null
sleep 3
OUT=$(fa_json "
assert a['kind'] == 'wal' and a['newest'] and a['first_missing'] is None and a['destinations'] == ['nas'], a
assert x['backup_age_seconds'] >= 48, x
assert a['age_seconds'] <= 15 and x['age_seconds'] == a['age_seconds'], (x['age_seconds'], a)
assert not any('rpo' in r and ('out of' in r or 'past' in r) for r in x['reasons']), x['reasons']
assert x['status'] == 'warning' and [r for r in x['reasons'] if 'drill' in r][0].startswith('never drilled'), x
assert len(x['reasons']) == 2, x['reasons']
print(a['newest'])")
check "fleet archive: while archiving, the RPO age is the newest archived WAL's, in time ($OUT; the only warning: never drilled)" \
    bash -c "[[ '$OUT' =~ ^[0-9A-F]{24}\$ ]]"
TEXT=$(fa_fleet 2>&1)
check "fleet archive: the text line names the newest WAL and its age" \
    bash -c "echo '$TEXT' | grep -q '^WARNING e2e/cluster: age [0-9]*s/rpo 1m, wal [0-9A-F]\{24\} [0-9]*s old, never drilled'"
fa_fleet -v >/dev/null 2>"$FA/fleet-v.log"
check "fleet archive: the archive costs two listings and two reads (the newest file's .sig and message): 8 requests in all" \
    grep -q 'fleet: nas: 8 requests (4 listings, 4 reads, 0 size checks)' "$FA/fleet-v.log" || grep requests "$FA/fleet-v.log"
PROM=$FA/rec/state/fleet.prom
check "fleet archive: the metrics textfile has the archive's age, newest time and gap" \
    bash -c "grep -q '^lifeboat_fleet_archive_age_seconds{host=\"e2e\",policy=\"cluster\"} [0-9]' '$PROM' &&
             grep -q '^lifeboat_fleet_archive_newest_timestamp_seconds{host=\"e2e\",policy=\"cluster\"} 1[0-9]*$' '$PROM' &&
             grep -q '^lifeboat_fleet_archive_gap{host=\"e2e\",policy=\"cluster\"} 0$' '$PROM' &&
             grep -q '^lifeboat_fleet_backup_age_seconds{host=\"e2e\",policy=\"cluster\"} [0-9]' '$PROM'"

# Archiving stops: PostgreSQL's archive_command no longer reaches lifeboat.
sed -i "s|^archive_command = .*|archive_command = '/bin/true'|" "$FA/primary/postgresql.conf"
_pg "'$PGBIN/pg_ctl' -D '$FA/primary' -w reload" >/dev/null
sleep 1
WALD=$C/nas/e2e/cluster/wal/00000001
NEWEST=$(cd "$WALD" && ls | grep -E '^[0-9A-F]{24}$' | sort | tail -1)
OLDER=$(cd "$WALD" && ls | grep -E '^[0-9A-F]{24}$' | sort | tail -2 | head -1)
# A forged signature: a real one by the host's key, but over another segment's record.
cp "$WALD/$NEWEST.sig" "$FA/newest.sig"
cp "$WALD/$OLDER.sig" "$WALD/$NEWEST.sig"
OUT=$(fa_json "
assert a['newest'] == '$OLDER', a
assert any(n.startswith('nas: archived WAL $NEWEST not trusted: ') for n in a['notes']), a['notes']
assert any(r.startswith('nas: archived WAL $NEWEST not trusted: ') for r in x['reasons']), x['reasons']
print('ok')")
check "fleet archive: a forged .sig on the newest segment is not trusted, named, and the next older one dates the archive" \
    test "$OUT" = ok || echo "$OUT"
cp "$FA/newest.sig" "$WALD/$NEWEST.sig"

# A segment deleted at the destination: a gap since the base backup, CRITICAL, named.
GAP=$(cd "$WALD" && ls | grep -E '^[0-9A-F]{24}$' | sort | tail -3 | head -1)
mv "$WALD/$GAP" "$FA/gap" && mv "$WALD/$GAP.sig" "$FA/gap.sig"
TEXT=$(fa_fleet 2>&1); RC=$?
check "fleet archive: one segment deleted makes fleet CRITICAL (exit 2) naming it ($GAP)" \
    bash -c "[ $RC -eq 2 ] && echo '$TEXT' | grep -q 'WAL gap at nas: segment $GAP is missing since base backup $BID; point-in-time recovery cannot cross it'" \
    || echo "$TEXT"
OUT=$(fa_json "
assert x['status'] == 'critical' and a['first_missing'] == '$GAP' and a['first_missing_at'] == 'nas', a
print('ok')")
check "fleet archive --json: first_missing names it" test "$OUT" = ok || echo "$OUT"
mv "$FA/gap" "$WALD/$GAP" && mv "$FA/gap.sig" "$WALD/$GAP.sig"

# Time passes with archiving stopped: once the newest archived WAL is older than the rpo, CRITICAL.
STATUS=
for _ in $(seq 1 30); do
    STATUS=$(fa_json "print(x['status'])")
    [ "$STATUS" = critical ] && break
    sleep 3
done
OUT=$(fa_json "
assert x['status'] == 'critical' and a['age_seconds'] > 60 and a['first_missing'] is None, (x['status'], a)
assert any('newest WAL at every destination $NEWEST is' in r and r.endswith('(rpo 1m): out of its rpo') for r in x['reasons']), x['reasons']
print('ok')")
check "fleet archive: archiving stopped, the newest archived WAL ($NEWEST) grows older than the rpo: CRITICAL" \
    test "$OUT" = ok || echo "$OUT"
check "fleet archive: ... and the textfile says critical" \
    grep -q '^lifeboat_fleet_status{host="e2e",policy="cluster"} 2$' "$PROM"
fa_teardown
