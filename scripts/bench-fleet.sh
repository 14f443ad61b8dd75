#!/usr/bin/env bash
# `lifeboat fleet` over a generated fleet: HOSTS x POLICIES signed latest.json objects (1,000 x 10 by
# default) on a local destination and on a local moto_server bucket. Reports the seconds of each run and
# the requests made (lifeboat's own count, logged with -v; for S3 also moto's request log).
# Goal on the local destination: under 3 s; requests: one listing at the root and one per host, then one
# GET per policy at the bucket (latest.json carries its signature in its metadata) and two in a folder
# (latest.json and latest.json.sig, two file reads), nothing per backup.
#   HOSTS, POLICIES   the fleet's size (default 1000, 10)
#   LIFEBOAT_BIN      the binary (default: the release build in .build-release, built or brought up to date first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
HOSTS=${HOSTS:-1000}
POLICIES=${POLICIES:-10}
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
W=$(mktemp -d /tmp/lbbench-fleet.XXXXXX)
trap '"$ROOT/scripts/servers/moto.sh" stop "$W/moto" >/dev/null 2>&1 || true; gpgconf --homedir "$W/gh" --kill gpg-agent 2>/dev/null || true; rm -rf "$W"' EXIT
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_DEFAULT_REGION=us-east-1
export AWS_CONFIG_FILE=$W/aws-config AWS_SHARED_CREDENTIALS_FILE=$W/aws-credentials  # leave ~/.aws alone

# One operator key (no `lifeboat host` user id) vouches for every host.
mkdir -m 700 "$W/gh"
gpg --homedir "$W/gh" --batch --passphrase '' --quick-gen-key 'Fleet Operator <ops@example.invalid>' ed25519 sign,cert 0 2>/dev/null
gpg --homedir "$W/gh" --batch --armor --export >"$W/operator.pub.asc"
gpg --homedir "$W/gh" --batch --pinentry-mode loopback --passphrase '' --armor --export-secret-keys >"$W/operator.sec.asc"
"$BIN" keygen --out "$W" --name ops >/dev/null

start=$(date +%s.%N)
python3 scripts/lib/fleet_indexes.py "$W/operator.sec.asc" "$W/nas" "$HOSTS" "$POLICIES" >/dev/null
echo "generated $((HOSTS * POLICIES)) signed latest.json in $(echo "$(date +%s.%N) - $start" | bc) s"

# recovery_config NAME DESTINATION-YAML
recovery_config() {
    cat >"$W/$1.yaml" <<YAML
role: recovery
catalog: state-$1/recovery.sqlite
scratch: state-$1/scratch
destinations:
  - $2
identities: [{ key: ops.sec.asc }]
trusted_signers: [operator.pub.asc]
metrics_textfile: state-$1/fleet.prom
YAML
}

# run_fleet NAME: times one `fleet --json` and prints its figures.
run_fleet() {
    local t0 t1 code
    t0=$(date +%s.%N)
    set +e
    "$BIN" fleet --config "$W/$1.yaml" --json -v >"$W/$1.json" 2>"$W/$1.log"
    code=$?
    set -e
    t1=$(date +%s.%N)
    local n
    n=$(python3 -c 'import json, sys; a = json.load(open(sys.argv[1])); print(len(a), sum(1 for x in a if x["id"]))' "$W/$1.json")
    echo "$1: $(echo "$t1 - $t0" | bc) s, exit $code, entries/trusted: $n"
    grep -o 'fleet: [a-z0-9]*: [0-9]* requests.*' "$W/$1.log" | sed "s/^/$1: /"
}

recovery_config local "{ name: nas, type: local, path: $W/nas }"
run_fleet local >/dev/null   # warm the page cache and create the drill catalog
run_fleet local

PORT=$("$ROOT/scripts/servers/moto.sh" start "$W/moto")
EP=http://127.0.0.1:$PORT
aws --endpoint-url "$EP" s3api create-bucket --bucket fleet >/dev/null
start=$(date +%s.%N)
# As lifeboat writes them: each latest.json carries its signature in its metadata (one GET per policy).
python3 scripts/lib/s3_upload_tree.py "$EP" fleet prod/ "$W/nas" >/dev/null
echo "uploaded to moto in $(echo "$(date +%s.%N) - $start" | bc) s"
printf 'AWS_ACCESS_KEY_ID=bench\nAWS_SECRET_ACCESS_KEY=bench\n' >"$W/s3.env"
chmod 600 "$W/s3.env"
recovery_config s3 "{ name: offsite, type: s3, endpoint: \"$EP\", bucket: fleet, region: us-east-1, prefix: \"prod/\", credentials: s3.env }"
before=$(wc -l <"$W/moto/moto.log")
run_fleet s3
tail -n +"$((before + 1))" "$W/moto/moto.log" >"$W/moto-fleet.log"
echo "s3: moto logged $(grep -c '"GET /fleet?' "$W/moto-fleet.log" || true) listings, $(grep -c '"GET /fleet/' "$W/moto-fleet.log" || true) object GETs, $(grep -c '"HEAD ' "$W/moto-fleet.log" || true) HEADs, $(grep -c '"\(PUT\|POST\|DELETE\) ' "$W/moto-fleet.log" || true) writes"
