# Heartbeats, healthchecks-style, against a local HTTP server that records what it gets: the host's
# heartbeat_url hears /start when run or backup begins and the outcome at the end; a policy's own
# heartbeat_url hears /start, then success, or a POST to /fail whose body carries the failure and the
# last log lines; a policy heartbeat_url that is not an http(s) URL is exit 65 with file and line.
H=$WORK/heartbeat
db_setup "$H"
python3 "$ROOT/scripts/lib/http_recorder.py" "$H/port" "$H/pings.jsonl" &
HBPID=$!
for _ in $(seq 1 50); do [ -s "$H/port" ] && break; sleep 0.1; done
HP=$(cat "$H/port")
echo "heartbeat_url: http://127.0.0.1:$HP/ping/host" >>"$H/lifeboat.yaml"
db_policy "$H" good command 'command: ["/bin/echo", "inventory"]'
echo "heartbeat_url: http://127.0.0.1:$HP/ping/good" >>"$H/policies/good.yaml"
# pings_are FILE EXPECTED...: the recorded requests, as "METHOD PATH", are exactly EXPECTED, in order.
pings() { python3 -c 'import json, sys
for l in open(sys.argv[1]): r = json.loads(l); print(r["method"], r["path"])' "$H/pings.jsonl"; }

"$BIN" run --config "$H/lifeboat.yaml" >/dev/null 2>&1; code=$?
check "heartbeat: run pings the host's /start, the policy's /start and success, then the host's success (exit $code)" bash -c "
    [ $code -eq 0 ] && [ \"\$(cat <<<'$(pings)')\" = \"\$(printf 'GET /ping/host/start\nGET /ping/good/start\nGET /ping/good\nGET /ping/host')\" ]"

: >"$H/pings.jsonl"
cat >"$H/broken.sh" <<'SH'
#!/bin/sh
echo "export-inventory: connection refused by inventory service" >&2
exit 7
SH
chmod +x "$H/broken.sh"
db_policy "$H" bad command "command: [\"$H/broken.sh\"]"
echo "heartbeat_url: http://127.0.0.1:$HP/ping/bad/" >>"$H/policies/bad.yaml"
"$BIN" backup --config "$H/lifeboat.yaml" >/dev/null 2>&1; code=$?
pings | sed 's/^/  ping: /'
check "heartbeat: backup pings /start first; the failed policy POSTs /fail, the good one succeeds, the host fails (exit $code)" bash -c "
    [ $code -eq 1 ] && [ \"\$(cat <<<'$(pings)')\" = \"\$(printf 'GET /ping/host/start\nGET /ping/bad/start\nPOST /ping/bad/fail\nGET /ping/good/start\nGET /ping/good\nPOST /ping/host/fail')\" ]"
check "heartbeat: the /fail body names the failure and carries the last log lines" python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
bad = [r for r in rows if r["path"] == "/ping/bad/fail"][0]["body"]
host = [r for r in rows if r["path"] == "/ping/host/fail"][0]["body"]
assert bad.startswith("bad - failed: ") and "connection refused by inventory service" in bad, bad
assert "last log lines:" in bad and " info " in bad, bad
assert "bad - failed" in host and "good" not in host.split("last log lines:")[0], host
' "$H/pings.jsonl"

kill "$HBPID" 2>/dev/null; wait "$HBPID" 2>/dev/null
"$BIN" run --config "$H/lifeboat.yaml" >/dev/null 2>"$H/err"; code=$?
check "heartbeat: a ping that cannot be delivered is logged, its secret path hidden" bash -c "
    grep -q 'heartbeat http://127.0.0.1:$HP/… not delivered' '$H/err'"

echo "heartbeat_url: ftp://example.invalid/x" >>"$H/policies/good.yaml"
sed -i "0,/^heartbeat_url: http.*ping\/good$/{/^heartbeat_url: http.*ping\/good$/d}" "$H/policies/good.yaml"
"$BIN" backup --config "$H/lifeboat.yaml" good >/dev/null 2>"$H/err"; code=$?
check "heartbeat: a policy heartbeat_url that is not http(s) is exit 65 with file and line (exit $code)" bash -c "
    [ $code -eq 65 ] && grep -Eq 'good.yaml:[0-9]+(:[0-9]+)?: heartbeat_url must be an http or https URL' '$H/err'"
