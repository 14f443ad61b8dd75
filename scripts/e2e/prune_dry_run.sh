# lifeboat prune: a dry run changes nothing; undelete refuses ids it does not know.
P=$WORK/prune
make_setup "$P"
"$BIN" backup --config "$P/lifeboat.yaml" >/dev/null 2>&1
"$BIN" backup --config "$P/lifeboat.yaml" >/dev/null 2>&1
sed -i 's/^chunk_size: 1MiB$/chunk_size: 1MiB\nretention: { keep_last: 1, keep_daily: 1, keep_weekly: 1, keep_monthly: 1 }/' "$P/policies/tree.yaml"
out=$("$BIN" prune --config "$P/lifeboat.yaml" --dry-run); code=$?
check "prune --dry-run exits 0 and names what it would delete" test "$code" -eq 0 -a "$(echo "$out" | grep -c 'would delete')" -eq 1
check "prune --dry-run changes nothing" test "$("$BIN" list --config "$P/lifeboat.yaml" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 2
out=$("$BIN" prune --config "$P/lifeboat.yaml"); code=$?
check "prune deletes the older backup lazily (hidden from list, shown by list --all)" bash -c "
    [ $code -eq 0 ] &&
    [ \$('$BIN' list --config '$P/lifeboat.yaml' --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))') -eq 1 ] &&
    '$BIN' list --config '$P/lifeboat.yaml' --json --all | python3 -c '
import json, sys
assert sorted(b[\"status\"] for b in json.load(sys.stdin)) == [\"complete\", \"deleted\"]'"
DEL=$("$BIN" list --config "$P/lifeboat.yaml" --json --all | python3 -c 'import json,sys; print([b["id"] for b in json.load(sys.stdin) if b["status"]=="deleted"][0])')
out=$("$BIN" undelete --config "$P/lifeboat.yaml" "$DEL"); code=$?
check "undelete brings it back to live" test "$code" -eq 0 -a "$("$BIN" list --config "$P/lifeboat.yaml" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')" -eq 2
"$BIN" undelete --config "$P/lifeboat.yaml" 20200101T000000Z-aaaaaa >/dev/null 2>&1
check "undelete of an unknown id exits 1" test $? -eq 1
check "list shows the pin undelete set (table and JSON)" bash -c "
    '$BIN' list --config '$P/lifeboat.yaml' | grep '^$DEL ' | grep -q 'complete pinned' &&
    '$BIN' list --config '$P/lifeboat.yaml' --json | python3 -c 'import json,sys; assert [b[\"pinned\"] for b in json.load(sys.stdin) if b[\"id\"] == \"$DEL\"] == [True]'"
check "list takes an id prefix in place of a policy" bash -c "
    [ \$('$BIN' list --config '$P/lifeboat.yaml' '${DEL:0:15}' | grep -c '^$DEL ') -eq 1 ] &&
    [ \$('$BIN' list --config '$P/lifeboat.yaml' 1999 | wc -l) -eq 1 ]"
out=$("$BIN" undelete --config "$P/lifeboat.yaml" --unpin "$DEL"); code=$?
check "undelete --unpin removes the pin, and the next prune deletes the backup again" bash -c "
    [ $code -eq 0 ] && grep -q 'unpinned' <<<'$out' && '$BIN' prune --config '$P/lifeboat.yaml' | grep -q 'delete.*$DEL'"
