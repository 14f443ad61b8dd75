# kind mariadb with binlog and two destinations, a local folder and S3 (moto): every archived log lands
# at both, and restore --until reads the logs from S3 when the local copies are gone.
# Needs mariadb-server (scripts/prerequisites.sh mariadb-server) and moto.
source "$ROOT/scripts/e2e/s3_aa_common.sh"
if ! command -v mariadbd >/dev/null || [ -z "$MOTO_PORT" ]; then
    fail "pitr_mariadb_s3: mariadb-server or moto_server is not installed (scripts/prerequisites.sh mariadb-server)"
else
source "$ROOT/scripts/servers/mariadb.sh"
Q=$WORK/pitrs3
db_setup "$Q"
pitr_mariadb_up lbqb
QB=$PITR_MDB QSOCK=$PITR_MDB_SOCK
qq() { mariadb --no-defaults -S "$QSOCK" -uroot -N -B "$@"; }
qq -e "CREATE DATABASE shop; CREATE TABLE shop.orders(id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40), at DATETIME(6))"
printf 'AWS_ACCESS_KEY_ID=testing\nAWS_SECRET_ACCESS_KEY=testing\n' >"$Q/s3.env"; chmod 600 "$Q/s3.env"
awss3 s3api create-bucket --bucket pitr >/dev/null 2>&1
pitr_mariadb_policy "$Q" "$QSOCK" \
    "{ name: offsite, type: s3, endpoint: \"$MOTO\", bucket: pitr, region: us-east-1, prefix: \"prod/\", credentials: ../s3.env }"
QID=$(db_backup "$Q" shop)
check "pitr_mariadb_s3: dump backup completes at both destinations" test -n "$QID"
for i in 1 2 3; do qq shop -e "INSERT INTO orders(item, at) VALUES ('row-$i', now(6))"; sleep 1.1; done
"$BIN" run --config "$Q/lifeboat.yaml" >"$Q/run.out" 2>&1
LOGS=$(ls "$Q/nas/e2e/shop/binlog")
KEYS=$(awss3 s3api list-objects-v2 --bucket pitr --query 'Contents[].Key' --output text | tr '\t' '\n' | grep -c '^prod/e2e/shop/binlog/lb\.[0-9]*/manifest.json$')
check "pitr_mariadb_s3: each archived log ($(echo $LOGS)) is at S3 too ($KEYS manifests)" \
    test -n "$LOGS" -a "$KEYS" = "$(echo "$LOGS" | wc -l)"
T=$(qq -e "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') FROM shop.orders WHERE item = 'row-2'")
rm -rf "$Q/nas/e2e/shop/binlog"
"$BIN" restore --config "$Q/lifeboat.yaml" shop --until "$T" --into "socket=$QSOCK user=root database=shop_r" \
    --identity "$Q/keys/ops.sec.asc" >"$Q/restore.out" 2>&1
check "pitr_mariadb_s3: with the local logs gone, restore --until reads them from S3: rows up to T only" \
    test "$(qq -e "SELECT group_concat(item ORDER BY id) FROM shop_r.orders")" = "row-1,row-2"
pitr_mariadb_down "$QB"
fi
