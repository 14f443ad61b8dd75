# kind mariadb with databases: all and users: true: every database of a server and its accounts and
# grants in one dump (payload sql_databases), restored with restore --into into a FRESH second server,
# where a user logs in with its password and has its grant (and only it); the dump loads with the
# stock client too; bad input: an unknown database fails the backup, databases with database or a
# target with tables are refused with one line, nothing touched.
if ! command -v mariadbd >/dev/null; then
    fail "mariadb all: mariadb-server is not installed (scripts/prerequisites.sh mariadb-server)"
else
source "$ROOT/scripts/servers/mariadb.sh"
A=$WORK/mall
db_setup "$A"
MA=$(mktemp -d /tmp/lbma.XXXXXX)
MAP=$((20000 + RANDOM % 12000))
db_mall_teardown() { mariadb_stop "$MA/src"; mariadb_stop "$MA/fresh"; mariadb_stop "$MA/stock"; rm -rf "$MA"; }
db_chain_exit db_mall_teardown
sq() { mariadb --no-defaults -S "$MA/src.sock" -uroot -N -B "$@" 2>&1; }
fq() { mariadb --no-defaults -S "$MA/fresh.sock" -uroot -N -B "$@" 2>&1; }
mariadb_start "$MA/src" "$MA/src.sock" "$MAP" && mariadb_start "$MA/fresh" "$MA/fresh.sock" $((MAP + 1))
check "mariadb all: a source server and a fresh second server are up" \
    test "$(fq -e 'SELECT 1')" = 1
sq -e "CREATE DATABASE shop; CREATE DATABASE crm"
sq shop -e "CREATE TABLE shop.orders(id INT PRIMARY KEY, item VARCHAR(20));
    INSERT INTO shop.orders SELECT seq, concat('item-', seq) FROM seq_1_to_3000;
    CREATE TABLE crm.people(id INT PRIMARY KEY, name VARCHAR(20)); INSERT INTO crm.people VALUES (1, 'ada');
    CREATE USER 'app'@'%' IDENTIFIED BY 'app-pw'; GRANT SELECT, INSERT ON shop.* TO 'app'@'%'"
printf '\n' >"$A/rootpw"; chmod 600 "$A/rootpw"
db_policy "$A" server mariadb "socket: $MA/src.sock
user: root
password_file: ../rootpw
databases: all
users: true"
SID=$(db_backup "$A" server)
check "mariadb all: backup of every database with users and grants completes" test -n "$SID"
[ -n "$SID" ] || sed 's/^/     /' "$A/backup.out" "$A/backup.err" | head -5
check "mariadb all: payload sql_databases" test "$(db_manifest_field "$A" server "$SID" payload)" = sql_databases
"$BIN" restore --config "$A/lifeboat.yaml" server --into "socket=$MA/fresh.sock user=root" \
    --identity "$A/keys/ops.sec.asc" >"$A/into.out" 2>&1
RC=$?
check "mariadb all: restore --into the fresh server succeeds (exit $RC)" test "$RC" = 0
[ "$RC" = 0 ] || sed 's/^/     /' "$A/into.out" | head -5
check "mariadb all: both databases are there with their rows (3000, 1), and no system schema was replaced" \
    test "$(fq -e 'SELECT (SELECT count(*) FROM shop.orders), (SELECT count(*) FROM crm.people)')" = "3000	1"
check "mariadb all: the user logs in on the fresh server with its password and reads with its grant" \
    test "$(mariadb --no-defaults -h 127.0.0.1 -P $((MAP + 1)) -uapp -papp-pw -N -B -e 'SELECT count(*) FROM shop.orders' 2>&1)" = 3000
check "mariadb all: ... inserts with it, and is refused what it was not granted (crm)" bash -c "
    mariadb --no-defaults -h 127.0.0.1 -P $((MAP + 1)) -uapp -papp-pw -e \"INSERT INTO shop.orders VALUES (9999, 'x')\" &&
    ! mariadb --no-defaults -h 127.0.0.1 -P $((MAP + 1)) -uapp -papp-pw -e 'SELECT * FROM crm.people' 2>/dev/null"
check "mariadb all: ... and not with a wrong password" \
    bash -c "! mariadb --no-defaults -h 127.0.0.1 -P $((MAP + 1)) -uapp -pwrong -e 'SELECT 1' 2>/dev/null"

# A second restore into the same server: its databases now hold tables, so it is refused before any
# statement runs; the row inserted meanwhile is still there.
"$BIN" restore --config "$A/lifeboat.yaml" server --into "socket=$MA/fresh.sock user=root" \
    --identity "$A/keys/ops.sec.asc" >"$A/into2.out" 2>&1
RC=$?
check "mariadb all: a target whose databases hold tables is refused with one line, exit 1, untouched (exit $RC)" \
    bash -c "[ $RC = 1 ] && grep -q 'already holds' '$A/into2.out' && [ \$(grep -c . '$A/into2.out') -le 2 ] && [ \"\$(mariadb --no-defaults -S '$MA/fresh.sock' -uroot -N -B -e 'SELECT count(*) FROM shop.orders')\" = 3001 ]"
"$BIN" restore --config "$A/lifeboat.yaml" server --into "socket=$MA/fresh.sock user=root database=shop" \
    --identity "$A/keys/ops.sec.asc" >"$A/into3.out" 2>&1
RC=$?
check "mariadb all: --into with database= for a backup of several databases is a usage error (exit $RC)" \
    bash -c "[ $RC = 64 ] && grep -q 'leave database= out' '$A/into3.out'"

# Stock tools: gpg | gunzip | mariadb into a third, fresh server.
mariadb_start "$MA/stock" "$MA/stock.sock" $((MAP + 2))
gpg --batch --quiet --import "$A/keys/ops.sec.asc" 2>/dev/null
cat "$A/nas/e2e/server/$SID"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | gunzip \
    | mariadb --no-defaults -S "$MA/stock.sock" -uroot 2>"$A/stock.err"
check "mariadb all: gpg | gunzip | mariadb loads the same into a fresh server (3000 rows, the user's grant)" bash -c "
    [ \"\$(mariadb --no-defaults -S '$MA/stock.sock' -uroot -N -B -e 'SELECT count(*) FROM shop.orders')\" = 3000 ] &&
    mariadb --no-defaults -S '$MA/stock.sock' -uroot -N -B -e \"SHOW GRANTS FOR 'app'@'%'\" | grep -q 'SELECT, INSERT ON .shop.'"

# A drill on a recovery host: each database of the dump goes into a scratch database of its own on
# the scratch server (the stock-load server here), CHECKSUM TABLE on every table; the accounts are
# not loaded there, and the scratch databases are dropped afterwards.
"$BIN" signing-key --config "$A/lifeboat.yaml" | sed 1d >"$A/host.signing.pub.asc"
mkdir -p "$A/recovery"
cat >"$A/recovery/recovery.yaml" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: nas, type: local, path: ../nas }
identities:
  - { key: ../keys/ops.sec.asc }
trusted_signers: [../host.signing.pub.asc]
scratch_databases:
  mariadb: "socket=$MA/stock.sock user=root"
YAML
mariadb --no-defaults -S "$MA/stock.sock" -uroot -e "DROP USER 'app'@'%'"
before=$(mariadb --no-defaults -S "$MA/stock.sock" -uroot -N -B -e "SELECT count(*) FROM information_schema.schemata")
"$BIN" drill --config "$A/recovery/recovery.yaml" e2e/server >"$A/drill.out" 2>&1
RC=$?
sed 's/^/     /' "$A/drill.out"
check "mariadb all: drill loads each database into its own scratch database and checksums it (exit $RC)" \
    bash -c "[ $RC = 0 ] && grep -q '^PASS e2e/server .*crm: 1 table checksummed, 1 row; shop: 1 table checksummed, 3,000 rows' '$A/drill.out'"
check "mariadb all: ... the scratch databases are dropped, and no account of the backup was made there" bash -c "
    [ \"\$(mariadb --no-defaults -S '$MA/stock.sock' -uroot -N -B -e 'SELECT count(*) FROM information_schema.schemata')\" = '$before' ] &&
    [ \"\$(mariadb --no-defaults -S '$MA/stock.sock' -uroot -N -B -e \"SELECT count(*) FROM mysql.user WHERE user = 'app'\")\" = 0 ]"

# A killed drill of such a dump noted one scratch database per database (database.0, database.1):
# the next drill's sweep drops every one of them.
KD=$A/recovery/state/scratch/.drill-999999-abcdef
mkdir -m 700 "$KD" && : >"$KD/.owner"
printf 'mariadb\nlifeboat_drill_killed0000\n' >"$KD/database.0"
printf 'mariadb\nlifeboat_drill_killed0001\n' >"$KD/database.1"
mariadb --no-defaults -S "$MA/stock.sock" -uroot -e "CREATE DATABASE lifeboat_drill_killed0000; CREATE DATABASE lifeboat_drill_killed0001"
"$BIN" drill --config "$A/recovery/recovery.yaml" e2e/server >/dev/null 2>&1
check "mariadb all: a killed drill's scratch databases (database.0, database.1) are dropped by the next drill's sweep" \
    test "$(mariadb --no-defaults -S "$MA/stock.sock" -uroot -N -B -e "SELECT count(*) FROM information_schema.schemata WHERE schema_name LIKE 'lifeboat_drill_%'")" = 0

# Named databases, without users: only those.
db_policy "$A" some mariadb "socket: $MA/src.sock
user: root
databases: [crm]"
NID=$(db_backup "$A" some)
"$BIN" restore --config "$A/lifeboat.yaml" some --to "$A/some.sql" --identity "$A/keys/ops.sec.asc" >/dev/null 2>&1
check "mariadb all: databases: [crm] dumps crm alone, without accounts" \
    bash -c "[ -n '$NID' ] && grep -q 'CREATE DATABASE .*crm' '$A/some.sql' && ! grep -q 'shop' '$A/some.sql' && ! grep -q 'CREATE USER' '$A/some.sql'"

# Bad input.
db_policy "$A" nosuch mariadb "socket: $MA/src.sock
user: root
databases: [shop, nosuch]"
BID=$(db_backup "$A" nosuch)
check "mariadb all: an unknown database fails the backup with mariadb-dump's words, nothing shipped" \
    bash -c "[ -z '$BID' ] && grep -q \"Unknown database 'nosuch'\" '$A/backup.out' && [ -z \"\$(find '$A/nas/e2e/nosuch' -name manifest.json 2>/dev/null)\" ]"
rm -f "$A/policies/nosuch.yaml"
B=$A/bad
db_setup "$B"
db_policy "$B" bad mariadb "socket: $MA/src.sock
database: shop
databases: all"
"$BIN" backup --config "$B/lifeboat.yaml" bad >"$B/out" 2>&1
RC=$?
check "mariadb all: database with databases is one line naming the file, exit 65 (exit $RC)" \
    bash -c "[ $RC = 65 ] && [ \$(grep -c . '$B/out') = 1 ] && grep -q 'bad.yaml:.*either database or databases' '$B/out'"
db_policy "$B" bad mariadb "socket: $MA/src.sock
databases: some"
"$BIN" backup --config "$B/lifeboat.yaml" bad >"$B/out" 2>&1
RC=$?
check "mariadb all: databases: some is exit 65 (exit $RC)" \
    bash -c "[ $RC = 65 ] && grep -q \"source.databases: 'some' is not one of all\" '$B/out'"
db_mall_teardown
fi
