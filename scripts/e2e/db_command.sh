# kind command: the program's stdout is the dump; a failing program fails the backup cleanly.
C=$WORK/cmd
db_setup "$C"
cat >"$C/dump.sh" <<'SH'
#!/bin/sh
i=0; while [ $i -lt 20000 ]; do echo "row $i of the inventory"; i=$((i+1)); done
SH
chmod +x "$C/dump.sh"
db_policy "$C" inventory command "command: [\"$C/dump.sh\"]"
CID=$(db_backup "$C" inventory)
check "command: backup completes" test -n "$CID"
check "command: manifest says payload raw, kind command" \
    test "$(db_manifest_field "$C" inventory "$CID" payload)/$(db_manifest_field "$C" inventory "$CID" kind)" = raw/command
"$BIN" restore --config "$C/lifeboat.yaml" inventory --to "$C/restored.txt" --identity "$C/keys/ops.sec.asc" >/dev/null 2>&1
check "command: restore gives back the command's stdout" cmp -s "$C/restored.txt" <("$C/dump.sh")

cat >"$C/broken.sh" <<'SH'
#!/bin/sh
echo "partial output"
echo "export-inventory: connection refused by inventory service" >&2
exit 7
SH
chmod +x "$C/broken.sh"
db_policy "$C" broken command "command: [\"$C/broken.sh\"]"
BID=$(db_backup "$C" broken)
check "command: a failing command fails the backup (exit 1, status failed)" \
    bash -c "[ -z '$BID' ] && grep -q 'broken failed' '$C/backup.out' || grep -q failed '$C/backup.out'"
check "command: the failure line carries the tool's own stderr" grep -q "connection refused by inventory service" "$C/backup.out"
check "command: nothing of the failed backup at the destination" test ! -d "$C/nas/e2e/broken"
check "command: catalog shows the failed backup as failed, none complete" python3 - \
    "$("$BIN" list --config "$C/lifeboat.yaml" broken --json --all 2>/dev/null || "$BIN" list --config "$C/lifeboat.yaml" broken --json)" <<'PY'
import json, sys
items = json.loads(sys.argv[1])
assert all(x["status"] != "complete" for x in items), items
PY
db_policy "$C" killed command 'command: ["sh", "-c", "echo start; kill -TERM $$"]'
KID=$(db_backup "$C" killed)
check "command: a command killed by a signal fails the backup" bash -c "[ -z '$KID' ] && grep -q 'signal 15' '$C/backup.out'"
