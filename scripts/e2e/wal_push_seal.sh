# wal-push seals a WAL segment at gzip level 1 whatever the policy's compression.level (WAL is sealed
# while the server writes on the same cores), opens no catalog, and what it writes is a standard
# OpenPGP message with gzip inside: gpg --decrypt | gunzip and wal-fetch give back the very bytes.
S=$WORK/walseal
make_config "$S"
db_policy "$S" cluster postgres "dsn: \"host=127.0.0.1 port=5432 user=postgres\"
method: physical"
echo "compression: { level: 9 }" >>"$S/policies/cluster.yaml"
SEG=000000010000000000000007
# 16 MiB like a WAL segment: 8 KiB pages, each part varied bytes and part zeros.
python3 - "$S/$SEG" <<'PY'
import random, sys
r = random.Random(7)
with open(sys.argv[1], "wb") as f:
    for _ in range(2048):
        f.write(bytes(r.randrange(16) for _ in range(3000)) + bytes(8192 - 3000))
PY
"$BIN" wal-push --config "$S/lifeboat.yaml" "$S/$SEG" 2>"$S/push.err"
check "wal-push seal: exit 0 and the segment with its signature at the destination" \
    test -s "$S/nas/e2e/cluster/wal/00000001/$SEG" -a -s "$S/nas/e2e/cluster/wal/00000001/$SEG.sig"
check "wal-push seal: no catalog is opened or made by wal-push" test ! -e "$S/state/catalog.sqlite"
gpg --batch --quiet --import "$S/keys/ops.sec.asc" 2>/dev/null
gpg --batch --quiet --decrypt "$S/nas/e2e/cluster/wal/00000001/$SEG" 2>/dev/null >"$S/seg.gz"
check "wal-push seal: gpg --decrypt | gunzip gives back the segment" cmp -s <(gunzip <"$S/seg.gz") "$S/$SEG"
check "wal-push seal: gzip level 1 (XFL 'fastest') although the policy says level 9" \
    test "$(od -An -tx1 -j8 -N1 "$S/seg.gz" | tr -d ' ')" = 04
"$BIN" wal-fetch --config "$S/lifeboat.yaml" --identity "$S/keys/ops.sec.asc" "$SEG" "$S/fetched" 2>"$S/fetch.err"
check "wal-push seal: wal-fetch gives back the segment" cmp -s "$S/fetched" "$S/$SEG"
