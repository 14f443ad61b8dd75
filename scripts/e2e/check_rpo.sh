# lifeboat check: Nagios exit codes and the contract's JSON for ok, warning, critical and unknown.
C=$WORK/check
make_setup "$C"
CAT=$C/state/catalog.sqlite
lbcheck() { "$BIN" check --config "$C/lifeboat.yaml" "$@"; }

out=$(lbcheck 2>&1); code=$?
check "check with no backup at all: CRITICAL, exit 2 (${out%% |*})" test "$code" -eq 2 -a "${out#LIFEBOAT CRITICAL - }" != "$out"
check "check --json with no backup: age_seconds and newest_backup null" bash -c "
    '$BIN' check --config '$C/lifeboat.yaml' --json | python3 -c '
import json, sys
[r] = json.load(sys.stdin)
assert r[\"policy\"] == \"tree\" and r[\"status\"] == \"critical\" and r[\"age_seconds\"] is None, r
assert r[\"newest_backup\"] is None and r[\"rpo_seconds\"] == 86400 and r[\"message\"], r'"

"$BIN" backup --config "$C/lifeboat.yaml" >/dev/null 2>&1
out=$(lbcheck); code=$?
ok_line() { [ "$code" -eq 0 ] && [[ $out == "LIFEBOAT OK - "*" | 'tree_age'="*";69120;86400;0" ]]; }
check "check after a backup: OK, exit 0, perfdata" ok_line
check "check --json ok: status, age and the backup id" bash -c "
    '$BIN' check --config '$C/lifeboat.yaml' --json tree | python3 -c '
import json, sys
[r] = json.load(sys.stdin)
assert r[\"status\"] == \"ok\" and 0 <= r[\"age_seconds\"] < 600 and len(r[\"newest_backup\"]) == 23, r'"

sqlite3 "$CAT" "UPDATE backup SET started = started - 20*3600"
lbcheck >/dev/null; check "newest complete backup past 80% of the rpo: WARNING, exit 1" test $? -eq 1
sqlite3 "$CAT" "UPDATE backup SET started = started - 10*3600"
lbcheck >/dev/null; check "newest complete backup older than the rpo: CRITICAL, exit 2" test $? -eq 2
check "check --json critical when old" bash -c "
    '$BIN' check --config '$C/lifeboat.yaml' --json | python3 -c '
import json, sys
[r] = json.load(sys.stdin)
assert r[\"status\"] == \"critical\" and r[\"age_seconds\"] > 86400, r'"

# A fresh complete backup, then a newer one that is degraded.
sqlite3 "$CAT" "UPDATE backup SET started = started + 30*3600"
OLD=$(sqlite3 "$CAT" "SELECT id FROM backup LIMIT 1")
NEWID="$(date -u +%Y%m%dT%H%M%SZ)-zzzzzz"
sqlite3 "$CAT" "INSERT INTO backup (id, policy, host, kind, payload, status, started, finished, chunk_count)
    SELECT '$NEWID', policy, host, kind, payload, 'degraded', started + 60, finished + 60, 0 FROM backup WHERE id = '$OLD';
    INSERT INTO copy (backup_id, destination, status, error, updated) VALUES ('$NEWID', 'nas', 'failed', 'down', 0);"
out=$(lbcheck); code=$?
check "newest backup degraded: WARNING, exit 1" test "$code" -eq 1 -a "${out#LIFEBOAT WARNING - }" != "$out"
check "check --json warning names the degraded backup" bash -c "
    '$BIN' check --config '$C/lifeboat.yaml' --json | python3 -c '
import json, sys
[r] = json.load(sys.stdin)
assert r[\"status\"] == \"warning\" and \"degraded\" in r[\"message\"] and r[\"newest_backup\"] == \"$OLD\", r'"

lbcheck nosuch >/dev/null 2>&1; check "an unknown policy name: UNKNOWN, exit 3" test $? -eq 3
printf 'host: x\nbogus_key: 1\n' >"$C/bad.yaml"
out=$("$BIN" check --config "$C/bad.yaml" 2>/dev/null); code=$?
check "a bad config: UNKNOWN, exit 3, one line" test "$code" -eq 3 -a "$(echo "$out" | wc -l)" -eq 1 -a "${out#LIFEBOAT UNKNOWN - }" != "$out"
out=$("$BIN" check --config "$C/bad.yaml" --json 2>/dev/null); code=$?
check "a bad config with --json: exit 3 and status unknown" bash -c "[ $code -eq 3 ] && echo '$out' | python3 -c '
import json, sys
assert json.load(sys.stdin)[0][\"status\"] == \"unknown\"'"
sed 's#catalog: state/catalog.sqlite#catalog: state/garbage.sqlite#' "$C/lifeboat.yaml" >"$C/garbage.yaml"
head -c 8192 /dev/urandom >"$C/state/garbage.sqlite"
lbcheck_g=$("$BIN" check --config "$C/garbage.yaml" 2>/dev/null); code=$?
check "an unreadable catalog: UNKNOWN, exit 3" test "$code" -eq 3 -a "${lbcheck_g#LIFEBOAT UNKNOWN - }" != "$lbcheck_g"
