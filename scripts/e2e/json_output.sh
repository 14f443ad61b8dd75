# JSON from every command: each --json output parsed and its documented fields checked; a failure in
# JSON mode keeps its documented exit code and prints a JSON object with `error`; --log-format json
# writes one JSON object per log line.
J=$WORK/json
make_setup "$J"
JC=(--config "$J/lifeboat.yaml")
# jq_ok NAME FILE EXPR: FILE parses as JSON (as `d`) and the Python expression EXPR holds.
jq_ok() {
    check "json: $1" python3 -c 'import json, re, sys
d = json.load(open(sys.argv[1]))
assert eval("(" + sys.argv[2] + ")"), d' "$2" "$3"
}
KEYS_BACKUP="{'id','policy','host','kind','status','started','finished','bytes_in','bytes_out','chunks','destinations','skipped','pinned','lock_window_ms','message'}"

"$BIN" version --json >"$J/version.json"; code=$?
jq_ok "version: version and formats (exit $code)" "$J/version.json" \
    "$code == 0 and set(d) == {'version','manifest_format','latest_format'} and d['manifest_format'] == 1"

"$BIN" backup --json "${JC[@]}" >"$J/backup.json" 2>"$J/backup.err"; code=$?
jq_ok "backup: one object per backup with the list fields and message (exit $code)" "$J/backup.json" \
    "$code == 0 and len(d) == 1 and $KEYS_BACKUP <= set(d[0]) and d[0]['policy'] == 'tree' and d[0]['status'] == 'complete'
     and re.fullmatch(r'\d{8}T\d{6}Z-[a-z2-7]{6}', d[0]['id']) and d[0]['bytes_in'] > 2500000 and d[0]['chunks'] >= 3
     and d[0]['destinations'] == [{'name': 'nas', 'status': 'shipped', 'failure_domain': None}] and d[0]['message'] is None"
ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$J/backup.json" 2>/dev/null)

"$BIN" run --json "${JC[@]}" >"$J/run.json"; code=$?
jq_ok "run: one object; idle when nothing is due (exit $code)" "$J/run.json" \
    "$code == 0 and d == {'outcome': 'idle', 'failed': False, 'backups': [], 'prune': []}"

R=$WORK/json-run
make_setup "$R"
"$BIN" run --json --config "$R/lifeboat.yaml" >"$R/run.json" 2>/dev/null; code=$?
jq_ok "run: the due backup with the list fields, and prune per touched policy (exit $code)" "$R/run.json" \
    "$code == 0 and d['outcome'] == 'ok' and d['failed'] is False and len(d['backups']) == 1
     and $KEYS_BACKUP <= set(d['backups'][0]) and d['backups'][0]['status'] == 'complete'
     and [p['policy'] for p in d['prune']] == ['tree'] and d['prune'][0]['dry_run'] is False"

"$BIN" verify tree --json "${JC[@]}" >"$J/verify.json"; code=$?
jq_ok "verify: one object per destination (exit $code)" "$J/verify.json" \
    "$code == 0 and len(d) == 1 and d[0]['policy'] == 'tree' and d[0]['id'] == '$ID' and d[0]['destination'] == 'nas'
     and d[0]['ok'] is True and d[0]['chunks_checked'] >= 3 and d[0]['bytes_checked'] > 2500000 and d[0]['problems'] == []"

rm -f "$J/nas/e2e/tree/$ID/data.000001"
"$BIN" verify --json "${JC[@]}" >"$J/verify-bad.json"; code=$?
jq_ok "verify: a missing chunk is ok false with the problem named (exit $code)" "$J/verify-bad.json" \
    "$code == 1 and d[0]['ok'] is False and any('data.000001' in p for p in d[0]['problems'])"

"$BIN" prune --dry-run --json "${JC[@]}" >"$J/prune.json"; code=$?
# verify found a chunk missing, so the copy is lost and the policy out of its RPO: prune holds off, and says why.
jq_ok "prune: one object per policy; refused while the only copy is lost (exit $code)" "$J/prune.json" \
    "$code == 0 and len(d) == 1 and d[0]['policy'] == 'tree' and d[0]['dry_run'] is True and d[0]['busy'] is False
     and d[0]['actions'] == [] and d[0]['errors'] == [] and 'out of its rpo' in d[0]['refused']"

"$BIN" undelete "$ID" --json "${JC[@]}" >"$J/undelete.json"; code=$?
jq_ok "undelete: id, action, was, now, pinned (exit $code)" "$J/undelete.json" \
    "$code == 0 and d == {'id': '$ID', 'action': 'undelete', 'dry_run': False, 'was': 'live', 'now': 'live', 'pinned': True}"
"$BIN" undelete "$ID" --unpin --json "${JC[@]}" >"$J/unpin.json"; code=$?
jq_ok "undelete --unpin (exit $code)" "$J/unpin.json" \
    "$code == 0 and d['action'] == 'unpin' and d['was'] == 'pinned' and d['pinned'] is False"

"$BIN" forget "$ID" --json "${JC[@]}" >"$J/forget.json" 2>"$J/forget.err"; code=$?
jq_ok "forget of a complete backup: exit 64 and a JSON object with error and exit_code (exit $code)" "$J/forget.json" \
    "$code == 64 and d['exit_code'] == 64 and '$ID' in d['error'] and set(d) == {'error', 'hint', 'exit_code'}"
check "json: the error is also the one line on standard error" grep -q "^lifeboat: .*$ID" "$J/forget.err"

"$BIN" rebuild-catalog --json "${JC[@]}" >"$J/rebuild.json"; code=$?
jq_ok "rebuild-catalog: one object per policy (exit $code)" "$J/rebuild.json" \
    "$code == 0 and len(d) == 1 and set(d[0]) == {'policy','added','copies','binlogs','problems','other_hosts'} and d[0]['added'] == 0"

"$BIN" signing-key --json "${JC[@]}" >"$J/signing.json"; code=$?
jq_ok "signing-key: fingerprint and armored public half (exit $code)" "$J/signing.json" \
    "$code == 0 and re.fullmatch('[0-9A-F]{40}', d['fingerprint']) and d['public_key'].startswith('-----BEGIN PGP PUBLIC KEY BLOCK-----')"

"$BIN" keygen --json --out "$J/newkeys" --name k2 >"$J/keygen.json" 2>/dev/null; code=$?
jq_ok "keygen: fingerprint and the files written (exit $code)" "$J/keygen.json" \
    "$code == 0 and re.fullmatch('[0-9A-F]{40}', d['fingerprint']) and d['passphrase_protected'] is False
     and d['public_key_file'].endswith('/k2.pub.asc') and __import__('os').path.isfile(d['secret_key_file'])"
"$BIN" keygen --json --out "$J/newkeys" --name k2 >"$J/keygen2.json" 2>/dev/null; code=$?
jq_ok "keygen over existing files: exit 65 with a JSON error (exit $code)" "$J/keygen2.json" \
    "$code == 65 and d['exit_code'] == 65 and 'already exists' in d['error'] and d['hint'] is None"

# Restore the tree (the backup's second chunk was removed above: make a fresh backup first).
"$BIN" backup --json "${JC[@]}" >"$J/backup2.json" 2>/dev/null
ID2=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$J/backup2.json" 2>/dev/null)
"$BIN" restore tree --json --to "$J/restored" --identity "$J/keys/ops.sec.asc" "${JC[@]}" >"$J/restore.json" 2>/dev/null
code=$?
jq_ok "restore: id, into, bytes, chunks per destination (exit $code)" "$J/restore.json" \
    "$code == 0 and d['policy'] == 'tree' and d['id'] == '$ID2' and d['into'] == '$J/restored' and d['bytes'] > 2500000
     and d['chunks']['nas'] >= 3 and d['skipped'] == []"

# The commands that spoke JSON before: their documented fields, in the same run.
"$BIN" list --json "${JC[@]}" >"$J/list.json"; code=$?
jq_ok "list: the contract's fields (exit $code)" "$J/list.json" \
    "$code == 0 and len(d) == 2 and all({'id','policy','status','started','finished','bytes_in','bytes_out','chunks','destinations'} <= set(b) for b in d)"
"$BIN" check --json "${JC[@]}" >"$J/check.json"; code=$?
jq_ok "check: the contract's fields (exit $code)" "$J/check.json" \
    "$code == 0 and d[0]['policy'] == 'tree' and d[0]['status'] == 'ok' and d[0]['newest_backup'] == '$ID2'
     and {'rpo_seconds','age_seconds','message'} <= set(d[0])"
"$BIN" config check --json "${JC[@]}" >"$J/config.json"; code=$?
jq_ok "config check: ok, checked, problems, write_paths (exit $code)" "$J/config.json" \
    "$code == 0 and d['ok'] is True and d['checked'] == ['tree'] and d['problems'] == [] and d['role'] == 'agent'
     and isinstance(d['write_paths'], list)"
"$BIN" ls tree --json --identity "$J/keys/ops.sec.asc" "${JC[@]}" "$J/tree/random.bin" >"$J/ls.json" 2>/dev/null; code=$?
jq_ok "ls: one object per entry (exit $code)" "$J/ls.json" \
    "$code == 0 and len(d) == 1 and d[0]['path'].endswith('/random.bin') and d[0]['size'] == 2500000 and {'type','mode','mtime'} <= set(d[0])"

"$BIN" list nosuch --json "${JC[@]}" >"$J/list-bad.json" 2>/dev/null; code=$?
jq_ok "list of an unknown policy: documented exit code and a JSON error (exit $code)" "$J/list-bad.json" \
    "$code == 64 and d['exit_code'] == 64 and 'nosuch' in d['error']"

"$BIN" backup --json --no-such-flag "${JC[@]}" >"$J/usage.json" 2>/dev/null; code=$?
jq_ok "a command line the parser refuses: exit 64 and a JSON error (exit $code)" "$J/usage.json" \
    "$code == 64 and d['exit_code'] == 64 and 'no-such-flag' in d['error']"

B=$WORK/json-bad
make_setup "$B"
printf 'name: tree\nkind: files\nsource: [oops\n' >"$B/policies/tree.yaml"
"$BIN" backup --json --config "$B/lifeboat.yaml" >"$B/out.json" 2>/dev/null; code=$?
jq_ok "a malformed policy: exit 65 and a JSON error naming the file (exit $code)" "$B/out.json" \
    "$code == 65 and d['exit_code'] == 65 and 'tree.yaml' in d['error']"
check "json: nothing written for the malformed policy" test ! -e "$B/state/catalog.sqlite"

"$BIN" --log-format json -v backup "${JC[@]}" >/dev/null 2>"$J/log.jsonl"; code=$?
check "log-format json: every log line is one JSON object with time, level, message, label, metadata (exit $code)" \
    python3 -c 'import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines, "no log lines"
for l in lines:
    o = json.loads(l)
    assert set(o) == {"time", "level", "message", "label", "metadata"}, o
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", o["time"]), o
    assert o["level"] in ("trace", "debug", "info", "notice", "warning", "error", "critical"), o
    assert isinstance(o["metadata"], dict), o
assert any(o["level"] == "info" for o in map(json.loads, lines))' "$J/log.jsonl"
"$BIN" backup --log-format yaml "${JC[@]}" >/dev/null 2>"$J/logfmt.err"; code=$?
check "log-format: an unknown format is a usage error (exit $code)" bash -c "[ $code -eq 64 ] && grep -q 'log-format' '$J/logfmt.err'"
