# Helpers for the point-in-time recovery tests (pitr_*.sh, fleet_archive*.sh); defines functions only, so
# the tests that sort before this file source it first.

# pitr_pg_policy DIR PORT [SECOND]: a config in DIR (make_config) with the policy `cluster`: a physical base
# backup of the PostgreSQL at 127.0.0.1:PORT (user postgres) to the local `nas` and, when SECOND is given,
# to a second local destination of that name (the folder DIR/SECOND). Leaves DIR to the caller to chown.
pitr_pg_policy() {
    make_config "$1"
    db_policy "$1" cluster postgres "dsn: \"host=127.0.0.1 port=$2 user=postgres\"
method: physical"
    if [ -n "${3:-}" ]; then
        mkdir -p "$1/$3"
        sed -i "s|  - { name: nas, type: local, path: ../nas }|&\n  - { name: $3, type: local, path: ../$3 }|" \
            "$1/policies/cluster.yaml"
    fi
}

# pitr_pg_archiving DATADIR PORT CONFIG: starts a PostgreSQL primary in DATADIR on PORT (pg_primary_start)
# that archives every WAL segment with `lifeboat wal-push --config CONFIG %p`, archive_timeout 1s.
# Fails when the server does not start or restart.
pitr_pg_archiving() {
    local d=$1
    pg_primary_start "$d" "$2" && {
        printf "archive_mode = on\narchive_command = '%s'\narchive_timeout = 1s\n" \
            "$BIN wal-push --config $3 %p" >>"$d/postgresql.conf"
        _pg "'$PGBIN/pg_ctl' -D '$d' -l '$d/log' -w restart" >/dev/null
    }
}

# pitr_wait_archived PSQL [TENTHS]: switches to a new WAL segment and waits until the server PSQL asks (a
# function running `psql -tA` against the primary) has archived every segment up to the one that was
# current, for at most TENTHS tenths of a second (default 300: 30 s). Returns 1 when it gave up.
pitr_wait_archived() {
    local q=$1 cur
    cur=$("$q" -c "SELECT pg_walfile_name(pg_current_wal_lsn())")
    "$q" -c "SELECT pg_switch_wal()" >/dev/null
    for _ in $(seq 1 "${2:-300}"); do
        [ "$("$q" -c "SELECT coalesce(last_archived_wal >= '$cur', false) FROM pg_stat_archiver")" = t ] && return 0
        sleep 0.1
    done
    return 1
}

# pitr_pg_start_restored DATADIR PORT: starts a server on a restored data directory, on PORT and without
# archiving, and waits (at most 20 s) until it has replayed and promoted (no longer in recovery).
pitr_pg_start_restored() {
    local d=$1 port=$2
    sed -i "s/^port = .*/port = $port/; s/^archive_mode = on/archive_mode = off/" "$d/postgresql.conf"
    chown -R postgres "$d"
    _pg "'$PGBIN/pg_ctl' -D '$d' -l '$d/log' -w -t 60 start" >/dev/null 2>&1
    for _ in $(seq 1 100); do
        [ "$("$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -tAc 'SELECT pg_is_in_recovery()' 2>/dev/null)" = f ] \
            && return 0
        sleep 0.2
    done
}

# pitr_mariadb_up TEMPLATE: starts a MariaDB server with its binary log on (`lb.NNNNNN`) in a new folder
# /tmp/TEMPLATE.XXXXXX, socket m.sock there, on a port in 20000-31999. Sets PITR_MDB (the folder) and
# PITR_MDB_SOCK (the socket). The server is stopped and its folder removed when e2e.sh exits, or sooner by
# pitr_mariadb_down.
pitr_mariadb_up() {
    PITR_MDB=$(mktemp -d "/tmp/$1.XXXXXX")
    PITR_MDB_SOCK=$PITR_MDB/m.sock
    db_chain_exit "pitr_mariadb_down $PITR_MDB"
    MARIADB_LOG_BIN=lb mariadb_start "$PITR_MDB/data" "$PITR_MDB_SOCK" $((20000 + RANDOM % 12000))
}

# pitr_mariadb_down FOLDER: stops the server pitr_mariadb_up started in FOLDER and removes the folder.
pitr_mariadb_down() { mariadb_stop "$1/data"; rm -rf "$1"; }

# pitr_mariadb_policy DIR SOCKET [DESTINATION]: writes DIR/policies/shop.yaml, a mariadb policy on the
# database shop of the server at SOCKET that archives its binary logs every 5m (rpo 1h) to the local
# `nas` and, when given, DESTINATION too (one destination as a flow-style YAML map).
pitr_mariadb_policy() {
    cat >"$1/policies/shop.yaml" <<YAML
name: shop
kind: mariadb
source: { socket: $2, user: root, database: shop }
objectives: { rpo: 1h }
binlog: { every: 5m }
encryption: { recipients: [../keys/ops.pub.asc] }
chunk_size: 1MiB
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
    if [ -n "${3:-}" ]; then echo "  - $3" >>"$1/policies/shop.yaml"; fi
}

# pitr_recovery_host DIR CONFIG DESTINATION [EXTRA]: writes DIR/lifeboat.yaml, a recovery host that reads
# DESTINATION (one destination as a flow-style YAML map), decrypts with the ops key beside CONFIG (the
# backup host's config: keys/ops.sec.asc in its folder) and trusts only that host's signing key, exported
# to DIR/keys/e2e.pub.asc by `lifeboat signing-key` run as CONFIG's owner. EXTRA (top-level YAML lines)
# is appended.
pitr_recovery_host() {
    local d=$1 config=$2
    mkdir -p "$d/keys"
    su "$(stat -c %U "$config")" -s /bin/sh -c "'$BIN' signing-key --config '$config'" | sed 1d >"$d/keys/e2e.pub.asc"
    {
        cat <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - $3
identities:
  - { key: $(dirname "$config")/keys/ops.sec.asc }
trusted_signers: [keys/e2e.pub.asc]
YAML
        if [ -n "${4:-}" ]; then echo "$4"; fi
    } >"$d/lifeboat.yaml"
}
