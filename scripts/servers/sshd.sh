#!/usr/bin/env bash
# Starts a throwaway OpenSSH sshd (SFTP only, key login, its own host key) on 127.0.0.1 on a free port.
# Usage: scripts/servers/sshd.sh start DIR   -> DIR/sshd.port, DIR/sshd.pid, DIR/client_key (the user's
#                                               private key), DIR/rclone.conf (remote "sftp"); prints the port
#        scripts/servers/sshd.sh stop DIR      (ends its open sessions too: an upload under way is cut)
# The port is kept in DIR/sshd.port, so `start` after `stop` brings the same server back on the same port.
# Installs openssh-server with apt when sshd is missing.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 64; }

case "$cmd" in
start)
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ ! -x /usr/sbin/sshd ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
    fi
    mkdir -p /run/sshd
    [ -f "$dir/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/host_key"
    [ -f "$dir/client_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$dir/client_key"
    cp "$dir/client_key.pub" "$dir/authorized_keys"
    if [ -f "$dir/sshd.port" ]; then
        port=$(cat "$dir/sshd.port")
    else
        port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
        echo "$port" >"$dir/sshd.port"
    fi
    cat >"$dir/sshd_config" <<CFG
ListenAddress 127.0.0.1
Port $port
HostKey $dir/host_key
PidFile $dir/sshd.pid
AuthorizedKeysFile $dir/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
Subsystem sftp internal-sftp
CFG
    /usr/sbin/sshd -D -e -f "$dir/sshd_config" >>"$dir/sshd.log" 2>&1 &
    echo $! >"$dir/sshd.pid"
    cat >"$dir/rclone.conf" <<CONF
[sftp]
type = sftp
host = 127.0.0.1
port = $port
user = $(id -un)
key_file = $dir/client_key
known_hosts_file =
shell_type = none
CONF
    chmod 600 "$dir/rclone.conf"
    for _ in $(seq 1 100); do
        if python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2)' "$port" 2>/dev/null; then
            echo "$port"
            exit 0
        fi
        if ! kill -0 "$(cat "$dir/sshd.pid")" 2>/dev/null; then
            echo "sshd exited: $(tail -5 "$dir/sshd.log")" >&2
            exit 1
        fi
        sleep 0.1
    done
    echo "sshd did not answer on port $port" >&2
    kill "$(cat "$dir/sshd.pid")" 2>/dev/null || true
    exit 1
    ;;
stop)
    if [ -f "$dir/sshd.pid" ]; then
        pid=$(cat "$dir/sshd.pid")
        # The sessions first (sshd's children, by its pid): an upload under way is cut, as when a server dies.
        pkill -KILL -P "$pid" 2>/dev/null || true
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        rm -f "$dir/sshd.pid"
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 64
    ;;
esac
