# S3 Object Lock against moto_server with a lock-enabled (so versioned) bucket: every object carries the
# mode and a retain-until date; a DELETE with the host's tools leaves the locked version and restore,
# verify and rebuild-catalog read through the delete marker; run lengthens a lock that runs short;
# prune waits for a lock to run out before it purges; a bucket without Object Lock is refused (exit 65);
# `delete: false` leaves deleting to `lifeboat purge --destination`.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 lock: moto_server did not start"
else
S=$WORK/s3lock
awss3 s3api create-bucket --bucket lifeboat-lock --object-lock-enabled-for-bucket >/dev/null
s3_setup "$S" "$MOTO" lifeboat-lock 'object_lock: { mode: governance, days: 2 }'
# keep one backup; grace short enough to watch the purge wait in this test.
sed -i 's/^destinations:/schedule: every 1s\nretention: { keep_last: 2, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, deleted_grace: 1s, soft_deleted_grace: 1s }\ndestinations:/' \
    "$S/policies/tree.yaml"
lock_of() { # KEY: "MODE DATE" of the object's current version, read back through awscli
    awss3 s3api head-object --bucket lifeboat-lock --key "$1" \
        --query '[ObjectLockMode, ObjectLockRetainUntilDate]' --output text 2>/dev/null
}
epoch() { python3 -c 'import sys, datetime; print(int(datetime.datetime.fromisoformat(sys.argv[1].replace("Z", "+00:00")).timestamp()))' "$1"; }

out=$("$BIN" backup --config "$S/lifeboat.yaml" tree 2>"$S/backup.err")
code=$?
ID=$(echo "$out" | awk '{print $2}')
check "s3 lock: backup to a locked bucket exits 0, complete" test "$code" -eq 0 -a "$(s3_status "$S" "$ID")" = "complete nas=shipped offsite=shipped"
P=prod/e2e/tree/$ID
keys=$(awss3 s3api list-objects-v2 --bucket lifeboat-lock --prefix "$P/" --query 'Contents[].Key' --output text | tr '\t' '\n')
now=$(date +%s)
bad=0
for k in $keys; do
    read -r mode until <<<"$(lock_of "$k")"
    left=$(( $(epoch "$until") - now ))
    if [ "$mode" != GOVERNANCE ] || [ "$left" -lt 172000 ] || [ "$left" -gt 173000 ]; then bad=$((bad + 1)); echo "  $k: $mode $until" >&2; fi
done
check "s3 lock: every object (chunks, signature, manifest) carries GOVERNANCE and a date 2 days on" \
    test "$bad" -eq 0 -a "$(echo "$keys" | grep -c '')" -ge 4 -a "$(echo "$keys" | grep -c 'manifest.json.sig$')" -eq 1
read -r mode _ <<<"$(lock_of prod/e2e/tree/latest.json)"
check "s3 lock: latest.json is locked too" test "$mode" = GOVERNANCE

# run lengthens the lock of a kept backup that has less than half its period left (set short here
# with governance bypass); it also backs up again, as the policy is due every second.
soon=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%SZ)
for k in "$P/data.000000" "$P/data.000001" "$P/manifest.json"; do
    awss3 s3api put-object-retention --bucket lifeboat-lock --key "$k" --bypass-governance-retention \
        --retention "Mode=GOVERNANCE,RetainUntilDate=$soon" >/dev/null
done
read -r _ until <<<"$(lock_of "$P/data.000001")"
check "s3 lock: (set up) the lock was shortened" test $(( $(epoch "$until") - $(date +%s) )) -lt 3700
sleep 1.1
out=$("$BIN" run --config "$S/lifeboat.yaml" 2>"$S/run.err")
code=$?
echo "$out" | sed 's/^/    /' >&2
read -r _ until <<<"$(lock_of "$P/data.000001")"
check "s3 lock: run exits 0 and says it extended the kept backup's lock" \
    test "$code" -eq 0 -a "$(echo "$out" | grep -c "tree $ID lock extended at offsite until")" -eq 1
check "s3 lock: ... and the short lock is a full period again" test $(( $(epoch "$until") - $(date +%s) )) -gt 172000
out=$("$BIN" run --config "$S/lifeboat.yaml" 2>/dev/null)
check "s3 lock: a lock with more than half its period left is not touched" \
    test "$(echo "$out" | grep -c "lock extended")" -eq 0

# The attacker's DELETE with the host's credentials: a marker hides the chunk, the locked version stays.
awss3 s3api delete-object --bucket lifeboat-lock --key "$P/data.000000" >/dev/null
versions=$(awss3 s3api list-object-versions --bucket lifeboat-lock --prefix "$P/data.000000" \
    --query '[length(Versions), length(DeleteMarkers)]' --output text)
check "s3 lock: a delete leaves the locked version behind a delete marker" test "$versions" = "1	1"
real=$(awss3 s3api list-object-versions --bucket lifeboat-lock --prefix "$P/data.000000" --query 'Versions[0].VersionId' --output text)
err=$(awss3 s3api delete-object --bucket lifeboat-lock --key "$P/data.000000" --version-id "$real" 2>&1)
check "s3 lock: deleting the locked version itself is refused" bash -c "echo '$err' | grep -q AccessDenied"
rm -f "$(backup_dir "$S" "$ID")/data.000000"   # and gone at the local destination: only S3 has it
out=$("$BIN" verify --config "$S/lifeboat.yaml" tree --backup "$ID" 2>"$S/verify.err")
code=$?
echo "$out" | sed 's/^/    /' >&2
check "s3 lock: verify exits 1 and says the current version is deleted and the locked one intact" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c "data.000000: current version deleted; version $real intact (locked until ")" -eq 1
"$BIN" restore --config "$S/lifeboat.yaml" tree --backup "$ID" --to "$S/restored" --identity "$S/keys/ops.sec.asc" \
    >/dev/null 2>"$S/restore.err"
code=$?
check "s3 lock: restore through the delete marker exits 0 and says so" \
    test "$code" -eq 0 -a "$(grep -c "data.000000: current version deleted; reading version $real" "$S/restore.err")" -ge 1
check "s3 lock: ... and the restored tree is identical" python3 "$ROOT/scripts/lib/tree_diff.py" "$S/tree" "$S/restored${S}/tree"

# An overwrite with the host's credentials: a new version on top; verify names it, restore reads the old one.
awss3 s3api put-object --bucket lifeboat-lock --key "$P/data.000001" --body "$S/lifeboat.yaml" \
    --object-lock-mode GOVERNANCE --object-lock-retain-until-date "$soon" >/dev/null
rm -f "$(backup_dir "$S" "$ID")/data.000001"
out=$("$BIN" verify --config "$S/lifeboat.yaml" tree --backup "$ID" 2>/dev/null)
echo "$out" | sed 's/^/    /' >&2
check "s3 lock: verify says an overwritten chunk's earlier version is intact" \
    test "$(echo "$out" | grep -c "data.000001: current version overwritten; version .* intact")" -eq 1
rm -rf "$S/restored"
"$BIN" restore --config "$S/lifeboat.yaml" tree --backup "$ID" --to "$S/restored" --identity "$S/keys/ops.sec.asc" \
    >/dev/null 2>"$S/restore2.err"
check "s3 lock: restore past an overwritten chunk exits 0 with the tree identical" \
    python3 "$ROOT/scripts/lib/tree_diff.py" "$S/tree" "$S/restored${S}/tree"

# The manifest overwritten with a doctored one (a chunk dropped, signature kept): the current version is
# refused; verify names the earlier version that is intact and restore reads it.
awss3 s3api get-object --bucket lifeboat-lock --key "$P/manifest.json" "$S/manifest.orig" >/dev/null
python3 -c "
import json, sys
m = json.load(open(sys.argv[1])); m['chunks'] = m['chunks'][:-1]
json.dump(m, open(sys.argv[2], 'w'))" "$S/manifest.orig" "$S/manifest.doctored"
awss3 s3api put-object --bucket lifeboat-lock --key "$P/manifest.json" --body "$S/manifest.doctored" \
    --object-lock-mode GOVERNANCE --object-lock-retain-until-date "$soon" >/dev/null
rm -f "$(backup_dir "$S" "$ID")/manifest.json"
out=$("$BIN" verify --config "$S/lifeboat.yaml" tree --backup "$ID" 2>/dev/null)
echo "$out" | sed 's/^/    /' >&2
check "s3 lock: verify says the overwritten manifest was refused and its earlier version is intact" \
    test "$(echo "$out" | grep -c "manifest.json: current version refused (.*); version .* intact")" -eq 1
rm -rf "$S/restored"
"$BIN" restore --config "$S/lifeboat.yaml" tree --backup "$ID" --to "$S/restored" --identity "$S/keys/ops.sec.asc" \
    >/dev/null 2>"$S/restore3.err"; code=$?
check "s3 lock: restore past an overwritten manifest exits 0, says so, the tree identical (exit $code)" bash -c "
    [ $code -eq 0 ] && grep -q 'manifest.json: current version refused' '$S/restore3.err' &&
    python3 '$ROOT/scripts/lib/tree_diff.py' '$S/tree' '$S/restored${S}/tree'"

# The manifest hidden too: a new host's rebuild-catalog still finds the backup.
awss3 s3api delete-object --bucket lifeboat-lock --key "$P/manifest.json" >/dev/null
"$BIN" signing-key --config "$S/lifeboat.yaml" 2>/dev/null | sed -n '/BEGIN PGP/,/END PGP/p' >"$S/host.pub.asc"
sed 's|catalog: state/catalog.sqlite|catalog: state/rebuilt.sqlite|' "$S/lifeboat.yaml" >"$S/rebuild.yaml"
"$BIN" rebuild-catalog --config "$S/rebuild.yaml" --signer "$S/host.pub.asc" tree >"$S/rebuild.out" 2>&1
check "s3 lock: rebuild-catalog finds a backup whose manifest is hidden behind a marker" \
    test "$(sqlite3 "$S/state/rebuilt.sqlite" "select count(*) from backup where id = '$ID'")" = 1
sed 's/^/    /' "$S/rebuild.out" >&2

# prune with keep_last 1: the first backup is no longer kept; its purge waits while its lock lasts.
sed -i 's/keep_last: 2/keep_last: 1/' "$S/policies/tree.yaml"
for _ in 1 2 3; do sleep 1.2; "$BIN" prune --config "$S/lifeboat.yaml" >>"$S/prune.out" 2>&1; done
sed 's/^/    /' "$S/prune.out" >&2
check "s3 lock: prune puts the purge off, saying locked until" \
    test "$(grep -c "purge $ID waits: locked until .* at offsite" "$S/prune.out")" -ge 1
check "s3 lock: ... and the catalog keeps it pending (soft-deleted, not purged)" \
    test "$(sqlite3 "$S/state/catalog.sqlite" "select retention from backup where id = '$ID'")" = soft-deleted
# Once the lock has run out (set to a few seconds with governance bypass), the next prune purges every version.
gone=$(date -u -d '+3 seconds' +%Y-%m-%dT%H:%M:%SZ)
for k in $(awss3 s3api list-object-versions --bucket lifeboat-lock --prefix "$P/" --output json | python3 -c '
import json, sys
d = json.load(sys.stdin)
for v in d.get("Versions") or []: print(v["Key"] + "@" + v["VersionId"])'); do
    awss3 s3api put-object-retention --bucket lifeboat-lock --key "${k%@*}" --version-id "${k#*@}" \
        --bypass-governance-retention --retention "Mode=GOVERNANCE,RetainUntilDate=$gone" >/dev/null
done
sleep 4
"$BIN" prune --config "$S/lifeboat.yaml" >"$S/prune2.out" 2>&1
check "s3 lock: after the lock ran out prune purges the backup" \
    test "$(sqlite3 "$S/state/catalog.sqlite" "select retention from backup where id = '$ID'")" = purged
left=$(awss3 s3api list-object-versions --bucket lifeboat-lock --prefix "$P/" --query 'length(Versions || `[]`)' --output text)
check "s3 lock: ... every version of its objects is gone" test "$left" = 0

# A bucket without Object Lock: refused at the first run with one line, exit 65, nothing written.
U=$WORK/s3unlocked
s3_setup "$U" "$MOTO" lifeboat-nolock 'object_lock: { mode: compliance, days: 7 }'
err=$("$BIN" backup --config "$U/lifeboat.yaml" tree 2>&1 >/dev/null)
code=$?
check "s3 lock: a bucket without Object Lock is refused with exit 65, one line naming file and line" \
    test "$code" -eq 65 -a "$(echo "$err" | grep -c "tree.yaml:[0-9]*: destination offsite: bucket lifeboat-nolock does not have Object Lock enabled")" -eq 1
echo "$err" | sed 's/^/    /' >&2
check "s3 lock: ... and nothing was written" test "$(awss3 s3api list-objects-v2 --bucket lifeboat-nolock --query 'length(Contents || `[]`)' --output text)" = 0 \
    -a "$(sqlite3 "$U/state/catalog.sqlite" 'select count(*) from backup' 2>/dev/null || echo 0)" = 0
out=$("$BIN" config check --connect --config "$U/lifeboat.yaml" 2>&1)
check "s3 lock: config check --connect names the bucket without Object Lock, exit 65" \
    test $? -eq 65 -a "$(echo "$out" | grep -c 'tree.yaml:[0-9]*: destination offsite: bucket lifeboat-nolock does not have Object Lock enabled')" -eq 1
sed -i 's/days: 7 }/days: 0 }/' "$U/policies/tree.yaml"
err=$("$BIN" backup --config "$U/lifeboat.yaml" tree 2>&1 >/dev/null)
check "s3 lock: days out of range is exit 65 with file and line" \
    test $? -eq 65 -a "$(echo "$err" | grep -c 'tree.yaml:[0-9]*: .*object_lock.days must be a whole number from 1 to 36500')" -eq 1

# delete: false: prune only marks the catalog; purge --destination deletes what retention released.
D=$WORK/s3nodelete
s3_setup "$D" "$MOTO" lifeboat-nodelete 'delete: false'
sed -i 's/^destinations:/retention: { keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, deleted_grace: 1s, soft_deleted_grace: 1s }\ndestinations:/' \
    "$D/policies/tree.yaml"
ID1=$("$BIN" backup --config "$D/lifeboat.yaml" tree 2>/dev/null | awk '{print $2}')
sleep 1.1
"$BIN" backup --config "$D/lifeboat.yaml" tree >/dev/null 2>&1
for _ in 1 2 3; do sleep 1.2; "$BIN" prune --config "$D/lifeboat.yaml" >>"$D/prune.out" 2>&1; done
n=$(awss3 s3api list-objects-v2 --bucket lifeboat-nodelete --prefix "prod/e2e/tree/$ID1/" --query 'length(Contents || `[]`)' --output text)
check "s3 delete false: prune marks the backup purged and deletes nothing at the destination" \
    test "$(sqlite3 "$D/state/catalog.sqlite" "select retention from backup where id = '$ID1'")" = purged -a "$n" -gt 0 \
    -a ! -d "$(backup_dir "$D" "$ID1")"
out=$("$BIN" purge --config "$D/lifeboat.yaml" --destination offsite 2>&1)
code=$?
n=$(awss3 s3api list-objects-v2 --bucket lifeboat-nodelete --prefix "prod/e2e/tree/$ID1/" --query 'length(Contents || `[]`)' --output text)
check "s3 delete false: purge --destination offsite removes it there" \
    test "$code" -eq 0 -a "$n" = 0 -a "$(echo "$out" | grep -c "tree: purged $ID1 at offsite")" -eq 1
"$BIN" purge --config "$D/lifeboat.yaml" --destination nowhere >/dev/null 2>&1
check "s3 delete false: purge of a destination no policy names is exit 64" test $? -eq 64
fi
