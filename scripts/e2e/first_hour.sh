# Commands that used to stop short: verify without names passes over a policy with no backup yet and
# verifies the rest; ids of another policy or unknown ids are usage errors (64) for verify as for
# restore; rebuild-catalog on a host with a new name says which hosts the destinations hold.
H=$WORK/firsthour
make_setup "$H"
sed 's/^name: tree$/name: later/' "$H/policies/tree.yaml" >"$H/policies/later.yaml"
"$BIN" backup --config "$H/lifeboat.yaml" tree >/dev/null 2>&1
ID=$("$BIN" list --config "$H/lifeboat.yaml" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
"$BIN" verify --config "$H/lifeboat.yaml" >"$H/verify.out" 2>&1; code=$?
check "first hour: verify with no name verifies the policy with a backup and names the one without (exit 0)" bash -c "
    [ $code -eq 0 ] && grep -q 'later: no shipped backup to verify' '$H/verify.out' && grep -q 'tree $ID nas: ok' '$H/verify.out'"
"$BIN" verify --config "$H/lifeboat.yaml" later >/dev/null 2>&1
check "first hour: verify of the named policy with no backup still fails (exit 1)" test $? -eq 1
"$BIN" verify --config "$H/lifeboat.yaml" later --backup "$ID" >"$H/verify.out" 2>&1; code=$?
check "first hour: verify POLICY --backup of another policy's id says whose it is (exit 64)" bash -c "
    [ $code -eq 64 ] && grep -q 'backup $ID belongs to policy tree, not later' '$H/verify.out'"
"$BIN" verify --config "$H/lifeboat.yaml" --backup 20200101T000000Z-aaaaaa >/dev/null 2>&1; v=$?
"$BIN" restore --config "$H/lifeboat.yaml" tree --backup 20200101T000000Z-aaaaaa --to "$H/r" --identity "$H/keys/ops.sec.asc" >/dev/null 2>&1; r=$?
check "first hour: an unknown id exits 64 from verify and from restore" test "$v/$r" = 64/64
"$BIN" signing-key --config "$H/lifeboat.yaml" | sed -n '/BEGIN PGP/,/END PGP/p' >"$H/host.pub.asc"
sed 's/^host: e2e$/host: newbox/; s/state\//state2\//' "$H/lifeboat.yaml" >"$H/new-host.yaml"
"$BIN" rebuild-catalog --config "$H/new-host.yaml" --signer "$H/host.pub.asc" tree >"$H/rebuild.out" 2>&1
check "first hour: rebuild-catalog under a new host name names the host the destinations hold" \
    grep -q 'nothing of host newbox here; the destinations hold this policy for host e2e: name one with --host NAME' "$H/rebuild.out"
"$BIN" rebuild-catalog --config "$H/new-host.yaml" --signer "$H/host.pub.asc" --host e2e tree >"$H/rebuild.out" 2>&1
check "first hour: with --host the backup is recorded" grep -q 'tree: 1 backup added' "$H/rebuild.out"
"$BIN" keygen --out "$H/kg" --name plain >/dev/null 2>"$H/keygen.err"
check "first hour: keygen warns when the secret key has no passphrase" grep -q 'the secret key has no passphrase' "$H/keygen.err"
printf 'a long passphrase\n' >"$H/pass" && chmod 600 "$H/pass"
"$BIN" keygen --out "$H/kg2" --name guarded --passphrase-file "$H/pass" >/dev/null 2>"$H/keygen.err"
check "first hour: and not when it has one" test ! -s "$H/keygen.err"
"$BIN" --config "$H/lifeboat.yaml" -v list --json >"$H/list.json" 2>/dev/null
check "first hour: --config and -v before the subcommand are accepted" \
    python3 -c "import json,sys; assert len(json.load(open(sys.argv[1]))) == 1" "$H/list.json"
cat >"$H/policies/broken.yaml" <<YAML
name: broken
kind: command
source: { command: ["sh", "-c", "echo partial; echo 'export: inventory service refused' >&2; exit 3"] }
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
"$BIN" backup --config "$H/lifeboat.yaml" broken >"$H/fail.out" 2>"$H/fail.err"
check "first hour: a failed backup is reported once (the result line, with the tool's words), not twice" \
    bash -c "grep -q '^broken - failed: .*inventory service refused' '$H/fail.out' && ! grep -q 'inventory service refused' '$H/fail.err'"
M=$WORK/missing-creds
make_setup "$M"
cat >>"$M/policies/tree.yaml" <<YAML
  - { name: offsite, type: s3, endpoint: "http://127.0.0.1:9", bucket: b }
YAML
env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY "$BIN" run --config "$M/lifeboat.yaml" >/dev/null 2>"$M/run.err"; code=$?
check "first hour: S3 without credentials stops run at once (65), naming the policy and destination" \
    bash -c "[ $code -eq 65 ] && grep -q 'policies/tree.yaml: destination offsite: no s3 credentials' '$M/run.err' && [ ! -e '$M/state/spool/tree' ]"
sed -i 's#bucket: b }#bucket: b, credentials: ../nope.env }#' "$M/policies/tree.yaml"
"$BIN" backup --config "$M/lifeboat.yaml" >/dev/null 2>"$M/run.err"; code=$?
check "first hour: a missing credentials file is named with its policy line (65)" \
    bash -c "[ $code -eq 65 ] && grep -q 'policies/tree.yaml:[0-9]*: credentials file .*nope.env cannot be read' '$M/run.err'"
N=$WORK/notdue
make_setup "$N"
"$BIN" backup --config "$N/lifeboat.yaml" >/dev/null 2>&1
"$BIN" run -v --config "$N/lifeboat.yaml" >/dev/null 2>"$N/run.err"
check "first hour: run -v with nothing due says when each policy is next due" \
    grep -q 'tree: not due until 20[0-9-]*T[0-9:]*Z (every 12h)' "$N/run.err"
"$BIN" keygen --out "$H/other" --name other >/dev/null 2>&1
OTHER=$(gpg --with-colons --show-keys "$H/other/other.pub.asc" 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
OPS=$(gpg --with-colons --show-keys "$H/keys/ops.pub.asc" 2>/dev/null | awk -F: '/^fpr/ {print $10; exit}')
"$BIN" restore --config "$H/lifeboat.yaml" tree --to "$H/wrongkey" --identity "$H/other/other.sec.asc" >/dev/null 2>"$H/wrong.err"; code=$?
check "first hour: a wrong key names the backup's recipients and the key given by primary fingerprint (exit 1)" bash -c "
    [ $code -eq 1 ] && grep -q 'encrypted to $OPS, not to the identity given' '$H/wrong.err' && grep -q 'given keys are $OTHER (subkey' '$H/wrong.err'"
