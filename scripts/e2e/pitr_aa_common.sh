# Helpers for the point-in-time recovery tests (pitr_*.sh, fleet_archive*.sh); defines functions only, so
# the tests that sort before this file source it first.

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
