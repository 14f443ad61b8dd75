# Faults a real server cannot make on demand, from the fault proxy in front of moto_server: retries and
# their spacing (measured), stalls caught by the idle timeout, a read cut mid-body resumed with a Range,
# then S3 down: backups finish degraded, the breaker opens and skips S3, and after the cool-down one probe
# lets `lifeboat run` ship everything: all complete, nothing lost.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 faults: moto_server did not start"
else
F=$WORK/s3faults
FP=$(s3_proxy faults)
s3_setup "$F" "http://127.0.0.1:$FP" lifeboat-faults "concurrency: 1
timeout: 2s
connect_timeout: 1s
retry: { base: 200ms, cap: 1s, attempts: 4, max_elapsed: 20s }
breaker: { failures: 2, cool_down: 4s }"
cfg=$F/lifeboat.yaml

# 1. Three 503 SlowDown answers to PUT: retried, spaced by full-jitter backoff (ceilings 0.2, 0.4, 0.8 s).
s3_fault faults 503 3 PUT
n0=$(s3_proxy_count faults)
out=$("$BIN" backup --config "$cfg" tree 2>"$F/err1")
check "s3 faults: three 503 SlowDown on PUT are retried and the backup completes" test "$(echo "$out" | awk '{print $3}')" = complete
gaps=$(s3_proxy_log faults | tail -n +$((n0 + 1)) | grep ' PUT ' | head -4 | python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
print(" ".join(r[4] for r in rows), "|", " ".join("%.3f" % (float(b[0]) - float(a[0])) for a, b in zip(rows, rows[1:])))')
echo "#   first PUT attempts: $gaps (seconds between tries)"
check "s3 faults: the same PUT was tried 4 times: 503, 503, 503, pass" test "${gaps%% |*}" = "503 503 503 pass"
check "s3 faults: each wait is within its jitter ceiling (0.2, 0.4, 0.8 s, plus 0.3 s of overhead)" python3 -c '
import sys
gaps = [float(x) for x in sys.argv[1].split("|")[1].split()]
assert len(gaps) == 3 and all(g <= c + 0.3 for g, c in zip(gaps, [0.2, 0.4, 0.8])), gaps' "$gaps"
check "s3 faults: each retry is logged with its wait" test "$(grep -c 'try [234] in' "$F/err1")" -eq 3

# 2. Connections reset before an answer: retried.
s3_fault faults reset 2 PUT
out=$("$BIN" backup --config "$cfg" tree 2>/dev/null)
check "s3 faults: two connection resets are retried and the backup completes" test "$(echo "$out" | awk '{print $3}')" = complete

# 3. A server that stalls: the idle timeout (2 s) gives up on it and the retry goes through.
s3_fault faults stall 1 PUT
n0=$(s3_proxy_count faults)
out=$("$BIN" backup --config "$cfg" tree 2>/dev/null)
stall_gap=$(s3_proxy_log faults | tail -n +$((n0 + 1)) | grep ' PUT ' | head -2 | python3 -c '
import sys
rows = [l.split() for l in sys.stdin]
print("%.2f" % (float(rows[1][0]) - float(rows[0][0])))')
echo "#   stalled PUT abandoned and retried after ${stall_gap}s"
check "s3 faults: a stalled request is abandoned after the idle timeout and retried: complete" \
    python3 -c 'import sys; assert sys.argv[1] == "complete" and 1.8 <= float(sys.argv[2]) <= 4.5' \
    "$(echo "$out" | awk '{print $3}')" "$stall_gap"
STALLED_ID=$(echo "$out" | awk '{print $2}')

# 4. A read cut half way through: the restore resumes it with a Range and gets every byte.
rm -rf "$(backup_dir "$F" "$STALLED_ID")"
s3_fault faults cut 1 GET
n0=$(s3_proxy_count faults)
"$BIN" restore --config "$cfg" tree --to "$F/restored" --identity "$F/keys/ops.sec.asc" --backup "$STALLED_ID" >/dev/null 2>&1
code=$?
check "s3 faults: a GET cut mid-body is resumed with a Range request and the restore is identical" \
    test "$code" -eq 0 -a "$(s3_proxy_log faults | tail -n +$((n0 + 1)) | grep -c 'GET .* range=bytes=[1-9][0-9]*- pass')" -ge 1
check "s3 faults: ... restored tree equal" python3 "$ROOT/scripts/lib/tree_diff.py" "$F/tree" "$F/restored${F}/tree"

# 5. S3 down (every connection reset): the local copy still lands, the backup is degraded, the spool keeps it.
s3_fault faults reset -1
outA=$("$BIN" backup --config "$cfg" tree 2>/dev/null); codeA=$?
A_ID=$(echo "$outA" | tail -1 | awk '{print $2}')   # backup first retries what is pending: the new one is last
check "s3 faults: S3 down: backup exits 1 and is degraded (nas shipped, offsite failed)" \
    test "$codeA" -eq 1 -a "$(s3_status "$F" "$A_ID")" = "degraded nas=shipped offsite=failed"
check "s3 faults: ... its chunks stay in the spool" test -n "$(ls "$F/state/spool/tree/$A_ID" 2>/dev/null)"
outB=$("$BIN" backup --config "$cfg" tree 2>/dev/null)
B_ID=$(echo "$outB" | tail -1 | awk '{print $2}')
n0=$(s3_proxy_count faults)
outC=$("$BIN" backup --config "$cfg" tree 2>/dev/null); codeC=$?
C_ID=$(echo "$outC" | tail -1 | awk '{print $2}')
echo "$outC" | tail -1 | cut -c1-160 | sed 's/^/#   S3 down, breaker open: /'
check "s3 faults: after 2 failed shipments the breaker is open: the next backup skips S3 without a request" \
    test "$codeC" -eq 1 -a "$(s3_proxy_count faults)" -eq "$n0" -a "$(echo "$outC" | tail -1 | grep -c 'circuit breaker open until')" -eq 1
check "s3 faults: the breaker's state is in the catalog" \
    test "$(sqlite3 "$F/state/catalog.sqlite" "select phase from breaker where destination like 's3:%'")" = open

# S3 back: within the cool-down nothing is tried; after it, one probe and `lifeboat run` ships all three.
s3_fault faults pass 0
sleep 4.2
n0=$(s3_proxy_count faults)
"$BIN" run --config "$cfg" >"$F/run.out" 2>"$F/run.err"
code=$?
first=$(s3_proxy_log faults | tail -n +$((n0 + 1)) | head -1 | awk '{print $2}')
check "s3 faults: after the cool-down the first request is the single probe (HEAD), then run exits 0" \
    test "$code" -eq 0 -a "$first" = HEAD
check "s3 faults: all three backups are complete at both destinations" test \
    "$(s3_status "$F" "$A_ID")|$(s3_status "$F" "$B_ID")|$(s3_status "$F" "$C_ID")" = \
    "complete nas=shipped offsite=shipped|complete nas=shipped offsite=shipped|complete nas=shipped offsite=shipped"
check "s3 faults: the spool is empty" test -z "$(find "$F/state/spool" -type f -not -path '*/.locks/*')"
"$BIN" verify --config "$cfg" tree --backup "$A_ID" >/dev/null 2>&1
check "s3 faults: nothing lost: verify of the first degraded backup passes at both destinations" test $? -eq 0
fi
