# Hooks around a backup: argv lists without a shell, in order, with the policy, id, status and error in
# their environment and no secret; a failing `before` hook takes nothing; a hook past its timeout is
# killed; `on_failure` runs when the backup failed.
K=$WORK/hooks
make_setup "$K"
LOG=$K/hooks.log
cat >>"$K/policies/tree.yaml" <<YAML
hooks:
  before:
    - [sh, -c, 'echo "before1 \$LIFEBOAT_POLICY \$LIFEBOAT_STATUS" >>$LOG']
    - [sh, -c, 'echo "before2 secret=\${AWS_SECRET_ACCESS_KEY:-none}" >>$LOG; echo said-on-stdout']
  after:
    - [sh, -c, 'echo "after \$LIFEBOAT_POLICY \$LIFEBOAT_BACKUP_ID \$LIFEBOAT_STATUS" >>$LOG']
  on_failure:
    - [sh, -c, 'echo "failure \$LIFEBOAT_STATUS \$LIFEBOAT_ERROR" >>$LOG']
  timeout: 2s
YAML
AWS_SECRET_ACCESS_KEY=topsecret "$BIN" backup -v --config "$K/lifeboat.yaml" >"$K/out" 2>"$K/err"; code=$?
ID=$("$BIN" list --config "$K/lifeboat.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
check "hooks: before hooks in order, then after, with policy, id and status; no on_failure (exit 0)" bash -c "
    [ $code -eq 0 ] && [ \"\$(cat '$LOG')\" = \"\$(printf 'before1 tree starting\nbefore2 secret=none\nafter tree $ID complete\n')\" ]"
check "hooks: a hook's output is logged" grep -q 'before hook: said-on-stdout' "$K/err"
: >"$LOG"
sed -i "s#    - \[sh, -c, 'echo \"before2#    - [sh, -c, 'exit 3']\n    - [sh, -c, 'echo \"before2#" "$K/policies/tree.yaml"
"$BIN" backup --config "$K/lifeboat.yaml" >"$K/out" 2>&1; code=$?
check "hooks: a failing before hook fails the backup before anything is taken, and stops the rest" bash -c "
    [ $code -eq 1 ] && grep -q '^tree - failed: before hook sh -c exit 3 exited with status 3' '$K/out' &&
    [ \$('$BIN' list --config '$K/lifeboat.yaml' --json --all | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 1 ] &&
    ! grep -q before2 '$LOG'"
check "hooks: on_failure ran with the status and the error line" grep -q '^failure failed before hook sh -c exit 3' "$LOG"
: >"$LOG"
sed -i "s#    - \[sh, -c, 'exit 3'\]#    - [sleep, '30']#" "$K/policies/tree.yaml"
start=$(date +%s)
"$BIN" backup --config "$K/lifeboat.yaml" >"$K/out" 2>&1; code=$?
took=$(( $(date +%s) - start ))
check "hooks: a hook past its timeout (2s) is killed and fails the backup ($took s)" bash -c "
    [ $code -eq 1 ] && [ $took -lt 15 ] && grep -q 'before hook sleep 30 did not finish within 2s and was killed' '$K/out' && ! pgrep -x -f 'sleep 30' >/dev/null"
sed -i 's#^    - \[sleep, .30.\]#    - "echo not an argv list"#' "$K/policies/tree.yaml"
"$BIN" backup --config "$K/lifeboat.yaml" >/dev/null 2>"$K/err"; code=$?
check "hooks: a hook written as one string is refused (65) with what to write instead" bash -c "
    [ $code -eq 65 ] && grep -q \"tree.yaml:[0-9]*: hooks.before: each hook is an argv list\" '$K/err'"
