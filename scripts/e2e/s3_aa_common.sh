# Helpers for the S3 end-to-end tests (s3_*.sh); defines functions and starts one moto_server.
# moto_server and the fault proxy are started here, on 127.0.0.1, and stopped when e2e.sh exits.
# A test that sorts before this file sources it first; it is loaded once.
[ -n "${S3_COMMON_LOADED:-}" ] && return 0
S3_COMMON_LOADED=1

S3_SERVERS=$WORK/s3servers
mkdir -p "$S3_SERVERS"
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
MOTO_PORT=$("$ROOT/scripts/servers/moto.sh" start "$S3_SERVERS/moto") || MOTO_PORT=
MOTO=http://127.0.0.1:$MOTO_PORT
s3_stop_all() {
    for p in "$S3_SERVERS"/proxy*/proxy.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null; done
    "$ROOT/scripts/servers/moto.sh" stop "$S3_SERVERS/moto" 2>/dev/null || true
}
# Chained, so the servers the scripts before this one started (their teardowns are in the trap) stop too.
db_chain_exit s3_stop_all

awss3() { aws --endpoint-url "$MOTO" "$@"; }

# s3_proxy NAME: starts a fault proxy in front of moto; prints its port. Control with s3_fault NAME MODE COUNT [METHOD].
s3_proxy() {
    local d=$S3_SERVERS/proxy-$1
    mkdir -p "$d"
    python3 "$ROOT/scripts/lib/faultproxy.py" "$MOTO_PORT" "$d" >"$d/stderr" 2>&1 &
    echo $! >"$d/proxy.pid"
    for _ in $(seq 1 100); do [ -f "$d/proxy.port" ] && break; sleep 0.05; done
    cat "$d/proxy.port"
}
s3_fault() { echo "$2 $3 ${4:-}" >"$S3_SERVERS/proxy-$1/proxy.control.tmp"; mv "$S3_SERVERS/proxy-$1/proxy.control.tmp" "$S3_SERVERS/proxy-$1/proxy.control"; }
s3_proxy_log() { cat "$S3_SERVERS/proxy-$1/proxy.log" 2>/dev/null; }
s3_proxy_count() { s3_proxy_log "$1" | wc -l; }

# s3_setup DIR ENDPOINT BUCKET [EXTRA-YAML]: make_setup plus an S3 destination `offsite` after the local `nas`.
# EXTRA-YAML is added to the offsite destination (indented by 4).
s3_setup() {
    local d=$1 endpoint=$2 bucket=$3 extra=${4:-}
    make_setup "$d"
    printf 'AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n' "${S3_KEY_ID:-testing}" "${S3_SECRET:-testing}" >"$d/s3.env"
    chmod 600 "$d/s3.env"
    awss3 s3api create-bucket --bucket "$bucket" >/dev/null 2>&1 || true
    head -n -2 "$d/policies/tree.yaml" >"$d/policies/tree.yaml.new"
    {
        echo "destinations:"
        echo "  - { name: nas, type: local, path: ../nas }"
        echo "  - name: offsite"
        echo "    type: s3"
        echo "    endpoint: \"$endpoint\""
        echo "    bucket: $bucket"
        echo "    region: us-east-1"
        echo "    prefix: \"prod/\""
        echo "    credentials: ../s3.env"
        [ -n "$extra" ] && echo "$extra" | sed 's/^/    /'
    } >>"$d/policies/tree.yaml.new"
    mv "$d/policies/tree.yaml.new" "$d/policies/tree.yaml"
}

# s3_status DIR ID: the backup's status in `list --json`, then each destination's, e.g. "degraded nas=shipped offsite=failed".
s3_status() {
    "$BIN" list --config "$1/lifeboat.yaml" --json | python3 -c '
import json, sys
b = [x for x in json.load(sys.stdin) if x["id"] == sys.argv[1]][0]
print(b["status"], " ".join(d["name"] + "=" + d["status"] for d in b["destinations"]))' "$2"
}
