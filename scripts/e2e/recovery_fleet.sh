# lifeboat fleet on a recovery host: two backup hosts, each with its own signing key, back up to the same
# local folder and the same moto bucket; the recovery host trusts both keys and judges the fleet from the
# destinations alone: drills, a host gone silent, a planted and a forged latest.json, JSON, metrics.
# shellcheck source=/dev/null
source scripts/e2e/s3_aa_common.sh
if [ -z "$MOTO_PORT" ]; then
    fail "recovery fleet: moto_server did not start"
else
F=$WORK/fleet
mkdir -p "$F/nas" "$F/recovery/keys"
for h in web1 db1; do
    s3_setup "$F/$h" "$MOTO" lifeboat-fleet
    sed -i "s/^host: e2e/host: $h/" "$F/$h/lifeboat.yaml"
    sed -i "s#path: \.\./nas#path: $F/nas#" "$F/$h/policies/tree.yaml"
    "$BIN" backup --config "$F/$h/lifeboat.yaml" >"$F/$h/backup.out" 2>&1
    "$BIN" signing-key --config "$F/$h/lifeboat.yaml" | sed 1d >"$F/recovery/keys/$h.signing.pub.asc"
done
cp "$F/web1/keys/ops.sec.asc" "$F/recovery/keys/ops.sec.asc"
cat >"$F/recovery/lifeboat.yaml" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: nas, type: local, path: $F/nas }
  - { name: offsite, type: s3, endpoint: "$MOTO", bucket: lifeboat-fleet, region: us-east-1, prefix: "prod/", credentials: ../web1/s3.env }
identities:
  - { key: keys/ops.sec.asc }
trusted_signers: [keys/web1.signing.pub.asc, keys/db1.signing.pub.asc]
metrics_textfile: state/fleet.prom
YAML
RC=$F/recovery/lifeboat.yaml
fleet() { "$BIN" fleet --config "$RC" "$@"; }
# fleet_json PYTHON: runs `fleet --json` and the python assertions on `e` (entries keyed host/policy).
fleet_json() {
    { fleet --json 2>/dev/null || true; } | python3 -c "
import json, sys
a = json.load(sys.stdin)
e = {x['host'] + '/' + x['policy']: x for x in a}
$1"
}

check "recovery fleet: both hosts backed up to nas and offsite" \
    grep -q complete "$F/web1/backup.out" "$F/db1/backup.out"

out=$(fleet 2>&1); code=$?
check "recovery fleet: never drilled, both hosts listed: WARNING, exit 1 ($(echo "$out" | head -1))" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c '^WARNING \(web1\|db1\)/tree: .*never drilled.*at nas,offsite')" -eq 2
check "recovery fleet: at the bucket each latest.json carries its signature in its metadata" bash -c "
    awss3() { aws --endpoint-url '$MOTO' \"\$@\"; }
    awss3 s3api head-object --bucket lifeboat-fleet --key prod/web1/tree/latest.json --query Metadata --output json |
        python3 -c 'import json, sys; m = json.load(sys.stdin); assert len(m[\"lifeboat-signature\"]) > 80, m'"
fleet -v >/dev/null 2>"$F/fleet-v.log"
check "recovery fleet: one GET per policy at the bucket (its carried signature), two at the folder (index and .sig)" \
    bash -c "grep -q 'fleet: offsite: 5 requests (3 listings, 2 reads, 0 size checks)' '$F/fleet-v.log' &&
             grep -q 'fleet: nas: 7 requests (3 listings, 4 reads, 0 size checks)' '$F/fleet-v.log'"
# A carried signature that does not verify is not trusted on its own: the signature object decides.
awss3 s3 cp --quiet "s3://lifeboat-fleet/prod/web1/tree/latest.json" "$F/web1.carried.json"
awss3 s3 cp --quiet "$F/web1.carried.json" "s3://lifeboat-fleet/prod/web1/tree/latest.json" \
    --metadata "lifeboat-signature=$(head -c 119 /dev/urandom | base64 -w0)"
fleet -v >/dev/null 2>"$F/fleet-v.log"
check "recovery fleet: a carried signature that does not verify falls back to latest.json.sig (trusted, one GET more)" \
    bash -c "grep -q 'fleet: offsite: 6 requests (3 listings, 3 reads' '$F/fleet-v.log' && ! grep -q 'offsite: ' <(grep -v requests '$F/fleet-v.log')"
check "recovery fleet: the summary line names 2 hosts and 2 policies" \
    bash -c "echo '$(echo "$out" | head -1)' | grep -q '^LIFEBOAT WARNING - 2 hosts, 2 policies: 2 warning'"
check "recovery fleet --json: one object per host/policy with the documented fields" fleet_json "
assert sorted(e) == ['db1/tree', 'web1/tree'], sorted(e)
for x in a:
    for k in ['host', 'policy', 'kind', 'status', 'id', 'started', 'finished', 'age_seconds', 'rpo_seconds',
              'rto_seconds', 'drill_interval_seconds', 'priority', 'scenario', 'signer', 'destinations',
              'problems', 'drill', 'reasons']:
        assert k in x, k
    assert x['status'] == 'warning' and x['kind'] == 'files' and x['rpo_seconds'] == 86400, x
    assert x['rto_seconds'] == 3600 and x['priority'] == 'high' and x['destinations'] == ['nas', 'offsite'], x
    assert x['problems'] == [] and x['drill']['state'] == 'never' and x['drill']['result'] is None, x
    assert 0 <= x['age_seconds'] < 900 and x['drill_interval_seconds'] == 30 * 86400, x
"
PROM=$F/recovery/state/fleet.prom
check "recovery fleet: the textfile is mode 0644" test "$(stat -c %a "$PROM" 2>/dev/null)" = 644
for m in 'lifeboat_fleet_backup_age_seconds{host="web1",policy="tree"}' 'lifeboat_rpo_seconds{host="db1",policy="tree"} 86400' \
    'lifeboat_rto_seconds{host="web1",policy="tree"} 3600' 'lifeboat_fleet_status{host="db1",policy="tree"} 1'; do
    check "recovery fleet: the textfile has $m" grep -qF "$m" "$PROM"
done

# Drills recorded (as `drill` records them): both passed in time -> OK.
DB=$F/recovery/state/recovery.sqlite
now=$(date +%s)
for h in web1 db1; do
    sqlite3 "$DB" "INSERT INTO drill (host, policy, backup_id, started, finished, result, seconds, bytes, rto_seconds)
                   VALUES ('$h', 'tree', NULL, $now - 30, $now - 20, 'passed', 9.5, 1000, 3600)"
done
out=$(fleet 2>&1); code=$?
check "recovery fleet: both drilled within their rto: OK, exit 0 ($(echo "$out" | head -1))" \
    test "$code" -eq 0 -a "$(echo "$out" | grep -c '^OK ')" -eq 2
check "recovery fleet: the textfile has the drill metrics" bash -c "
    grep -q '^lifeboat_drill_passed{host=\"web1\",policy=\"tree\"} 1$' '$PROM' &&
    grep -q '^lifeboat_drill_seconds{host=\"db1\",policy=\"tree\"} 9.500$' '$PROM' &&
    grep -q '^lifeboat_drill_last_success_timestamp_seconds{host=\"db1\",policy=\"tree\"} ' '$PROM'"

# A slower drill than the rto, then a failed one: WARNING with the reason.
sqlite3 "$DB" "INSERT INTO drill (host, policy, started, finished, result, seconds, rto_seconds)
               VALUES ('web1', 'tree', $now - 10, $now - 5, 'passed', 7200, 3600)"
out=$(fleet 2>&1); code=$?
check "recovery fleet: a drill slower than the rto: WARNING, exit 1" \
    bash -c "[ $code -eq 1 ] && echo '$out' | grep -q '^WARNING web1/tree: .*over its rto 1h'"
sqlite3 "$DB" "INSERT INTO drill (host, policy, started, finished, result, seconds, error)
               VALUES ('web1', 'tree', $now - 4, $now - 3, 'failed', 3, 'chunk data.000001: sha256 mismatch')"
check "recovery fleet --json: a failed drill: warning, its error" fleet_json "
d = e['web1/tree']['drill']
assert e['web1/tree']['status'] == 'warning' and d['state'] == 'failed' and d['result'] == 'failed', d
assert d['error'] == 'chunk data.000001: sha256 mismatch' and d['rto_met'] is False, d
assert any('failed: chunk data.000001' in r for r in e['web1/tree']['reasons']), e['web1/tree']['reasons']
assert e['db1/tree']['status'] == 'ok' and e['db1/tree']['drill']['rto_met'] is True, e['db1/tree']
"
check "recovery fleet: last success kept after a failed drill" \
    grep -q '^lifeboat_drill_last_success_timestamp_seconds{host="web1",policy="tree"} ' "$PROM"
sqlite3 "$DB" "INSERT INTO drill (host, policy, started, finished, result, seconds, rto_seconds)
               VALUES ('web1', 'tree', $now - 2, $now - 1, 'passed', 2, 3600)"

# A planted latest.json without a signature, under a host nobody backs up.
mkdir -p "$F/nas/intruder/tree"
sed 's/"host" : "web1"/"host" : "intruder"/' "$F/nas/web1/tree/latest.json" >"$F/nas/intruder/tree/latest.json"
out=$(fleet 2>&1); code=$?
check "recovery fleet: a planted unsigned latest.json is refused: CRITICAL, exit 2" \
    bash -c "[ $code -eq 2 ] && echo '$out' | grep -q '^CRITICAL intruder/tree: .*no trusted latest.json.*nas: not signed (no latest.json.sig)'"
# ... and one signed by another host's key, claiming to be that host's.
"$BIN" pgp sign --key "$F/web1/state/signing-key.asc" "$F/nas/intruder/tree/latest.json" >"$F/nas/intruder/tree/latest.json.sig"
check "recovery fleet --json: a planted index signed with a trusted key but naming another signer is refused" fleet_json "
x = e['intruder/tree']
assert x['status'] == 'critical' and x['id'] is None and x['destinations'] == [], x
assert len(x['problems']) == 1 and x['problems'][0].startswith('nas: '), x['problems']
"
rm -rf "$F/nas/intruder"

# A forged field in web1's index at the bucket: refused there, nas still holds it -> WARNING.
awss3 s3 cp --quiet "s3://lifeboat-fleet/prod/web1/tree/latest.json" "$F/web1.latest.json"
sed -i 's/"priority" : "high"/"priority" : "low"/' "$F/web1.latest.json"
awss3 s3 cp --quiet "$F/web1.latest.json" "s3://lifeboat-fleet/prod/web1/tree/latest.json"
check "recovery fleet --json: a forged index at the bucket is refused there, nas still holds it" fleet_json "
x = e['web1/tree']
assert x['status'] == 'warning' and x['destinations'] == ['nas'] and x['priority'] == 'high', x
assert len(x['problems']) == 1 and x['problems'][0].startswith('offsite: latest.json.sig'), x['problems']
"

# db1 stops backing up: its index, back-dated three days and re-signed with its own key, everywhere.
python3 - "$F/nas/db1/tree/latest.json" <<'PY'
import datetime, json, sys
p = sys.argv[1]
x = json.load(open(p))
t = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(days=3)
x["started"] = t.strftime("%Y-%m-%dT%H:%M:%SZ")
x["finished"] = (t + datetime.timedelta(seconds=5)).strftime("%Y-%m-%dT%H:%M:%SZ")
json.dump(x, open(p, "w"), indent=2, sort_keys=True)
PY
"$BIN" pgp sign --key "$F/db1/state/signing-key.asc" "$F/nas/db1/tree/latest.json" >"$F/nas/db1/tree/latest.json.sig"
awss3 s3 cp --quiet "$F/nas/db1/tree/latest.json.sig" "s3://lifeboat-fleet/prod/db1/tree/latest.json.sig"
awss3 s3 cp --quiet "$F/nas/db1/tree/latest.json" "s3://lifeboat-fleet/prod/db1/tree/latest.json"
out=$(fleet 2>&1); code=$?
check "recovery fleet: a host whose backups stopped is CRITICAL and silent, exit 2 ($(echo "$out" | head -1))" \
    bash -c "[ $code -eq 2 ] && echo '$out' | grep -q '^CRITICAL db1/tree: .*host db1 is silent.*out of its rpo' &&
             echo '$out' | head -1 | grep -q '^LIFEBOAT CRITICAL - .*silent: db1'"
check "recovery fleet: the textfile says critical and the age" bash -c "
    grep -q '^lifeboat_fleet_status{host=\"db1\",policy=\"tree\"} 2$' '$PROM' &&
    awk '/^lifeboat_fleet_backup_age_seconds\{host=\"db1\"/ {exit !(\$2 > 3*86400 - 600)}' '$PROM'"

# A folder name no agent writes (a control character in it): skipped, reported escaped, never read.
bad=$(printf 'evil\033[2Jhost')
mkdir -p "$F/nas/$bad/tree"
echo '{}' >"$F/nas/$bad/tree/latest.json"
out=$(fleet 2>&1)
skipped_note() { echo "$out" | grep -qF 'NOTE nas: skipped folder "evil\u{1B}[2Jhost": not a valid host name' && ! echo "$out" | grep -q $'\033'; }
check "recovery fleet: a hostile folder name is skipped and reported escaped" skipped_note
rm -rf "${F:?}/nas/$bad"

# A backup host's config: one line saying where fleet runs, exit 64.
out=$("$BIN" fleet --config "$F/web1/lifeboat.yaml" 2>&1); code=$?
one_line_refusal() { [ "$code" -eq 64 ] && [[ $(echo "$out" | head -1) == *"fleet\` runs on the recovery host"* ]] && [[ $(echo "$out" | sed 1d) != *lifeboat* ]]; }
check "recovery fleet: a backup host's config is refused in one line (and its hint), exit 64" one_line_refusal
fi
