# kind mariadb: a dump (mariadb-dump --single-transaction) and, with the data directory on a btrfs
# loop volume, FLUSH TABLES WITH READ LOCK + btrfs snapshot while a client writes continuously.
# Needs mariadb-server and btrfs-progs (scripts/prerequisites.sh mariadb-server btrfs-progs).
if ! command -v mariadbd >/dev/null || ! command -v mkfs.btrfs >/dev/null; then
    fail "mariadb: mariadb-server and btrfs-progs are not installed (scripts/prerequisites.sh mariadb-server btrfs-progs)"
else
source "$ROOT/scripts/servers/mariadb.sh"
source "$ROOT/scripts/servers/btrfs.sh"
M=$WORK/maria
db_setup "$M"
MB=$(mktemp -d /tmp/lbmb.XXXXXX)
MSOCK=$MB/m.sock; MSOCK2=$MB/r.sock
MPORT=$((20000 + RANDOM % 12000))
db_maria_teardown() {
    [ -n "${MWRITER:-}" ] && kill "$MWRITER" 2>/dev/null
    mariadb_stop "$MB/restored-datadir"; mariadb_stop "$MB/vol/vol/mysql"
    for s in "$MB"/vol/vol/.lifeboat-snap-*; do [ -d "$s" ] && btrfs subvolume delete "$s" >/dev/null 2>&1; done
    btrfs_volume_destroy "$MB/img" "$MB/vol"
    rm -rf "$MB"
}
db_chain_exit db_maria_teardown
mq() { mariadb --no-defaults -S "$MSOCK" -uroot -N -B "$@"; }
btrfs_volume_create "$MB/img" "$MB/vol" 400M && mariadb_start "$MB/vol/vol/mysql" "$MSOCK" "$MPORT"
check "mariadb: server up with its data directory on a btrfs subvolume" bash -c "mariadb --no-defaults -S '$MSOCK' -uroot -e 'SELECT 1' >/dev/null"
mq -e "CREATE DATABASE shop"
mq shop -e "CREATE TABLE orders(id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40), qty INT) ENGINE=InnoDB;
       CREATE TABLE notes(id INT PRIMARY KEY, t TEXT) ENGINE=Aria;
       INSERT INTO notes VALUES (1, 'aria table');
       CREATE TRIGGER qty_check BEFORE INSERT ON orders FOR EACH ROW SET NEW.qty = GREATEST(NEW.qty, 0);
       CREATE PROCEDURE total() SELECT sum(qty) FROM orders;
       INSERT INTO orders(item, qty) SELECT concat('seed-', seq), seq % 7 FROM seq_1_to_20000"
# A client that writes continuously until killed.
( while :; do echo "INSERT INTO shop.orders(item, qty) VALUES ('live', 1);"; sleep 0.002; done \
    | mariadb --no-defaults -S "$MSOCK" -uroot --unbuffered shop ) 2>/dev/null &
MWRITER=$!
printf '\n' >"$M/rootpw"; chmod 600 "$M/rootpw"

# 1. The dump.
db_policy "$M" shop mariadb "socket: $MSOCK
user: root
database: shop
password_file: ../rootpw"
MID=$(db_backup "$M" shop)
check "mariadb: dump backup completes while a client writes" test -n "$MID"
check "mariadb: payload sql" test "$(db_manifest_field "$M" shop "$MID" payload)" = sql
"$BIN" restore --config "$M/lifeboat.yaml" shop --to "$M/shop.sql" --identity "$M/keys/ops.sec.asc" >/dev/null 2>&1
check "mariadb: restore --to writes the SQL with routines and triggers" \
    bash -c "grep -q 'CREATE TABLE .orders.' '$M/shop.sql' && grep -q 'PROCEDURE .total.' '$M/shop.sql' && grep -q 'TRIGGER qty_check' '$M/shop.sql'"
mq -e "CREATE DATABASE copy1" && mq copy1 <"$M/shop.sql"
check "mariadb: the SQL loads into another database with all seed rows" test "$(mq -e 'SELECT count(*) >= 20000 FROM copy1.orders WHERE item LIKE "seed-%"')" = 1
if "$BIN" restore --help 2>/dev/null | grep -q -- '--into'; then
    "$BIN" restore --config "$M/lifeboat.yaml" shop --into "socket=$MSOCK user=root database=copy2" \
        --identity "$M/keys/ops.sec.asc" >"$M/into.out" 2>&1
    check "mariadb: restore --into loads the SQL into a named database" \
        test "$(mq -e 'SELECT count(*) >= 20000 FROM copy2.orders' 2>/dev/null)" = 1
    # A database that already holds tables is refused, and left exactly as it was.
    mq -e "INSERT INTO copy2.orders (item, qty) VALUES ('after-restore', 1)"
    rows=$(mq -e "SELECT count(*) FROM copy2.orders")
    "$BIN" restore --config "$M/lifeboat.yaml" shop --into "socket=$MSOCK user=root database=copy2" \
        --identity "$M/keys/ops.sec.asc" >"$M/into2.out" 2>&1
    code=$?
    check "mariadb: restore --into a database with tables is refused with one line (exit $code)" \
        bash -c "[ $code = 1 ] && grep -q 'already holds' '$M/into2.out' && [ \$(wc -l <'$M/into2.out') -le 2 ]"
    check "mariadb: ... and that database is untouched ($rows rows, the row added after the load still there)" \
        test "$(mq -e "SELECT count(*) FROM copy2.orders")" = "$rows" -a \
            "$(mq -e "SELECT count(*) FROM copy2.orders WHERE item = 'after-restore'")" = 1
fi

# 2. Lock, sync, btrfs snapshot, unlock; a leftover snapshot of a killed run is cleaned up first.
btrfs subvolume snapshot -r "$MB/vol/vol" "$MB/vol/vol/.lifeboat-snap-shopfs-20200101T000000Z-aaaaaa" >/dev/null
db_policy "$M" shopfs mariadb "socket: $MSOCK
user: root
database: shop
snapshot: { provider: btrfs, volume: $MB/vol/vol, lock: true, max_lock: 2s }"
before=$(mq -e "SELECT count(*) FROM shop.orders")
SID=$(db_backup "$M" shopfs)
after=$(mq -e "SELECT count(*) FROM shop.orders")
check "mariadb: FTWRL + btrfs snapshot backup completes while the client writes ($before -> $after rows)" \
    test -n "$SID" -a "$after" -gt "$before"
LW=$(db_manifest_field "$M" shopfs "$SID" lock_window_ms)
echo "     lock window: ${LW} ms"
check "mariadb: lock window recorded in the manifest (${LW} ms, under 2000)" test "$LW" != None -a "${LW%.*}" -lt 2000 2>/dev/null
check "mariadb: lock window in list --json" bash -c "'$BIN' list --config '$M/lifeboat.yaml' shopfs --json | grep -q '\"lock_window_ms\" *: *[0-9]'"
check "mariadb: no snapshot left on the volume (leftover of a killed run removed too)" \
    bash -c "! ls -d '$MB'/vol/vol/.lifeboat-snap-* 2>/dev/null | grep -q ."
"$BIN" restore --config "$M/lifeboat.yaml" shopfs --to "$M/fs" --identity "$M/keys/ops.sec.asc" >/dev/null 2>&1
RD=$(ls -d "$M/fs$MB/vol/vol/.lifeboat-snap-shopfs-$SID/mysql" 2>/dev/null)
check "mariadb: restore gives back the data directory" test -n "$RD" -a -d "$RD/shop"
mv "$RD" "$MB/restored-datadir" 2>/dev/null
mariadb_start "$MB/restored-datadir" "$MSOCK2" $((MPORT + 1)) 2>/dev/null
rq() { mariadb --no-defaults -S "$MSOCK2" -uroot -N -B "$@"; }
check "mariadb: mariadbd starts on the restored data directory" bash -c "mariadb --no-defaults -S '$MSOCK2' -uroot -e 'SELECT 1' >/dev/null"
check "mariadb: CHECK TABLE passes on the restored tables" \
    bash -c "[ \"\$(mariadb --no-defaults -S '$MSOCK2' -uroot -N -B -e 'CHECK TABLE shop.orders, shop.notes' | awk '\$3==\"status\"{print \$4}' | sort -u)\" = OK ]"
RC=$(rq -e "SELECT count(*) FROM shop.orders" 2>/dev/null)
check "mariadb: restored rows lie between the counts before and after the backup ($before <= $RC <= $after)" \
    test -n "$RC" -a "$RC" -ge "$before" -a "$RC" -le "$after"
mariadb_stop "$MB/restored-datadir"

# 3. A snapshot command that hangs: the lock is released at max_lock and the backup fails clearly.
db_policy "$M" hang mariadb "socket: $MSOCK
user: root
database: shop
snapshot: { provider: command, create: [sleep, \"47.25\"], delete: [\"true\"], lock: true, max_lock: 1s }"
t0=$(date +%s%N)
HID=$(db_backup "$M" hang)
t1=$(date +%s%N)
check "mariadb: a hung snapshot fails the backup with max_lock in the message" \
    bash -c "[ -z '$HID' ] && grep -q 'max_lock' '$M/backup.out'"
check "mariadb: ... within a few seconds ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 6000
check "mariadb: ... and the lock is released: writes go on" \
    timeout 5 mariadb --no-defaults -S "$MSOCK" -uroot -e "INSERT INTO shop.orders(item, qty) VALUES ('after', 1)"
check "mariadb: ... and no sleep is left running" bash -c "! pgrep -x -f 'sleep 47.25' >/dev/null"
# SIGTERM while the lock is held (the snapshot command hangs): the lock still goes, then lifeboat stops.
"$BIN" backup --config "$M/lifeboat.yaml" hang >/dev/null 2>&1 &
LBPID=$!
sleep 0.6
kill -TERM "$LBPID"
t0=$(date +%s%N)
wait "$LBPID"; code=$?
t1=$(date +%s%N)
check "mariadb: SIGTERM during the lock: lifeboat stops by the signal ($code) within max_lock ($(( (t1 - t0) / 1000000 )) ms)" \
    test "$code" -eq 143 -a $(( (t1 - t0) / 1000000 )) -lt 3000
check "mariadb: ... and the lock was released: writes go on" \
    timeout 5 mariadb --no-defaults -S "$MSOCK" -uroot -e "INSERT INTO shop.orders(item, qty) VALUES ('after-term', 1)"
db_maria_teardown
MWRITER=
fi
