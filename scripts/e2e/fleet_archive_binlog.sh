# fleet on a mariadb policy that archives binary logs: a real MariaDB with its binary log on, a dump and
# `run`s that archive the closed logs; a recovery host reading the destination judges the policy by the
# newest archived log whose signed manifest verifies (its `rotated`): a forged manifest signature is not
# trusted (the next older log is), and a log missing since the dump's is CRITICAL, named.
# Needs mariadb-server (scripts/prerequisites.sh mariadb-server).
if ! command -v mariadbd >/dev/null; then
    fail "fleet_archive_binlog: mariadb-server is not installed (scripts/prerequisites.sh mariadb-server)"
else
source "$ROOT/scripts/servers/mariadb.sh"
source "$ROOT/scripts/e2e/pitr_aa_common.sh"
FB=$WORK/fleetbinlog
db_setup "$FB"
pitr_mariadb_up lbfb
FBS=$PITR_MDB FBSOCK=$PITR_MDB_SOCK
fbq() { mariadb --no-defaults -S "$FBSOCK" -uroot -N -B "$@"; }
fbq -e "CREATE DATABASE shop; CREATE TABLE shop.orders(id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40)) ENGINE=InnoDB"
pitr_mariadb_policy "$FB" "$FBSOCK"
FBID=$(db_backup "$FB" shop)
check "fleet binlog: a dump completes" test -n "$FBID"
check "fleet binlog: its signed latest.json records the dump's binary log position" \
    python3 -c 'import json, sys; b = json.load(open(sys.argv[1]))["binlog"]; assert b["file"].startswith("lb.") and b["position"] > 0, b' \
    "$FB/nas/e2e/shop/latest.json"
for round in 1 2 3; do
    fbq shop -e "INSERT INTO orders(item) VALUES ('r$round')"
    sqlite3 "$FB/state/catalog.sqlite" "UPDATE binlog SET rotated = rotated - 600"
    "$BIN" run --config "$FB/lifeboat.yaml" >"$FB/run$round.out" 2>&1
done
BL=$FB/nas/e2e/shop/binlog
NLOGS=$(ls "$BL" | wc -l)
check "fleet binlog: the runs archived the closed logs ($NLOGS)" test "$NLOGS" -ge 3

pitr_recovery_host "$FB/rec" "$FB/lifeboat.yaml" "{ name: nas, type: local, path: $FB/nas }"
# fb_json PYTHON: `fleet --json`, then the assertions on `x` (the one entry) and `a` (its archive).
fb_json() {
    { "$BIN" fleet --config "$FB/rec/lifeboat.yaml" --json 2>/dev/null || true; } | python3 -c "
import json, sys
arr = json.load(sys.stdin)
assert len(arr) == 1, arr
x = arr[0]
a = x['archive']
$1" 2>&1
}
NEWEST=$(ls "$BL" | sort | tail -1)
OLDER=$(ls "$BL" | sort | tail -2 | head -1)
OUT=$(fb_json "
assert a['kind'] == 'binlog' and a['newest'] == '$NEWEST' and a['first_missing'] is None and a['notes'] == [], a
assert 0 <= a['age_seconds'] < 600 and x['age_seconds'] == min(a['age_seconds'], x['backup_age_seconds']), (x, a)
assert x['status'] == 'warning' and len(x['reasons']) == 2 and x['reasons'][1].startswith('never drilled'), x
print('ok')")
check "fleet binlog: the newest archived log ($NEWEST) verified by its signed manifest dates the archive; no gap" \
    test "$OUT" = ok || echo "$OUT"

cp "$BL/$NEWEST/manifest.json.sig" "$FB/newest.sig"
cp "$BL/$OLDER/manifest.json.sig" "$BL/$NEWEST/manifest.json.sig"
OUT=$(fb_json "
assert a['newest'] == '$OLDER', a
assert any(n.startswith('nas: archived binary log $NEWEST not trusted: ') for n in a['notes']), a['notes']
print('ok')")
check "fleet binlog: a forged manifest signature on the newest log is not trusted, named; the next older one counts" \
    test "$OUT" = ok || echo "$OUT"
cp "$FB/newest.sig" "$BL/$NEWEST/manifest.json.sig"

GONE=$(ls "$BL" | sort | sed -n 2p)
mv "$BL/$GONE" "$FB/gone"
TEXT=$("$BIN" fleet --config "$FB/rec/lifeboat.yaml" 2>&1); RC=$?
check "fleet binlog: a log missing since the dump's makes fleet CRITICAL (exit 2) naming it ($GONE)" \
    bash -c "[ $RC -eq 2 ] && echo '$TEXT' | grep -q 'binary log gap at nas: log $GONE is missing since dump $FBID; point-in-time recovery cannot cross it'" \
    || echo "$TEXT"
mv "$FB/gone" "$BL/$GONE"
pitr_mariadb_down "$FBS"
fi
