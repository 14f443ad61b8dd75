# A policy with a local and an S3 destination (moto_server): both get the backup, awscli reads what
# Lifeboat uploaded and gpg decrypts it; verify checks both; a flipped byte is named and routed around.
if [ -z "$MOTO_PORT" ]; then
    fail "s3: moto_server did not start"
else
S=$WORK/s3ship
s3_setup "$S" "$MOTO" lifeboat-ship
out=$("$BIN" backup --config "$S/lifeboat.yaml" tree 2>"$S/backup.err")
code=$?
ID=$(echo "$out" | awk '{print $2}')
check "s3: backup to nas and s3 exits 0, complete" test "$code" -eq 0 -a "$(echo "$out" | awk '{print $3}')" = complete
check "s3: list shows both destinations shipped" test "$(s3_status "$S" "$ID")" = "complete nas=shipped offsite=shipped"

keys=$(awss3 s3api list-objects-v2 --bucket lifeboat-ship --query 'Contents[].Key' --output text | tr '\t' '\n' | sort)
nchunks=$(ls "$(backup_dir "$S" "$ID")" | grep -c '^data\.')
check "s3: awscli lists the manifest and every chunk under prefix/host/policy/id" \
    test "$(echo "$keys" | grep -c "^prod/e2e/tree/$ID/data\.")" -eq "$nchunks" -a \
    "$(echo "$keys" | grep -c "^prod/e2e/tree/$ID/manifest.json$")" -eq 1
mkdir -p "$S/froms3"
for k in $(echo "$keys" | grep "/$ID/"); do awss3 s3 cp --quiet "s3://lifeboat-ship/$k" "$S/froms3/$(basename "$k")"; done
check "s3: the copies awscli fetched equal the local destination's" diff -r "$S/froms3" "$(backup_dir "$S" "$ID")"
GNUPGHOME=$S/gh; mkdir -m 700 "$GNUPGHOME"
gpg --homedir "$GNUPGHOME" --batch --quiet --import "$S/keys/ops.sec.asc" 2>/dev/null
mkdir "$S/manual"
(cd "$S/manual" && cat "$S/froms3"/data.* | gpg --homedir "$GNUPGHOME" --batch --quiet --decrypt 2>/dev/null | gunzip | tar -x 2>/dev/null)
check "s3: cat data.* | gpg --decrypt | gunzip | tar -x of the S3 copy gives the tree back" \
    python3 "$ROOT/scripts/lib/tree_diff.py" "$S/tree" "$S/manual${S}/tree"
gpgconf --homedir "$GNUPGHOME" --kill gpg-agent 2>/dev/null || true
export GNUPGHOME=$WORK/gh

out=$("$BIN" verify --config "$S/lifeboat.yaml" tree)
check "s3: verify exits 0 with one ok line per destination" \
    test $? -eq 0 -a "$(echo "$out" | grep -c ' ok (')" -eq 2

# A byte flipped in one chunk at the local destination: verify names it there; restore takes the S3 copy.
BD=$(backup_dir "$S" "$ID")
python3 - "$BD/data.000001" <<'PY'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read()); b[1000] ^= 0x20; open(p, "wb").write(b)
PY
out=$("$BIN" verify --config "$S/lifeboat.yaml" tree)
code=$?
check "s3: verify exits 1 and names the damaged chunk at nas only" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c 'nas: FAILED: data.000001 is damaged')" -eq 1 -a \
    "$(echo "$out" | grep -c 'offsite: ok')" -eq 1
"$BIN" restore --config "$S/lifeboat.yaml" tree --to "$S/restored" --identity "$S/keys/ops.sec.asc" >/dev/null 2>"$S/restore.err"
code=$?
check "s3: restore exits 0 and says it used the offsite copy of the damaged chunk" \
    test "$code" -eq 0 -a "$(grep -c 'data.000001 is damaged.*used the copy at offsite' "$S/restore.err")" -ge 1
check "s3: the restored tree is identical" python3 "$ROOT/scripts/lib/tree_diff.py" "$S/tree" "$S/restored${S}/tree"

# A byte flipped in the S3 copy: verify names it at offsite.
awss3 s3 cp --quiet "s3://lifeboat-ship/prod/e2e/tree/$ID/data.000000" "$S/c0"
python3 -c 'import sys; p=sys.argv[1]; b=bytearray(open(p,"rb").read()); b[7]^=1; open(p,"wb").write(b)' "$S/c0"
awss3 s3 cp --quiet "$S/c0" "s3://lifeboat-ship/prod/e2e/tree/$ID/data.000000"
out=$("$BIN" verify --config "$S/lifeboat.yaml" tree --backup "$ID")
check "s3: verify names a chunk damaged at S3" \
    test $? -eq 1 -a "$(echo "$out" | grep -c 'offsite: FAILED: data.000000 is damaged: sha256')" -eq 1

# A credentials file that others can read is refused before anything is touched.
chmod 644 "$S/s3.env"
before=$(sqlite3 "$S/state/catalog.sqlite" 'select count(*) from backup')
err=$("$BIN" backup --config "$S/lifeboat.yaml" tree 2>&1 >/dev/null)
code=$?
check "s3: a group/other-readable credentials file is refused with exit 65 naming it" \
    test "$code" -eq 65 -a "$(echo "$err" | grep -c 's3.env.*readable by group or others')" -eq 1
check "s3: ... and no backup was started" test "$(sqlite3 "$S/state/catalog.sqlite" 'select count(*) from backup')" = "$before"
check "s3: the secret never appears in any output" bash -c "! grep -rq 'AWS_SECRET\|testing' '$S/backup.err' '$S/restore.err'"
chmod 600 "$S/s3.env"
fi
