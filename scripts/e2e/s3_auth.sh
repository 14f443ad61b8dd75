# With signature checking switched on in moto_server (an IAM user, a policy, an access key, then
# reset-auth): Lifeboat's SigV4 signatures are accepted, and a wrong secret is refused at once with the
# server's message, without a retry storm. A moto of its own, so the other tests keep checking off.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 auth: moto_server did not start"
else
A=$WORK/s3auth
AUTH_PORT=$("$ROOT/scripts/servers/moto.sh" start "$S3_SERVERS/moto-auth")
AUTH=http://127.0.0.1:$AUTH_PORT
aa() { aws --endpoint-url "$AUTH" "$@"; }
aa s3api create-bucket --bucket lifeboat-auth >/dev/null
aa iam create-user --user-name lifeboat >/dev/null
arn=$(aa iam create-policy --policy-name lifeboat-s3 --query Policy.Arn --output text \
    --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}')
aa iam attach-user-policy --user-name lifeboat --policy-arn "$arn"
read -r S3_KEY_ID S3_SECRET < <(aa iam create-access-key --user-name lifeboat \
    --query 'AccessKey.[AccessKeyId,SecretAccessKey]' --output text)
curl -s -X POST -H 'Content-Type: text/plain' --data-binary 0 "$AUTH/moto-api/reset-auth" >/dev/null
check "s3 auth: with checking on, a request with the dummy key is refused" \
    bash -c "! aws --endpoint-url '$AUTH' s3api head-bucket --bucket lifeboat-auth 2>/dev/null"

# Lifeboat goes through the fault proxy (passing everything) so its requests can be counted.
MOTO_SAVED=$MOTO; MOTO=$AUTH; MOTO_PORT_SAVED=$MOTO_PORT; MOTO_PORT=$AUTH_PORT
PP=$(s3_proxy auth)
S3_KEY_ID=$S3_KEY_ID S3_SECRET=$S3_SECRET s3_setup "$A" "http://127.0.0.1:$PP" lifeboat-auth
out=$("$BIN" backup --config "$A/lifeboat.yaml" tree 2>"$A/err1")
check "s3 auth: signed requests are accepted: backup complete" test $? -eq 0 -a "$(echo "$out" | awk '{print $3}')" = complete
"$BIN" verify --config "$A/lifeboat.yaml" tree >/dev/null 2>&1
check "s3 auth: verify reads every chunk back with signed GETs" test $? -eq 0

printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "$S3_KEY_ID" "wrong${S3_SECRET}" >"$A/s3.env"
before=$(s3_proxy_count auth)
t0=$(date +%s.%N)
out=$("$BIN" backup --config "$A/lifeboat.yaml" tree 2>"$A/err2")
code=$?
t1=$(date +%s.%N)
sent=$(( $(s3_proxy_count auth) - before ))
echo "#   wrong secret: exit $code in $(python3 -c "print(round($t1-$t0,2))")s, $sent request(s) to S3: $(echo "$out" | cut -c1-220)"
check "s3 auth: a wrong secret leaves the backup degraded (exit 1) with the server's SignatureDoesNotMatch message" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c 'degraded.*offsite.*403 SignatureDoesNotMatch: The request signature we calculated does not match')" -eq 1
check "s3 auth: ... and is not retried (at most 2 requests: the HEAD and the GET that fetches the reason)" test "$sent" -le 2
check "s3 auth: the secret is in no output" bash -c "! grep -q -- '$S3_SECRET' '$A/err1' '$A/err2'"
"$ROOT/scripts/servers/moto.sh" stop "$S3_SERVERS/moto-auth"
MOTO=$MOTO_SAVED; MOTO_PORT=$MOTO_PORT_SAVED
unset S3_KEY_ID S3_SECRET
fi
