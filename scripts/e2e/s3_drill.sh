# A recovery host that reads only an S3 bucket (moto_server) drills a backup host's files policy from
# it: the signed latest.json, the signed manifest and the chunks all come over S3; a chunk damaged in
# the bucket fails the drill and is named.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 drill: moto_server did not start"
else
SD=$WORK/s3drill
s3_setup "$SD" "$MOTO" lifeboat-drill
out=$("$BIN" backup --config "$SD/lifeboat.yaml" tree 2>"$SD/backup.err")
SDID=$(echo "$out" | awk '$3 == "complete" {print $2}')
check "s3 drill: the backup host backs up to nas and the bucket" test -n "$SDID"
mkdir -p "$SD/recovery"
"$BIN" signing-key --config "$SD/lifeboat.yaml" | sed 1d >"$SD/recovery/host.pub.asc"
cat >"$SD/recovery/recovery.yaml" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: offsite, type: s3, endpoint: "$MOTO", bucket: lifeboat-drill, region: us-east-1, prefix: "prod/",
      credentials: ../s3.env }
identities:
  - { key: ../keys/ops.sec.asc }
trusted_signers: [host.pub.asc]
YAML
"$BIN" drill --config "$SD/recovery/recovery.yaml" e2e/tree >"$SD/drill.out" 2>&1
SDRC=$?
cat "$SD/drill.out"
check "s3 drill: the drill from the bucket alone passes (exit 0) and counts the tree" \
    bash -c "[ $SDRC = 0 ] && grep -q '^PASS e2e/tree backup $SDID: .* entries extracted' '$SD/drill.out'"
awss3 s3 cp --quiet "s3://lifeboat-drill/prod/e2e/tree/$SDID/data.000001" "$SD/chunk"
printf 'XX' | dd of="$SD/chunk" bs=1 seek=50 conv=notrunc 2>/dev/null
awss3 s3 cp --quiet "$SD/chunk" "s3://lifeboat-drill/prod/e2e/tree/$SDID/data.000001"
"$BIN" drill --config "$SD/recovery/recovery.yaml" e2e/tree >"$SD/drill.out" 2>&1
SDRC=$?
check "s3 drill: a chunk damaged in the bucket fails the drill (exit 1), named" \
    bash -c "[ $SDRC = 1 ] && grep -q '^FAIL e2e/tree: .*offsite: data.000001 is damaged' '$SD/drill.out'"
check "s3 drill: the scratch folder is empty afterwards" test -z "$(ls -A "$SD/recovery/state/scratch")"
fi
