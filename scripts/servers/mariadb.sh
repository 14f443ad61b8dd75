# A MariaDB server for tests and benchmarks: 127.0.0.1 and a socket in /tmp, run as root
# (mariadbd --user=root), stopped by its pid. Source this file.
#   mariadb_start DATADIR SOCKET PORT   install the system tables when DATADIR is empty, start, wait
#   mariadb_stop DATADIR                stop by the pid in DATADIR.pid, wait until it is gone
# MARIADB_LOG_BIN=NAME starts it with its binary log on (--log-bin=NAME --server-id=1), for binlog archiving.
mariadb_start() {
    local d=$1 sock=$2 port=$3 binlog=--skip-log-bin
    [ -n "${MARIADB_LOG_BIN:-}" ] && binlog="--log-bin=$MARIADB_LOG_BIN --server-id=1"
    mkdir -p "$d"
    if [ ! -d "$d/mysql" ]; then
        mariadb-install-db --no-defaults --datadir="$d" --user=root --auth-root-authentication-method=normal \
            --skip-test-db >"$d.install.log" 2>&1 || { cat "$d.install.log" >&2; return 1; }
    fi
    mariadbd --no-defaults --user=root --datadir="$d" --socket="$sock" --port="$port" --bind-address=127.0.0.1 \
        --pid-file="$d.pid" --innodb-buffer-pool-size=64M --innodb-log-file-size=32M \
        $binlog \
        >"$d.log" 2>&1 &
    for _ in $(seq 1 100); do
        mariadb --no-defaults -S "$sock" -uroot -e 'SELECT 1' >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    cat "$d.log" >&2
    return 1
}

mariadb_stop() {
    local d=$1 pid
    [ -f "$d.pid" ] || return 0
    pid=$(cat "$d.pid")
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}
