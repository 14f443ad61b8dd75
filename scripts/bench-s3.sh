#!/usr/bin/env bash
# Upload throughput to S3 (a local moto_server): Lifeboat shipping the chunks of one backup next to
# `aws s3 cp --recursive` of the very same chunk files, in the same run, as a ratio. Then the `copy`
# rows: `lifeboat copy` of that backup from its bucket to a second one next to `rclone copy` of the
# same objects to a third (server-side copy disabled, so rclone too reads and writes every byte), and
# `lifeboat copy` of it to an rclone/SFTP destination next to `rclone copy` from S3 to SFTP, both as
# it is and asked to compute the sha256 of what it writes (through its hasher overlay), the check
# lifeboat makes on every chunk, so the cost of that check shows apart from lifeboat's own. Then
# the rclone/SFTP row: a backup shipped through `type: rclone` to a local OpenSSH sshd next to
# `rclone copy` of its chunks.
# The backup is first spooled with S3 unreachable, so what is timed is the upload alone (`lifeboat run`
# shipping the spool), not compression or encryption.
#   SIZE_MIB     backup size (default 1024: 1 GiB of incompressible data)
#   CONCURRENCY  chunks of the backup uploaded at a time (default 4)
#   CHUNK        chunk size (default 64MiB)
#   ROUNDS       how many times each copy row runs (default 2)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
SIZE_MIB=${SIZE_MIB:-1024}
CONCURRENCY=${CONCURRENCY:-4}
CHUNK=${CHUNK:-64MiB}
bash scripts/prerequisites.sh >/dev/null
# shellcheck source=lib/bench_policy.sh
source scripts/lib/bench_policy.sh
W=$(mktemp -d /tmp/lbbench-s3.XXXXXX)
trap '"$ROOT/scripts/servers/moto.sh" stop "$W/moto" >/dev/null 2>&1 || true
    "$ROOT/scripts/servers/sshd.sh" stop "$W/sshd" >/dev/null 2>&1 || true; rm -rf "$W"' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$W/aws-config AWS_SHARED_CREDENTIALS_FILE=$W/aws-credentials  # leave ~/.aws alone

PORT=$("$ROOT/scripts/servers/moto.sh" start "$W/moto")
EP=http://127.0.0.1:$PORT
aws --endpoint-url "$EP" s3api create-bucket --bucket bench >/dev/null

mkdir -p "$W/tree" "$W/policies"
head -c $((SIZE_MIB << 20)) /dev/urandom >"$W/tree/data.bin"
"$BIN" keygen --out "$W" --name bench >/dev/null
printf 'AWS_ACCESS_KEY_ID=bench\nAWS_SECRET_ACCESS_KEY=bench\n' >"$W/s3.env"
chmod 600 "$W/s3.env"
printf 'host: bench\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\n' >"$W/lifeboat.yaml"
policy() {
    bench_tree_policy "$W" 1 <<Y
chunk_size: $CHUNK
destinations:
  - name: s3
    type: s3
    endpoint: "$1"
    bucket: bench
    credentials: ../s3.env
    concurrency: $CONCURRENCY
    retry: { attempts: 1 }
Y
}
# Spool the backup with S3 unreachable (a closed port), keep a copy of its chunks for awscli.
CLOSED=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
policy "http://127.0.0.1:$CLOSED"
"$BIN" backup --config "$W/lifeboat.yaml" tree >/dev/null 2>&1 || true
SPOOLED=$(ls -d "$W"/state/spool/tree/*/)
mkdir "$W/copy"
cp -l "$SPOOLED"data.* "$W/copy/"
BYTES=$(du -cb "$W"/copy/data.* | tail -1 | cut -f1)
echo "backup of $SIZE_MIB MiB: $(ls "$W/copy" | wc -l) chunks of $CHUNK, $BYTES bytes; $CONCURRENCY at a time; binary $BIN"

# Lifeboat: ship the spool (each chunk hashed, signed with its sha256, PUT; multipart above 64 MiB).
policy "$EP"
t0=$(date +%s.%N)
"$BIN" run --config "$W/lifeboat.yaml" >/dev/null
t1=$(date +%s.%N)
# awscli: the same files, its default 10 concurrent requests and 8 MiB multipart parts.
t2=$(date +%s.%N)
aws --endpoint-url "$EP" s3 cp --quiet --recursive "$W/copy/" s3://bench/awscli/
t3=$(date +%s.%N)
python3 - "$BYTES" "$t0" "$t1" "$t2" "$t3" <<'PY'
import sys
b, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:])
lb, aws = b / (t1 - t0) / 1e6, b / (t3 - t2) / 1e6
print(f"lifeboat ship: {t1 - t0:6.2f} s  {lb:7.1f} MB/s")
print(f"aws s3 cp:     {t3 - t2:6.2f} s  {aws:7.1f} MB/s")
print(f"ratio lifeboat/awscli: {lb / aws:.2f}")
PY
n=$(aws --endpoint-url "$EP" s3api list-objects-v2 --bucket bench --query 'length(Contents)' --output text)
echo "objects in the bucket: $n (both uploads)"

# copy: S3 -> S3 between two buckets of the same server. Lifeboat checks the manifest's signature and
# every chunk's sha256 on the way (staging each chunk in the spool, the sha256 passed on to the PUT);
# rclone copies the same objects with as many transfers at a time, reading and writing every byte
# (--disable Copy: no server-side copy). Each copy row runs ROUNDS times (default 2), the targets emptied
# between rounds, lifeboat first in odd rounds and rclone first in even ones, so a figure disturbed by
# other work on the machine shows; `uptime` is printed with it, and each row's median ratio at the end.
ROUNDS=${ROUNDS:-2}
ID=$(basename "$SPOOLED")
aws --endpoint-url "$EP" s3api create-bucket --bucket bench-copy >/dev/null
aws --endpoint-url "$EP" s3api create-bucket --bucket bench-rclone >/dev/null
REMOTE=":s3,provider=Other,endpoint='$EP',access_key_id=bench,secret_access_key=bench,region=us-east-1"
# ratio LABEL BYTES T0 T1 T2 T3 [A B]: A's time T0..T1 (default lifeboat copy) next to B's T2..T3
# (default rclone copy) for the same bytes.
ratio() {
    python3 - "$@" <<'PY'
import sys
label, b, t0, t1, t2, t3 = sys.argv[1], int(float(sys.argv[2])), *map(float, sys.argv[3:7])
a = sys.argv[7] if len(sys.argv) > 7 else "lifeboat copy"
c = sys.argv[8] if len(sys.argv) > 8 else "rclone copy"
lb, rc = b / (t1 - t0) / 1e6, b / (t3 - t2) / 1e6
print(f"{label}: {a} {t1 - t0:6.2f} s {lb:7.1f} MB/s, {c} {t3 - t2:6.2f} s {rc:7.1f} MB/s, ratio {lb / rc:.2f}")
PY
}
# The rclone binary itself, not a version manager's shim in front of it.
RCLONE_DIR=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
[ -x "$RCLONE_DIR/rclone" ] && export PATH="$RCLONE_DIR:$PATH"
"$ROOT/scripts/servers/sshd.sh" start "$W/sshd" >/dev/null
bench_tree_policy "$W" 1 <<Y
chunk_size: $CHUNK
destinations:
  - { name: s3, type: s3, endpoint: "$EP", bucket: bench, credentials: ../s3.env, concurrency: $CONCURRENCY }
  - { name: s3b, type: s3, endpoint: "$EP", bucket: bench-copy, credentials: ../s3.env, concurrency: $CONCURRENCY }
  - name: sftp
    type: rclone
    remote: "sftp:$W/sshd/stored/lifeboat-copy"
    config: ../sshd/rclone.conf
    concurrency: $CONCURRENCY
Y
echo "copy of backup $ID, $CONCURRENCY chunks (lifeboat) or transfers (rclone) at a time:"
# Each side of a row as a command; a round runs lifeboat first in odd rounds and rclone first in even
# ones, so neither always meets a warmer cache or a busier machine.
lb_s3() { "$BIN" copy --config "$W/lifeboat.yaml" tree --from s3 --to s3b --backup "$ID" >/dev/null; }
rc_s3() {
    rclone copy -q --disable Copy --transfers "$CONCURRENCY" --checkers "$CONCURRENCY" \
        "$REMOTE:bench/bench/tree/$ID" "$REMOTE:bench-rclone/bench/tree/$ID"
}
lb_sftp() { "$BIN" copy --config "$W/lifeboat.yaml" tree --from s3 --to sftp --backup "$ID" >/dev/null; }
rc_sftp() {
    rclone --config "$W/sshd/rclone.conf" copy -q --transfers "$CONCURRENCY" --checkers "$CONCURRENCY" \
        "$REMOTE:bench/bench/tree/$ID" "sftp:$W/sshd/stored/rclone-copy-s3"
}
# rclone copy writing through its hasher overlay, which computes the sha256 of every byte it writes.
HASHED=":hasher,remote='sftp:$W/sshd/stored/rclone-sha256',hashes=sha256,max_age=off:"
rc_sftp_sha256() {
    rclone --config "$W/sshd/rclone.conf" --cache-dir "$W/rclone-cache" copy -q --transfers "$CONCURRENCY" \
        --checkers "$CONCURRENCY" "$REMOTE:bench/bench/tree/$ID" "$HASHED"
}
# What the S3 -> SFTP rows write, removed before each round and at the end.
SFTP_COPIES=("$W/sshd/stored/lifeboat-copy" "$W/sshd/stored/rclone-copy-s3" "$W/sshd/stored/rclone-sha256"
    "$W/rclone-cache")
# side CMD: the seconds CMD took. The dirty pages earlier work left are written out first (sync,
# untimed): otherwise the kernel flushes them, gigabytes at a time, in the middle of whichever copy
# happens to run then, and charges that copy with the other's writes.
side() {
    local a b
    sync
    a=$(date +%s.%N); $1; b=$(date +%s.%N)
    python3 -c "print($b - $a)"
}
# timed ROUND LB RC [RC2]: sets LB_T, RC_T (and RC2_T) to the seconds each side took, lifeboat first
# in odd rounds and last in even ones.
timed() {
    if [ $(($1 % 2)) -eq 1 ]; then
        LB_T=$(side "$2"); RC_T=$(side "$3")
        [ -z "${4:-}" ] || RC2_T=$(side "$4")
    else
        [ -z "${4:-}" ] || RC2_T=$(side "$4")
        RC_T=$(side "$3"); LB_T=$(side "$2")
    fi
}
: >"$W/ratios"
for round in $(seq 1 "$ROUNDS"); do
    aws --endpoint-url "$EP" s3 rm --quiet --recursive s3://bench-copy/
    aws --endpoint-url "$EP" s3 rm --quiet --recursive s3://bench-rclone/
    first=$([ $((round % 2)) -eq 1 ] && echo lifeboat || echo rclone)
    echo "  round $round ($first first), load: $(uptime | sed 's/.*load average: //')"
    timed "$round" lb_s3 rc_s3
    COPIED=$(aws --endpoint-url "$EP" s3api list-objects-v2 --bucket bench-copy --query 'sum(Contents[].Size)' --output text)
    ratio "  S3 -> S3  " "$COPIED" 0 "$LB_T" 0 "$RC_T" | tee -a "$W/ratios"
    # S3 -> rclone/SFTP (the sshd of scripts/servers): lifeboat through its rclone destination, rclone
    # reading the same objects from S3 and writing them over SFTP.
    rm -rf "${SFTP_COPIES[@]}"
    echo "  round $round ($first first), load: $(uptime | sed 's/.*load average: //')"
    timed "$round" lb_sftp rc_sftp rc_sftp_sha256
    COPIED=$(du -cb "$W/sshd/stored/lifeboat-copy/bench/tree/$ID"/* | tail -1 | cut -f1)
    RCOPIED=$(du -cb "$W/sshd/stored/rclone-copy-s3"/* | tail -1 | cut -f1)
    [ "$COPIED" = "$RCOPIED" ] || echo "  (lifeboat wrote $COPIED bytes, rclone $RCOPIED)"
    ratio "  S3 -> SFTP" "$COPIED" 0 "$LB_T" 0 "$RC_T" | tee -a "$W/ratios"
    ratio "  S3 -> SFTP, rclone hashing sha256 too" "$COPIED" 0 "$LB_T" 0 "$RC2_T" | tee -a "$W/ratios"
    ratio "  S3 -> SFTP, the sha256's own cost to rclone" "$COPIED" 0 "$RC2_T" 0 "$RC_T" \
        "rclone hashing" "rclone as it is" | tee -a "$W/ratios"
done
python3 - "$W/ratios" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, _, rest = line.partition(":")
    rows.setdefault(label.strip(), []).append(float(rest.rsplit("ratio", 1)[1]))
for label, r in rows.items():
    print(f"{label}: median ratio {statistics.median(r):.2f} over {len(r)} rounds ({', '.join(f'{x:.2f}' for x in r)})")
PY
# The hasher really computed the sha256 of what it wrote: its sum of the last round's first chunk is
# the chunk's own.
sum_rclone=$(rclone --config "$W/sshd/rclone.conf" --cache-dir "$W/rclone-cache" hashsum sha256 "$HASHED" \
    --include data.000000 |
    cut -d' ' -f1 || true)
sum_chunk=$(sha256sum "$W/copy/data.000000" | cut -d' ' -f1)
if [ "$sum_rclone" = "$sum_chunk" ]; then echo "rclone's hasher held the sha256 of what it wrote"; else
    echo "rclone's hasher held ${sum_rclone:-no sha256} for data.000000, not $sum_chunk: its row is not like for like"
fi
"$ROOT/scripts/servers/sshd.sh" stop "$W/sshd"
rm -rf "${SFTP_COPIES[@]}"

# The rclone/SFTP shipping row.
"$ROOT/scripts/servers/sshd.sh" start "$W/sshd" >/dev/null
policy_rclone() {
    bench_tree_policy "$W" 1 <<Y
chunk_size: $CHUNK
destinations:
  - name: sftp
    type: rclone
    remote: "sftp:$W/sshd/stored"
    config: ../sshd/rclone.conf
    concurrency: $CONCURRENCY
    retry: { attempts: 1 }
Y
}
policy_rclone
# Spool a new backup with the server stopped, then time shipping it once the server is back.
"$ROOT/scripts/servers/sshd.sh" stop "$W/sshd"
"$BIN" backup --config "$W/lifeboat.yaml" tree >/dev/null 2>&1 || true
SPOOLED=$(ls -d "$W"/state/spool/tree/*/)
mkdir "$W/rcopy"
cp -l "$SPOOLED"data.* "$W/rcopy/"
RBYTES=$(du -cb "$W"/rcopy/data.* | tail -1 | cut -f1)
"$ROOT/scripts/servers/sshd.sh" start "$W/sshd" >/dev/null
t0=$(date +%s.%N)
"$BIN" run --config "$W/lifeboat.yaml" >/dev/null
t1=$(date +%s.%N)
t2=$(date +%s.%N)
rclone --config "$W/sshd/rclone.conf" copy --transfers "$CONCURRENCY" "$W/rcopy/" "sftp:$W/sshd/stored/rclone-copy" 2>/dev/null
t3=$(date +%s.%N)
python3 - "$RBYTES" "$t0" "$t1" "$t2" "$t3" "$CONCURRENCY" <<'PY'
import sys
b, t0, t1, t2, t3 = int(sys.argv[1]), *map(float, sys.argv[2:6])
lb, rc = b / (t1 - t0) / 1e6, b / (t3 - t2) / 1e6
print(f"lifeboat ship via rclone/sftp: {t1 - t0:6.2f} s  {lb:7.1f} MB/s")
print(f"rclone copy --transfers {sys.argv[6]}:  {t3 - t2:6.2f} s  {rc:7.1f} MB/s")
print(f"ratio lifeboat/rclone: {lb / rc:.2f}")
PY

