# PostgreSQL servers for tests and benchmarks: a primary and a streaming replica on 127.0.0.1,
# sockets in /tmp, run as the postgres user (initdb and pg_ctl refuse root). Source this file.
#   pg_primary_start DIR PORT      initdb + start (trust auth; user "backup" with password "backup-pw")
#   pg_replica_start DIR PORT PRIMARY_PORT    pg_basebackup -R, start
#   pg_stop DIR                    stop by the pid in DIR/postmaster.pid
#   pg_teardown DIR SUB...         pg_stop DIR/SUB for each SUB in that order, then remove DIR. As an exit
#                                  hook give it DIR as a word (db_chain_exit "pg_teardown $W a b"), so the
#                                  folder is bound when the hook is set, not when the run ends
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}

_pg() { su postgres -s /bin/sh -c "$*"; }

pg_primary_start() {
    local d=$1 port=$2
    mkdir -p "$d" && chown postgres "$d" && chmod 700 "$d"
    _pg "'$PGBIN/initdb' -D '$d' -A trust --no-sync -U postgres" >/dev/null || return 1
    cat >>"$d/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '/tmp'
wal_level = replica
max_wal_senders = 4
fsync = off
synchronous_commit = off
CONF
    # The backup user must give its password over TCP; everything else is trusted (tests only).
    sed -i '1i host all backup 127.0.0.1/32 scram-sha-256' "$d/pg_hba.conf"
    _pg "'$PGBIN/pg_ctl' -D '$d' -l '$d/log' -w start" >/dev/null || { cat "$d/log" >&2; return 1; }
    "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -c "CREATE ROLE backup LOGIN SUPERUSER PASSWORD 'backup-pw'" >/dev/null
}

pg_replica_start() {
    local d=$1 port=$2 primary=$3
    mkdir -p "$d" && chown postgres "$d" && chmod 700 "$d"
    _pg "'$PGBIN/pg_basebackup' -h 127.0.0.1 -p $primary -U postgres -D '$d' -R -X stream -c fast" || return 1
    sed -i "s/^port = .*/port = $port/" "$d/postgresql.conf"
    _pg "'$PGBIN/pg_ctl' -D '$d' -l '$d/log' -w start" >/dev/null || { cat "$d/log" >&2; return 1; }
}

pg_stop() {
    local d=$1 pid
    [ -f "$d/postmaster.pid" ] || return 0
    pid=$(head -1 "$d/postmaster.pid")
    kill -INT "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
}

pg_teardown() {
    local d=$1 sub
    shift
    for sub in "$@"; do pg_stop "$d/$sub"; done
    rm -rf "$d"
}
