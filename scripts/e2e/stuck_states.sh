# Ways out of a stuck backup: one left degraded by a destination that is gone for good is freed by
# removing that destination from the policy (run stops waiting for it, saying so) or by `forget`.
stuck_setup() {
    local d=$1
    make_setup "$d"
    : >"$d/blocked"    # a file where the second destination's folder should be: every write there fails
    cat >>"$d/policies/tree.yaml" <<YAML
  - { name: gone, type: local, path: ../blocked, retry: { attempts: 1 } }
YAML
    "$BIN" backup --config "$d/lifeboat.yaml" >/dev/null 2>&1
}
stuck_status() { "$BIN" list --config "$1/lifeboat.yaml" --json --all | python3 -c 'import json,sys; print(" ".join(b["status"] for b in json.load(sys.stdin)))'; }
stuck_id() { "$BIN" list --config "$1/lifeboat.yaml" --json --all | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }

S=$WORK/stuck-removed
stuck_setup "$S"
"$BIN" run --config "$S/lifeboat.yaml" >/dev/null 2>&1; code=$?
check "stuck: a destination that always fails leaves the backup degraded and run exits 1" \
    test "$(stuck_status "$S")" = degraded -a "$code" -eq 1
sed -i '/name: gone/d' "$S/policies/tree.yaml"
err=$("$BIN" run --config "$S/lifeboat.yaml" 2>&1 >/dev/null); code=$?
check "stuck: once the destination leaves the policy, run completes the backup, exits 0 and says why" \
    test "$code" -eq 0 -a "$(stuck_status "$S")" = complete
check "stuck: the message names the backup and the destination dropped" \
    bash -c "grep -q 'no longer waits for gone: not in the policy any more' <<<'$err'"
err=$("$BIN" run --config "$S/lifeboat.yaml" 2>&1 >/dev/null); code=$?
check "stuck: the next run is quiet" test "$code" -eq 0 -a -z "$err"
check "stuck: the spool of the completed backup is gone" test -z "$(ls -A "$S/state/spool/tree" 2>/dev/null)"

F=$WORK/stuck-forget
stuck_setup "$F"
ID=$(stuck_id "$F")
out=$("$BIN" forget --config "$F/lifeboat.yaml" "$ID" --dry-run); code=$?
check "forget --dry-run says what it would do and changes nothing" \
    bash -c "[ $code -eq 0 ] && grep -q 'would forget $ID of tree (degraded; not at gone' <<<'$out' && [ \"\$(ls '$F/state/spool/tree')\" = '$ID' ] && [ '$(stuck_status "$F")' = degraded ]"
out=$("$BIN" forget --config "$F/lifeboat.yaml" "$ID"); code=$?
check "forget marks the backup failed and removes its spool" \
    bash -c "[ $code -eq 0 ] && grep -q 'forgot $ID' <<<'$out' && [ '$(stuck_status "$F")' = failed ] && [ ! -e '$F/state/spool/tree/$ID' ]"
"$BIN" run --config "$F/lifeboat.yaml" >/dev/null 2>&1
check "forget: run no longer retries it and exits 0" test $? -eq 0
"$BIN" forget --config "$F/lifeboat.yaml" "$ID" >/dev/null 2>&1
check "forget of a backup already failed with no spool exits 64" test $? -eq 64
C=$WORK/stuck-complete
make_setup "$C"
"$BIN" backup --config "$C/lifeboat.yaml" >/dev/null 2>&1
err=$("$BIN" forget --config "$C/lifeboat.yaml" "$(stuck_id "$C")" 2>&1); code=$?
check "forget refuses a complete backup with exit 64 and says what to use" \
    bash -c "[ $code -eq 64 ] && grep -q 'is complete: there is nothing to stop shipping' <<<'$err'"
"$BIN" forget --config "$C/lifeboat.yaml" 20200101T000000Z-aaaaaa >/dev/null 2>&1
check "forget of an unknown id exits 64" test $? -eq 64
