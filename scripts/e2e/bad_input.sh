# Bad config, policy and key files: one line naming the file (and line), exit 65, nothing written.
B=$WORK/bad
make_setup "$B"
expect65() { # name, then the command; checks exit 65, one stderr line naming $2's file, no catalog made
    local name=$1 file=$2; shift 2
    rm -rf "$B/state"
    local err
    err=$("$@" 2>&1 >/dev/null)
    local code=$?
    if [ "$code" -eq 65 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ "$err" == *"$file"* ]] && [ ! -e "$B/state" ]; then
        pass "$name"
    else
        fail "$name (exit $code: $err)"
    fi
}
cp "$B/policies/tree.yaml" "$B/tree.yaml.good"
echo "retension: {keep_last: 3}" >>"$B/policies/tree.yaml"
expect65 "a typo in a policy key is refused with its line" "tree.yaml:12" "$BIN" backup --config "$B/lifeboat.yaml"
cp "$B/tree.yaml.good" "$B/policies/tree.yaml"
sed -i 's/chunk_size: 1MiB/chunk_size: 1MB/' "$B/policies/tree.yaml"
expect65 "a bad size is refused with its line" "tree.yaml:9" "$BIN" backup --config "$B/lifeboat.yaml"
cp "$B/tree.yaml.good" "$B/policies/tree.yaml"
cat >"$B/policies/dump.yaml" <<YAML
name: dump
kind: command
source:
  command: [echo, hi]
  snapshot: { provider: btrfs, volume: $B, lock: false }
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
expect65 "a command policy with a snapshot is refused at load with its line" "dump.yaml:5" "$BIN" backup --config "$B/lifeboat.yaml"
rm "$B/policies/dump.yaml"
echo "hostname: x" >>"$B/lifeboat.yaml"
expect65 "an unknown agent config key is refused" "lifeboat.yaml:5" "$BIN" list --config "$B/lifeboat.yaml"
sed -i '/hostname/d' "$B/lifeboat.yaml"
cp "$B/keys/ops.pub.asc" "$B/keys/ops.pub.good"
cp "$B/keys/ops.sec.asc" "$B/keys/ops.pub.asc"
expect65 "a secret key given as a recipient is refused" "ops.pub.asc" "$BIN" backup --config "$B/lifeboat.yaml"
head -c 300 "$B/keys/ops.pub.good" >"$B/keys/ops.pub.asc"
expect65 "a truncated public key is refused" "ops.pub.asc" "$BIN" backup --config "$B/lifeboat.yaml"
cp "$B/keys/ops.pub.good" "$B/keys/ops.pub.asc"
"$BIN" backup --config "$B/lifeboat.yaml" nosuch >/dev/null 2>&1
check "an unknown policy name is a usage error (exit 64)" test $? -eq 64
"$BIN" backup --config "$B/lifeboat.yaml" --no-such-flag >/dev/null 2>&1
check "an unknown flag is a usage error (exit 64)" test $? -eq 64

# The signing key and trusted signers: a file that is not what it should be is refused, exit 65.
cp "$B/keys/ops.sec.asc" "$B/not-a-signing-key.asc" && chmod 600 "$B/not-a-signing-key.asc"
echo "signing_key: not-a-signing-key.asc" >>"$B/lifeboat.yaml"
expect65 "a decryption key given as signing_key is refused, naming it" "not-a-signing-key.asc" "$BIN" backup --config "$B/lifeboat.yaml"
chmod 644 "$B/not-a-signing-key.asc"
expect65 "a signing key others can read is refused" "not-a-signing-key.asc" "$BIN" backup --config "$B/lifeboat.yaml"
sed -i '/^signing_key:/d' "$B/lifeboat.yaml"
err=$("$BIN" verify --config "$B/lifeboat.yaml" --signer "$B/keys/ops.sec.asc" 2>&1 >/dev/null)
check "a secret key given as --signer is refused with exit 65, naming it" \
    test $? -eq 65 -a "$(echo "$err" | grep -c 'ops.sec.asc: holds secret key material')" -eq 1
echo "trusted_signers: [keys/nope.asc]" >>"$B/lifeboat.yaml"
err=$("$BIN" verify --config "$B/lifeboat.yaml" 2>&1 >/dev/null)
check "a missing trusted_signers file is refused with exit 65, naming it" \
    test $? -eq 65 -a "$(echo "$err" | grep -c 'nope.asc')" -eq 1
sed -i '/^trusted_signers:/d' "$B/lifeboat.yaml"
# A config that is not there: exit 65, one line naming it and how the config is found.
err=$("$BIN" run --config "$B/nope.yaml" 2>&1 >/dev/null)
code=$?
check "a missing config file is exit 65, one line naming it, --config and \$LIFEBOAT_CONFIG" \
    test "$code" -eq 65 -a "$(printf '%s\n' "$err" | wc -l)" -eq 1 \
    -a "$(echo "$err" | grep -c "nope.yaml: no such file.*--config FILE, else \$LIFEBOAT_CONFIG")" -eq 1
# A policies folder with no policy in it protects nothing: check says WARNING, not OK.
mkdir -p "$B/empty-policies"
sed 's#^policies:.*##' "$B/lifeboat.yaml" >"$B/empty.yaml"
echo "policies: empty-policies" >>"$B/empty.yaml"
out=$("$BIN" check --config "$B/empty.yaml")
code=$?
check "check with no policy configured is WARNING (exit 1) and names the folder" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c '^LIFEBOAT WARNING - no policy files (\*.yaml) in .*empty-policies')" -eq 1
err=$("$BIN" backup --config "$B/empty.yaml" 2>&1 >/dev/null)
check "backup with no policy configured says so on stderr" \
    test "$(echo "$err" | grep -c 'no policy files (\*.yaml) in .*empty-policies: nothing to back up')" -eq 1
# keygen into a folder that does not exist yet makes it, private, and writes both halves.
"$BIN" keygen --out "$B/new/keys" --name fresh >/dev/null 2>&1
check "keygen --out makes a missing folder 0700 and writes both key files" \
    test "$(stat -c %a "$B/new/keys" 2>/dev/null)" = 700 -a -s "$B/new/keys/fresh.pub.asc" -a -s "$B/new/keys/fresh.sec.asc"
err=$("$BIN" keygen --out "$B/keys/ops.pub.asc" --name x 2>&1 >/dev/null)
check "keygen --out a file that is not a folder is refused, naming it" \
    test $? -ne 0 -a "$(echo "$err" | grep -c 'ops.pub.asc: not a folder')" -eq 1
