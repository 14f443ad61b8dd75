# On S3 as on a local folder: manifests bent one field at a time and planted in the bucket (signed by a
# key the reader trusts) are refused by rebuild-catalog, and a restore that must read S3 refuses a
# re-signed manifest whose chunk names climb out of its work folder.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 signing: moto_server did not start"
else
Z=$WORK/s3sign
s3_setup "$Z" "$MOTO" lifeboat-sign
ID=$("$BIN" backup --config "$Z/lifeboat.yaml" tree | awk '{print $2}')
"$BIN" signing-key --config "$Z/lifeboat.yaml" | sed 1d >"$Z/host.pub.asc"
ZG=$Z/gh
mkdir -m 700 "$ZG" "$Z/evil"
echo "planted" >"$Z/evil/file"
gpg --homedir "$ZG" --batch --quiet --import "$Z/keys/ops.pub.asc" 2>/dev/null
gpg --homedir "$ZG" --batch --passphrase '' --quick-gen-key 'Mallory <m@example.invalid>' ed25519 sign,cert 0 2>/dev/null
PLANT_GH=$ZG PLANT_EVIL=$Z/evil
PLANT_MAL=$(gpg --homedir "$ZG" --with-colons --list-keys Mallory 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}')
PLANT_OPS=$(gpg --homedir "$ZG" --with-colons --list-keys ops 2>/dev/null | awk -F: '/^fpr:/ {print $10; exit}')
gpg --homedir "$ZG" --batch --armor --export "$PLANT_MAL" >"$Z/mallory.pub.asc"
for m in dotdot absolute duplicate gap oversized host policy kind; do
    plant "$Z/plant" "$(future_id -600 "$(echo "${m}aaaaaa" | tr -dc 'a-z' | cut -c1-6)")" "$m" mallory
done
plant "$Z/plant" "$(future_id 86400 tomorr)" none mallory
awss3 s3 cp --recursive --quiet "$Z/plant/e2e" "s3://lifeboat-sign/prod/e2e"
sed 's/state\//state2\//' "$Z/lifeboat.yaml" >"$Z/new-host.yaml"
"$BIN" rebuild-catalog --config "$Z/new-host.yaml" --signer "$Z/host.pub.asc" --signer "$Z/mallory.pub.asc" >"$Z/rebuild.out" 2>&1
grep 'offsite: .*refused' "$Z/rebuild.out" >"$Z/refused.out"
while IFS=: read -r m want; do
    check "s3 signing: a manifest bent by '$m' in the bucket is refused ($want)" grep -qF -- "$want" "$Z/refused.out"
done <<'CASES'
dotdot:chunk 0 is named '../
absolute:chunk 0 is named '/tmp
duplicate:chunk 1 is named 'data.000000'
gap:chunk 0 is named 'data.000001'
oversized:has size 1125899906842624
host:names host 'another-host'
policy:names policy 'another-policy'
kind:names kind 'sqlite'
tomorrow:in the future
CASES
ids=$("$BIN" list --config "$Z/new-host.yaml" --json | python3 -c 'import json, sys; print(" ".join(sorted({b["id"] for b in json.load(sys.stdin)})))')
check "s3 signing: none of the planted backups is imported, the genuine one is" test "$ids" = "$ID"

# The genuine backup's manifest in the bucket, rewritten to climb out and re-signed by a trusted key;
# the local copy is gone, so restore has only S3 to read.
mkdir -p "$Z/bent"
cp "$(backup_dir "$Z" "$ID")/manifest.json" "$Z/bent/manifest.json"
python3 - "$Z/bent/manifest.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
m["chunks"][0]["name"] = "../../../../../../../../tmp/lifeboat-escaped-s3"
json.dump(m, open(sys.argv[1], "w"))
PY
gpg --homedir "$ZG" --batch --yes --armor --detach-sign --digest-algo SHA256 -u "$PLANT_MAL" -o "$Z/bent/manifest.json.sig" "$Z/bent/manifest.json" 2>/dev/null
awss3 s3 cp --quiet "$Z/bent/manifest.json.sig" "s3://lifeboat-sign/prod/e2e/tree/$ID/manifest.json.sig"
awss3 s3 cp --quiet "$Z/bent/manifest.json" "s3://lifeboat-sign/prod/e2e/tree/$ID/manifest.json"
rm -rf "$(backup_dir "$Z" "$ID")"
out=$("$BIN" restore --config "$Z/new-host.yaml" --signer "$Z/mallory.pub.asc" tree --backup "$ID" --to "$Z/restored" --identity "$Z/keys/ops.sec.asc" 2>&1)
code=$?
escaped=$(find /tmp "$Z" -maxdepth 4 -name 'lifeboat-escaped*' 2>/dev/null)
check "s3 signing: restore from S3 refuses the re-signed '../' manifest (exit 1), writes nothing outside" \
    test "$code" -eq 1 -a -z "$escaped" -a ! -e "$Z/restored" -a "$(echo "$out" | grep -c 'chunk 0 is named')" -ge 1
fi
