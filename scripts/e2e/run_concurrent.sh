# lifeboat run: two runs started together back each due policy up once; a run with nothing due is
# quiet and quick; the heartbeat is pinged (and /fail after a failed run); the metrics textfile parses.
R=$WORK/run
make_setup "$R"
sed -e 's/^name: tree$/name: tree-low/' -e 's/priority: high/priority: low/' "$R/policies/tree.yaml" >"$R/policies/tree-low.yaml"
HB_LOG=$R/heartbeats.log
: >"$HB_LOG"
python3 - "$HB_LOG" >"$R/hb.port" 2>/dev/null <<'PY' &
import http.server, sys
log = sys.argv[1]
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with open(log, "a") as f:
            f.write(self.path + "\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    do_POST = do_GET
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
HB_PID=$!
for _ in $(seq 50); do [ -s "$R/hb.port" ] && break; sleep 0.1; done
cat >>"$R/lifeboat.yaml" <<YAML
metrics_textfile: state/lifeboat.prom
heartbeat_url: http://127.0.0.1:$(cat "$R/hb.port")/ping/abc
YAML

"$BIN" run --config "$R/lifeboat.yaml" >"$R/run1.out" 2>&1 &
p1=$!
"$BIN" run --config "$R/lifeboat.yaml" >"$R/run2.out" 2>&1 &
p2=$!
wait $p1; c1=$?
wait $p2; c2=$?
check "two runs started together both exit 0" test "$c1" -eq 0 -a "$c2" -eq 0
[ "$c1" -eq 0 ] && [ "$c2" -eq 0 ] || sed 's/^/    /' "$R/run1.out" "$R/run2.out"
counts=$("$BIN" list --config "$R/lifeboat.yaml" --json | python3 -c '
import json, sys, collections
c = collections.Counter(b["policy"] for b in json.load(sys.stdin))
print(c["tree"], c["tree-low"])')
check "two runs together back each policy up exactly once (got: $counts)" test "$counts" = "1 1"
check "the runs printed one complete line per policy between them" \
    test "$(cat "$R/run1.out" "$R/run2.out" | grep -c ' complete$')" -eq 2

start=$(date +%s%N)
out=$("$BIN" run --config "$R/lifeboat.yaml" 2>&1)
code=$?
ms=$(( ($(date +%s%N) - start) / 1000000 ))
check "a run with nothing due exits 0 and prints nothing (${ms} ms)" test "$code" -eq 0 -a -z "$out"
check "nothing due: no new backup" test "$("$BIN" list --config "$R/lifeboat.yaml" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 2

check "the metrics textfile parses as Prometheus text format" python3 - "$R/state/lifeboat.prom" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
fams = {f.name: f for f in text_string_to_metric_families(open(sys.argv[1]).read())}
for name in ["lifeboat_last_success_timestamp_seconds", "lifeboat_backup_age_seconds", "lifeboat_rpo_seconds",
             "lifeboat_destination_up", "lifeboat_destination_breaker_state", "lifeboat_spool_bytes", "lifeboat_runs"]:
    assert name in fams, name
assert {s.labels["policy"] for s in fams["lifeboat_backup_age_seconds"].samples} == {"tree", "tree-low"}
runs = {s.labels["outcome"]: s.value for s in fams["lifeboat_runs"].samples if s.name == "lifeboat_runs_total"}
assert runs.get("ok", 0) >= 1 and runs.get("idle", 0) >= 1, runs
assert all(s.value == 1 for s in fams["lifeboat_destination_up"].samples)
PY
(umask 077 && "$BIN" check --config "$R/lifeboat.yaml" >/dev/null)
check "the metrics textfile is 0644 even under umask 077 (node_exporter reads it)" \
    test "$(stat -c %a "$R/state/lifeboat.prom")" = 644

# A policy whose key is missing fails its backup: the run exits 1 and pings /fail.
sed -e 's/^name: tree$/name: broken/' -e 's#keys/ops.pub.asc#keys/missing.pub.asc#' "$R/policies/tree.yaml" >"$R/policies/broken.yaml"
"$BIN" run --config "$R/lifeboat.yaml" >/dev/null 2>&1
check "a run with a failed backup exits 1" test $? -eq 1
check "the heartbeat got /ping/abc/start as each run began, /ping/abc after each good run and /ping/abc/fail after the failed one" \
    test "$(grep -c '^/ping/abc/start$' "$HB_LOG")" -eq 4 -a "$(grep -c '^/ping/abc$' "$HB_LOG")" -eq 3 -a "$(tail -n 1 "$HB_LOG")" = "/ping/abc/fail"
kill "$HB_PID" 2>/dev/null
# With the listener gone the heartbeat fails quietly; the run's exit code does not change.
rm -f "$R/policies/broken.yaml"
"$BIN" run --config "$R/lifeboat.yaml" >/dev/null 2>&1
check "an unreachable heartbeat does not fail the run" test $? -eq 0

T=$R/units
bash scripts/install-systemd.sh --root "$T" --bin "$BIN" --state-dir /tmp --write-path /tmp >/dev/null
if command -v systemd-analyze >/dev/null 2>&1; then
    check "systemd units pass systemd-analyze verify" \
        systemd-analyze verify "$T/etc/systemd/system/lifeboat.service" "$T/etc/systemd/system/lifeboat.timer"
fi
check "the timer is persistent and randomized; the service is hardened" bash -c "
    grep -qx 'Persistent=true' '$T/etc/systemd/system/lifeboat.timer' &&
    grep -qx 'RandomizedDelaySec=300' '$T/etc/systemd/system/lifeboat.timer' &&
    grep -qx 'ProtectSystem=strict' '$T/etc/systemd/system/lifeboat.service' &&
    grep -qx 'ReadWritePaths=/tmp' '$T/etc/systemd/system/lifeboat.service' &&
    grep -qx 'PrivateTmp=true' '$T/etc/systemd/system/lifeboat.service' &&
    grep -qx 'NoNewPrivileges=true' '$T/etc/systemd/system/lifeboat.service'"
bash scripts/install-systemd.sh --root "$T" --uninstall >/dev/null
check "the systemd installer removes its units" test ! -e "$T/etc/systemd/system/lifeboat.timer"
bash scripts/install-cron.sh --root "$T" --bin "$BIN" >/dev/null
check "the cron installer writes a line running lifeboat run every 15 minutes" \
    grep -q "^\*/15 \* \* \* \* root $BIN run --random-delay 5m " "$T/etc/cron.d/lifeboat"
