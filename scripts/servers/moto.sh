#!/usr/bin/env bash
# Starts moto_server (an S3 API server in memory) on 127.0.0.1 on a free port and waits until it answers.
# Usage: scripts/servers/moto.sh start DIR   -> writes DIR/moto.port and DIR/moto.pid, prints the port
#        scripts/servers/moto.sh stop DIR
# Installs moto[server] with pip when moto_server is missing.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 64; }

case "$cmd" in
start)
    mkdir -p "$dir"
    if ! command -v moto_server >/dev/null 2>&1; then
        python3 -m pip install --quiet 'moto[server]==5.2.1' >&2
    fi
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    moto_server -H 127.0.0.1 -p "$port" >"$dir/moto.log" 2>&1 &
    echo $! >"$dir/moto.pid"
    echo "$port" >"$dir/moto.port"
    for _ in $(seq 1 150); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; then
            echo "$port"
            exit 0
        fi
        if ! kill -0 "$(cat "$dir/moto.pid")" 2>/dev/null; then
            echo "moto_server exited: $(tail -5 "$dir/moto.log")" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "moto_server did not answer on port $port" >&2
    kill "$(cat "$dir/moto.pid")" 2>/dev/null || true
    exit 1
    ;;
stop)
    if [ -f "$dir/moto.pid" ]; then
        pid=$(cat "$dir/moto.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$dir/moto.pid"
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 64
    ;;
esac
