# Signed backups: gpg verifies the host's signatures (manifest.json and the policy's latest.json), the
# manifest's payload digest matches what stock tools decrypt, the README's stock-tool recipe checks a
# backup end to end, and backups planted or bent by someone with write access to a destination are refused by
# rebuild-catalog, restore and verify, while the genuine backup is still found and restored.
G=$WORK/signing
make_setup "$G"
out=$("$BIN" backup --config "$G/lifeboat.yaml" tree)
ID=$(echo "$out" | awk '{print $2}')
BD=$(backup_dir "$G" "$ID")
check "signing: the backup holds manifest.json.sig beside manifest.json" test -s "$BD/manifest.json.sig"
check "signing: the host's signing key was made beside the catalog, mode 0600" \
    test "$(stat -c %a "$G/state/signing-key.asc" 2>/dev/null)" = 600
"$BIN" signing-key --config "$G/lifeboat.yaml" >"$G/signing-key.out"
FPR=$(sed -n 's/^fingerprint: //p' "$G/signing-key.out")
sed 1d "$G/signing-key.out" >"$G/host.pub.asc"
check "signing: the manifest names the key signing-key prints" \
    python3 -c "import json; assert json.load(open('$BD/manifest.json'))['signer'] == '$FPR'"
GH=$G/gh
mkdir -m 700 "$GH"
gpg --homedir "$GH" --batch --quiet --import "$G/host.pub.asc" "$G/keys/ops.sec.asc" 2>/dev/null
check "signing: stock gpg verifies manifest.json.sig with the host's exported public key" bash -c \
    "gpg --homedir '$GH' --batch --status-fd 1 --verify '$BD/manifest.json.sig' '$BD/manifest.json' 2>/dev/null | grep -q '^\[GNUPG:\] VALIDSIG $FPR '"

# The policy's signed latest.json, and the manifest's payload digest against what stock tools yield.
LD=$G/nas/e2e/tree
check "signing: the backup left latest.json and latest.json.sig for its policy" \
    test -s "$LD/latest.json" -a -s "$LD/latest.json.sig"
check "signing: latest.json names the backup, its signer and the policy's objectives" python3 -c "
import json
j = json.load(open('$LD/latest.json'))
m = json.load(open('$BD/manifest.json'))
assert j['id'] == '$ID' and j['host'] == 'e2e' and j['policy'] == 'tree' and j['signer'] == '$FPR', j
assert j['objectives'] == m['objectives'] == {'rpo': 86400, 'rto': 3600, 'priority': 'high', 'schedule': 43200,
    'drill': 2592000}, j['objectives']
assert (j['payload_size'], j['payload_sha256']) == (m['payload_size'], m['payload_sha256']), j
assert (j['started'], j['finished']) == (m['started'], m['finished']), j"
check "signing: stock gpg verifies latest.json.sig with the host's exported public key" bash -c \
    "gpg --homedir '$GH' --batch --status-fd 1 --verify '$LD/latest.json.sig' '$LD/latest.json' 2>/dev/null | grep -q '^\[GNUPG:\] VALIDSIG $FPR '"
cat "$BD"/data.* | gpg --homedir "$GH" --batch --quiet --decrypt 2>/dev/null | gunzip >"$G/payload.tar"
check "signing: the manifest's payload_sha256 and payload_size are those of gpg -d | gunzip's output" python3 -c "
import json, os, sys
m = json.load(open('$BD/manifest.json'))
got = '$(sha256sum "$G/payload.tar" | cut -d' ' -f1)'
assert m['payload_sha256'] == got and m['payload_size'] == os.path.getsize('$G/payload.tar') == m['bytes_in'], (m, got)"
rm -f "$G/payload.tar"

# The README's recipe, as written there, on the genuine backup and on a copy with one chunk byte flipped.
recipe=$(sed -n '/<!-- recipe: verify-without-lifeboat -->/,/<!-- end recipe -->/p' README.md | sed '1,2d;$d' | sed '$d')
run_recipe() { # folder, target
    mkdir -p "$2"
    (cd "$1" && GNUPGHOME=$GH SIGNING_KEY=$G/host.pub.asc FPR=$FPR LIST=$G/list.sha256 TO=$2 \
        bash -euo pipefail -c "$recipe" >/dev/null 2>&1)
}
run_recipe "$BD" "$G/by-recipe"
check "signing: the README's stock-tool recipe verifies and restores the backup" \
    python3 "$ROOT/scripts/lib/tree_diff.py" "$G/tree" "$G/by-recipe$G/tree"
mkdir -p "$G/flipped"
cp -r "$BD" "$G/flipped/$ID"
printf '\x00' | dd of="$G/flipped/$ID/data.000000" bs=1 seek=100 conv=notrunc 2>/dev/null
run_recipe "$G/flipped/$ID" "$G/by-recipe2"
check "signing: the recipe stops at a damaged chunk" test $? -ne 0

# An attacker's key (made with stock gpg) and a payload with a setuid-root file, encrypted with stock gpg
# to the recipient's public key: everything a planted backup needs except the host's signing key.
gpg --homedir "$GH" --batch --passphrase '' --quick-gen-key 'Mallory <m@example.invalid>' ed25519 sign,cert 0 2>/dev/null
MAL=$(gpg --homedir "$GH" --with-colons --list-keys Mallory 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}')
gpg --homedir "$GH" --batch --armor --export "$MAL" >"$G/mallory.pub.asc"
OPS=$(gpg --homedir "$GH" --with-colons --list-keys ops 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}')
mkdir -p "$G/evil"
echo "planted" >"$G/evil/suid" && chmod 4755 "$G/evil/suid"
PLANT_GH=$GH PLANT_OPS=$OPS PLANT_MAL=$MAL PLANT_EVIL=$G/evil
UNSIGNED=$(future_id 60 unsign)
FOREIGN=$(future_id 120 foreig)
plant "$G/nas" "$UNSIGNED" none none
plant "$G/nas" "$FOREIGN" none mallory

# A new host: empty state, the old host's config, its public signing key brought from off the host.
sed 's/state\//state2\//' "$G/lifeboat.yaml" >"$G/new-host.yaml"
out=$("$BIN" rebuild-catalog --config "$G/new-host.yaml" 2>&1)
check "signing: rebuild-catalog with no trusted signer says what to give it (exit 64)" \
    test $? -eq 64 -a "$(echo "$out" | grep -c 'trusted_signers\|--signer')" -ge 1
"$BIN" rebuild-catalog --config "$G/new-host.yaml" --signer "$G/host.pub.asc" >"$G/rebuild.out" 2>&1
check "signing: rebuild-catalog names the unsigned and the foreign-signed plants as refused" bash -c \
    "grep -q '$UNSIGNED: refused: not signed' '$G/rebuild.out' && grep -q '$FOREIGN: refused: manifest.json.sig: signed by $MAL, which is not a trusted signer' '$G/rebuild.out'"
ids=$("$BIN" list --config "$G/new-host.yaml" --json | python3 -c 'import json, sys; print(" ".join(b["id"] for b in json.load(sys.stdin)))')
check "signing: only the genuine backup is imported" test "$ids" = "$ID"
"$BIN" restore --config "$G/new-host.yaml" --signer "$G/host.pub.asc" tree --to "$G/restored1" --identity "$G/keys/ops.sec.asc" >/dev/null 2>&1
check "signing: restore on the new host brings back the genuine tree, and no setuid plant" bash -c \
    "python3 '$ROOT/scripts/lib/tree_diff.py' '$G/tree' '$G/restored1$G/tree' && test ! -e '$G/restored1$G/evil'"

# Trusting Mallory by mistake once imports the foreign-signed plant; restore that trusts only the host
# refuses it by name and walks back to the genuine backup.
"$BIN" rebuild-catalog --config "$G/new-host.yaml" --signer "$G/host.pub.asc" --signer "$G/mallory.pub.asc" >/dev/null 2>&1
"$BIN" restore --config "$G/new-host.yaml" --signer "$G/host.pub.asc" tree --to "$G/restored2" --identity "$G/keys/ops.sec.asc" >"$G/restore2.out" 2>&1
code=$?
check "signing: a planted newer backup in the catalog never shadows the genuine one (exit 0, named, walked back)" bash -c \
    "test $code -eq 0 && grep -q 'skipped: backup $FOREIGN could not be restored: refused: nas: manifest.json.sig: signed by $MAL' '$G/restore2.out' && grep -q 'restored tree $ID' '$G/restore2.out' && test ! -e '$G/restored2$G/evil'"
"$BIN" verify --config "$G/new-host.yaml" --signer "$G/host.pub.asc" --backup "$FOREIGN" >"$G/verify.out" 2>&1
check "signing: verify fails the foreign-signed plant and says why" bash -c \
    "test $? -ne 0 -a -n \"\$(grep 'not a trusted signer' '$G/verify.out')\""
rm -rf "$G/nas/e2e/tree/$UNSIGNED" "$G/nas/e2e/tree/$FOREIGN" "$G/state2"

# Manifests bent one field at a time, signed by a key the reader trusts: each is refused by
# rebuild-catalog with its reason, and nothing is imported.
for case in "dotdot:chunk 0 is named" "absolute:chunk 0 is named" "duplicate:chunk 1 is named" \
    "gap:chunk 0 is named" "oversized:has size" "host:names host" "policy:names policy" "kind:names kind"; do
    m=${case%%:*}
    bid=$(future_id -600 "$(printf '%s' "$m" | tr -dc 'a-z2-7' | head -c 6 | sed 's/$/aaaaaa/' | cut -c1-6)")
    plant "$G/nas" "$bid" "$m" mallory
done
TOMORROW=$(future_id 86400 tomorr)
plant "$G/nas" "$TOMORROW" none mallory
touch "$G/marker"
"$BIN" rebuild-catalog --config "$G/new-host.yaml" --signer "$G/host.pub.asc" --signer "$G/mallory.pub.asc" >"$G/rebuild2.out" 2>&1
for case in "dotdot:chunk 0 is named" "absolute:chunk 0 is named" "duplicate:chunk 1 is named" \
    "gap:chunk 0 is named" "oversized:has size" "host:names host" "policy:names policy" "kind:names kind" \
    "tomorrow:in the future"; do
    m=${case%%:*}
    check "signing: a manifest bent by '$m' is refused by rebuild-catalog ($(echo "${case#*:}"))" \
        bash -c "grep -F 'refused' '$G/rebuild2.out' | grep -q '${case#*:}'"
done
ids=$("$BIN" list --config "$G/new-host.yaml" --json | python3 -c 'import json, sys; print(" ".join(b["id"] for b in json.load(sys.stdin)))')
check "signing: of all the bent manifests none is imported" test "$ids" = "$ID"

# A restore of the genuine backup whose manifest was rewritten with escaping chunk names and re-signed
# by a trusted key: refused before any name becomes a path; nothing appears outside its work folder.
cp "$BD/manifest.json" "$G/manifest.good"
cp "$BD/manifest.json.sig" "$G/signature.good"
python3 - "$BD/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["chunks"][0]["name"] = "../../../../../../../../tmp/lifeboat-escaped"
json.dump(m, open(sys.argv[1], "w"))
PY
gpg --homedir "$GH" --batch --yes --armor --detach-sign --digest-algo SHA256 -u "$MAL" -o "$BD/manifest.json.sig" "$BD/manifest.json" 2>/dev/null
before=$(find "$G" -newer "$G/marker" 2>/dev/null | grep -v "^$G/gh" | sort)
out=$("$BIN" restore --config "$G/new-host.yaml" --signer "$G/mallory.pub.asc" tree --backup "$ID" --to "$G/restored3" --identity "$G/keys/ops.sec.asc" 2>&1)
code=$?
after=$(find "$G" -newer "$G/marker" 2>/dev/null | grep -v "^$G/gh" | sort)
escaped=$(find /tmp "$G" -maxdepth 4 -name 'lifeboat-escaped*' 2>/dev/null)
echo "$out" >"$G/restore3.out"
check "signing: a re-signed manifest with '../' chunk names fails the restore and names the chunk" \
    bash -c "test $code -eq 1 && grep -q 'chunk 0 is named' '$G/restore3.out'"
check "signing: that restore wrote nothing outside its work folder (no escaped file, no target)" \
    bash -c "test -z '$escaped' -a ! -e '$G/restored3' && test -z \"\$(comm -13 <(echo '$before') <(echo '$after') | grep -v '/state2')\""

# The same with a name aimed at a sentinel file beside the setup (relative to restore's work folder in
# the spool, and absolute): the sentinel keeps its bytes.
echo "sentinel" >"$G/sentinel"
for name in "../../../sentinel" "$G/sentinel"; do
    python3 - "$G/manifest.good" "$BD/manifest.json" "$name" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["chunks"][0]["name"] = sys.argv[3]
json.dump(m, open(sys.argv[2], "w"))
PY
    gpg --homedir "$GH" --batch --yes --armor --detach-sign --digest-algo SHA256 -u "$MAL" -o "$BD/manifest.json.sig" "$BD/manifest.json" 2>/dev/null
    "$BIN" restore --config "$G/new-host.yaml" --signer "$G/mallory.pub.asc" tree --backup "$ID" --to "$G/restored4" \
        --identity "$G/keys/ops.sec.asc" >/dev/null 2>&1
    code=$?
    check "signing: a chunk named '$name' cannot touch the sentinel (exit $code)" \
        test "$code" -eq 1 -a "$(cat "$G/sentinel")" = sentinel -a ! -e "$G/restored4"
done
cp "$G/manifest.good" "$BD/manifest.json"
cp "$G/signature.good" "$BD/manifest.json.sig"
check "signing: the genuine backup, put back, verifies again" "$BIN" verify --config "$G/lifeboat.yaml" --backup "$ID"
