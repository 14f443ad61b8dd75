# lifeboat copy between destinations, with no decryption: three backups made to a local folder only,
# then an S3 destination (moto, behind the fault proxy) added to the policy. A damaged chunk and a
# tampered manifest at the source are refused; a copy local -> S3 killed with SIGKILL mid-way resumes
# with no chunk PUT twice (counted in the proxy's log); the copy restores; S3 -> local refills a
# deleted local copy; `run` backfills the other backups newest first; a lost S3 copy found by
# `verify` is refilled by the next `run`.
# shellcheck source=/dev/null
source scripts/e2e/db_aa_common.sh
# shellcheck source=/dev/null
source scripts/e2e/s3_aa_common.sh
if [ -z "$MOTO_PORT" ]; then
    fail "copy: moto_server did not start"
else
C=$WORK/copy
CP=$(s3_proxy copy)
s3_setup "$C" "http://127.0.0.1:$CP" lifeboat-copy "concurrency: 1"
cfg=$C/lifeboat.yaml
cp "$C/policies/tree.yaml" "$C/both.yaml"
sed '/- name: offsite/,$d' "$C/both.yaml" >"$C/policies/tree.yaml"   # the local destination only, at first
head -c 12000000 /dev/urandom >"$C/tree/big.bin"                     # ~15 chunks of 1 MiB
ids=()
for _ in 1 2 3; do
    ids+=("$("$BIN" backup --config "$cfg" tree 2>/dev/null | awk '$3 == "complete" {print $2}')")
done
A=${ids[0]} B=${ids[1]} Cc=${ids[2]}
check "copy: three backups complete at the local destination alone" test -n "$A" -a -n "$B" -a -n "$Cc"
cp "$C/both.yaml" "$C/policies/tree.yaml"   # now offsite (S3) is added to the policy
nchunks=$(ls "$(backup_dir "$C" "$A")" | grep -c '^data\.')
echo "#   each backup has $nchunks chunks"

# Usage errors: exit 64 before anything is read.
"$BIN" copy --config "$cfg" tree --from nas --to elsewhere >/dev/null 2>"$C/err"; code=$?
check "copy: a destination the policy does not have is exit 64, naming it and the policy's destinations" \
    bash -c "[ $code -eq 64 ] && grep -q 'policy tree has no destination \"elsewhere\"' '$C/err' && grep -q 'nas, offsite' '$C/err'"
"$BIN" copy --config "$cfg" tree --from nas --to nas >/dev/null 2>&1
check "copy: --from and --to the same is exit 64" test $? -eq 64
"$BIN" copy --config "$cfg" tree --from nas --to offsite --all --backup "$A" >/dev/null 2>&1
check "copy: --all with --backup is exit 64" test $? -eq 64

flip() { python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[int(sys.argv[2])]^=1; open(p,"wb").write(b)' "$1" "$2"; }

# A chunk damaged at the source stops that backup's copy, naming the chunk; nothing is marked complete.
flip "$(backup_dir "$C" "$B")/data.000002" 5000
out=$("$BIN" copy --config "$cfg" tree --from nas --to offsite --backup "$B" 2>/dev/null); code=$?
echo "#   $out" | cut -c1-200
check "copy: a damaged source chunk is exit 1 with one line naming data.000002 at nas" \
    bash -c "[ $code -eq 1 ] && [ \$(echo '$out' | grep -c 'FAILED: data.000002 is damaged at nas: size [0-9]*, sha256') -eq 1 ]"
check "copy: ... no manifest or signature was written to S3, and the catalog has no offsite copy of it" \
    bash -c "! aws --endpoint-url '$MOTO' s3api head-object --bucket lifeboat-copy --key 'prod/e2e/tree/$B/manifest.json' >/dev/null 2>&1 &&
        ! aws --endpoint-url '$MOTO' s3api head-object --bucket lifeboat-copy --key 'prod/e2e/tree/$B/manifest.json.sig' >/dev/null 2>&1 &&
        [ \"\$(sqlite3 '$C/state/catalog.sqlite' \"select count(*) from copy where backup_id = '$B' and destination = 'offsite'\")\" = 0 ]"
check "copy: ... and no chunk from data.000002 on was sent (concurrency 1)" \
    bash -c "! aws --endpoint-url '$MOTO' s3api head-object --bucket lifeboat-copy --key 'prod/e2e/tree/$B/data.000002' >/dev/null 2>&1"
flip "$(backup_dir "$C" "$B")/data.000002" 5000   # repaired for the backfill below

# A manifest changed at the source no longer matches its signature: refused, nothing copied.
cp "$(backup_dir "$C" "$Cc")/manifest.json" "$C/manifest.keep"
sed -i 's/"policy"/ "policy"/' "$(backup_dir "$C" "$Cc")/manifest.json"
out=$("$BIN" copy --config "$cfg" tree --from nas --to offsite --backup "$Cc" 2>/dev/null); code=$?
check "copy: a manifest whose signature does not verify is refused (exit 1) and no chunk is sent" \
    bash -c "[ $code -eq 1 ] && echo '$out' | grep -q 'FAILED: manifest refused: nas: manifest.json.sig' &&
        [ \$(aws --endpoint-url '$MOTO' s3api list-objects-v2 --bucket lifeboat-copy --prefix 'prod/e2e/tree/$Cc/' --query 'length(Contents || \`[]\`)' --output text) = 0 ]"
cp "$C/manifest.keep" "$(backup_dir "$C" "$Cc")/manifest.json"

# Local -> S3, killed with SIGKILL mid-way (a PUT stalled by the proxy), then resumed.
s3_fault copy pass 0
n0=$(s3_proxy_count copy)
"$BIN" copy --config "$cfg" tree --from nas --to offsite --backup "$A" >"$C/kill.out" 2>&1 &
pid=$!
puts() { s3_proxy_log copy | tail -n +$((n0 + 1)) | grep -c " PUT .*/$A/data\.[0-9]* .* pass$"; }
for _ in $(seq 1 400); do [ "$(puts)" -ge 4 ] && break; sleep 0.05; done
s3_fault copy stall -1 PUT
for _ in $(seq 1 400); do s3_proxy_log copy | tail -n +$((n0 + 1)) | grep -q ' PUT .* stall$' && break; sleep 0.05; done
kill -9 "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
before=$(puts)
echo "#   killed after $before of $nchunks chunks were PUT"
check "copy: killed mid-way: some but not all chunks sent, no manifest at S3, no offsite copy in the catalog" \
    bash -c "[ $before -ge 1 ] && [ $before -lt $nchunks ] &&
        ! aws --endpoint-url '$MOTO' s3api head-object --bucket lifeboat-copy --key 'prod/e2e/tree/$A/manifest.json' >/dev/null 2>&1 &&
        [ \"\$(sqlite3 '$C/state/catalog.sqlite' \"select count(*) from copy where backup_id = '$A' and destination = 'offsite'\")\" = 0 ]"
s3_fault copy pass 0
"$BIN" copy --config "$cfg" tree --from nas --to offsite --backup "$A" --json >"$C/resume.json" 2>"$C/resume.err"; code=$?
check "copy: resumed: exit 0, status copied, the chunks already there counted as present, not sent" python3 -c '
import json, sys
[o] = json.load(open(sys.argv[1]))
assert o["status"] == "copied" and o["error"] is None, o
assert o["chunks"] == int(sys.argv[2]) and o["chunks_present"] >= int(sys.argv[3]), o
assert o["chunks_sent"] + o["chunks_present"] == o["chunks"] and o["bytes_sent"] > 0, o
assert set(o) >= {"policy", "id", "from", "to", "seconds"} and (o["from"], o["to"]) == ("nas", "offsite"), o
' "$C/resume.json" "$nchunks" "$before"
dup=$(s3_proxy_log copy | tail -n +$((n0 + 1)) | grep " PUT .*/$A/data\.[0-9]* .* pass$" | awk '{print $3}' | sort | uniq -d | wc -l)
sent=$(s3_proxy_log copy | tail -n +$((n0 + 1)) | grep " PUT .*/$A/data\.[0-9]* .* pass$" | awk '{print $3}' | sort -u | wc -l)
echo "#   PUTs that reached S3: $sent distinct chunks, $dup sent twice"
check "copy: across the killed and the resumed copy every chunk reached S3 exactly once" test "$sent/$dup" = "$nchunks/0"
check "copy: the manifest and its signature are at S3, and list shows offsite shipped" \
    bash -c "aws --endpoint-url '$MOTO' s3api head-object --bucket lifeboat-copy --key 'prod/e2e/tree/$A/manifest.json' >/dev/null &&
        aws --endpoint-url '$MOTO' s3api head-object --bucket lifeboat-copy --key 'prod/e2e/tree/$A/manifest.json.sig' >/dev/null"
check "copy: ... list shows the backup complete at both" test "$(s3_status "$C" "$A")" = "complete nas=shipped offsite=shipped"
check "copy: the manifest at S3 is byte for byte the one at nas (its signature still holds)" \
    bash -c "aws --endpoint-url '$MOTO' s3 cp --quiet 's3://lifeboat-copy/prod/e2e/tree/$A/manifest.json' '$C/m.s3' && cmp -s '$C/m.s3' '$(backup_dir "$C" "$A")/manifest.json'"

# The copy restores: the local copy is removed, so restore can only read S3.
rm -rf "$(backup_dir "$C" "$A")"
"$BIN" restore --config "$cfg" tree --backup "$A" --to "$C/restored" --identity "$C/keys/ops.sec.asc" >/dev/null 2>"$C/restore.err"
check "copy: the backup restores from the S3 copy alone (exit 0) and the tree is identical" \
    bash -c "[ $? -eq 0 ] && python3 '$ROOT/scripts/lib/tree_diff.py' '$C/tree' '$C/restored$C/tree'"

# S3 -> local: the deleted local copy is refilled from S3.
out=$("$BIN" copy --config "$cfg" tree --from offsite --to nas --backup "$A" 2>/dev/null); code=$?
echo "#   $out"
check "copy: S3 -> local refills the deleted local copy: exit 0, every chunk sent" \
    bash -c "[ $code -eq 0 ] && echo '$out' | grep -q 'offsite -> nas: copied ($nchunks of $nchunks chunks sent'"
"$BIN" verify --config "$cfg" tree --backup "$A" >"$C/verify.out" 2>&1
check "copy: ... verify of that backup passes at both destinations" \
    bash -c "[ $? -eq 0 ] && [ \$(grep -c ': ok (' '$C/verify.out') -eq 2 ]"
out=$("$BIN" copy --config "$cfg" tree --from offsite --to nas --backup "$A" 2>/dev/null)
check "copy: copied again: already there, nothing sent" bash -c "echo '$out' | grep -q 'offsite -> nas: already there'"

# run backfills the destination added to the policy: the two other backups, newest first.
n1=$(s3_proxy_count copy)
out=$("$BIN" run --config "$cfg" 2>"$C/run.err"); code=$?
echo "$out" | sed 's/^/#   run: /'
check "copy: run backfills offsite with the two backups it lacked, newest first (exit 0)" \
    bash -c "[ $code -eq 0 ] && [ \"\$(echo '$out' | grep 'copied from nas to offsite (backfill)' | awk '{print \$2}' | tr '\n' ' ')\" = '$Cc $B ' ]"
check "copy: ... both are complete at both destinations" \
    test "$(s3_status "$C" "$B")/$(s3_status "$C" "$Cc")" = "complete nas=shipped offsite=shipped/complete nas=shipped offsite=shipped"
"$BIN" verify --config "$cfg" tree --backup "$B" >/dev/null 2>&1
check "copy: ... verify of a backfilled backup passes" test $? -eq 0
check "copy: ... latest.json at S3 names the newest backup" \
    bash -c "aws --endpoint-url '$MOTO' s3 cp --quiet s3://lifeboat-copy/prod/e2e/tree/latest.json - | grep -q '$Cc'"
n2=$(s3_proxy_count copy)
out=$("$BIN" run --config "$cfg" 2>&1)
check "copy: the next run has nothing to backfill and sends no request to S3" \
    bash -c "! echo '$out' | grep -q backfill && [ $(s3_proxy_count copy) -eq $n2 ]"
: "$n1"

# A lost destination: the S3 objects of the newest backup vanish; verify finds it and marks the copy
# lost; the next run refills it from nas.
awss3 s3 rm --quiet --recursive "s3://lifeboat-copy/prod/e2e/tree/$Cc/"
out=$("$BIN" verify --config "$cfg" tree --backup "$Cc" 2>"$C/verify.err"); code=$?
check "copy: verify of the emptied S3 copy exits 1 and the catalog marks it lost (degraded, offsite failed)" \
    bash -c "[ $code -eq 1 ] && echo '$out' | grep -q 'offsite: FAILED: manifest.json is missing' &&
        [ \"\$('$BIN' list --config '$cfg' --json | python3 -c 'import json,sys; b=[x for x in json.load(sys.stdin) if x[\"id\"]==\"$Cc\"][0]; print(b[\"status\"], [d[\"status\"] for d in b[\"destinations\"] if d[\"name\"]==\"offsite\"][0])')\" = 'degraded failed' ]"
out=$("$BIN" run --config "$cfg" 2>"$C/run2.err"); code=$?
echo "$out" | sed 's/^/#   run: /'
check "copy: the next run refills it from nas: exit 0, every chunk sent again" \
    bash -c "[ $code -eq 0 ] && echo '$out' | grep -q '$Cc copied from nas to offsite (backfill): $nchunks of $nchunks chunks sent'"
"$BIN" verify --config "$cfg" tree --backup "$Cc" >/dev/null 2>&1
check "copy: ... verify passes and the backup is complete again" \
    bash -c "[ $? -eq 0 ] && [ '$(s3_status "$C" "$Cc")' = 'complete nas=shipped offsite=shipped' ]"

# copy --all: every backup already there, nothing sent, one JSON object each.
"$BIN" copy --config "$cfg" tree --from nas --to offsite --all --json >"$C/all.json" 2>/dev/null
check "copy: --all --json: one object per backup, newest first, all already there" python3 -c '
import json, sys
out = json.load(open(sys.argv[1]))
assert [o["id"] for o in out] == sys.argv[2:], out
assert all(o["status"] == "present" and o["chunks_sent"] == 0 for o in out), out
' "$C/all.json" "$Cc" "$B" "$A"
fi
