# kind postgres as operators have it: the cluster's roles travel with the dump (globals.sql in a
# pg_bundle), so a database owned by a role restores with restore --into into a FRESH second cluster,
# the missing roles created first and the existing ones left alone; jobs: 2 dumps and restores in
# parallel (directory format); stock tools (gpg, gunzip, tar, psql, pg_restore) read the bundle;
# bad input (jobs out of range, an unknown database, a target with tables) is one line, nothing touched.
source "$ROOT/scripts/servers/postgres.sh"
G=$WORK/pgg
db_setup "$G"
GPD=$(mktemp -d /tmp/lbpgg.XXXXXX)
chmod 755 "$GPD"
GP1=$((20000 + RANDOM % 12000)); GP2=$((GP1 + 1))
db_pgg_teardown() { pg_stop "$GPD/b"; pg_stop "$GPD/a"; rm -rf "$GPD"; }
db_chain_exit db_pgg_teardown
gq() { local port=$1; shift; "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -tA "$@" 2>&1; }
pg_primary_start "$GPD/a" "$GP1" && pg_primary_start "$GPD/b" "$GP2"
check "pg globals: a source cluster and a fresh second cluster are up" \
    bash -c "[ \"\$('$PGBIN/psql' -X -h 127.0.0.1 -p $GP2 -U postgres -tAc 'SELECT 1')\" = 1 ]"
gq "$GP1" -c "CREATE ROLE app_owner LOGIN PASSWORD 'owner-pw' CONNECTION LIMIT 5;
    CREATE ROLE app_reader NOLOGIN CONNECTION LIMIT 3;
    CREATE ROLE \"Mixed Case\" NOLOGIN;
    GRANT app_reader TO app_owner;
    ALTER ROLE app_owner SET statement_timeout = '1min'" >/dev/null
gq "$GP1" -c "CREATE DATABASE app OWNER app_owner" >/dev/null
gq "$GP1" -d app -c "SET ROLE app_owner;
    CREATE TABLE items(id int PRIMARY KEY, name text);
    INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 5000) g;
    CREATE TABLE notes(t text); INSERT INTO notes VALUES ('kept');
    GRANT SELECT ON items TO app_reader" >/dev/null
# The fresh cluster already has app_reader, with another connection limit: it must stay as it is.
gq "$GP2" -c "CREATE ROLE app_reader NOLOGIN CONNECTION LIMIT 7" >/dev/null
"$PGBIN/createdb" -h 127.0.0.1 -p "$GP2" -U postgres app

# 1. Roles (no passwords, the default) and jobs: 2.
db_policy "$G" app postgres "dsn: \"host=127.0.0.1 port=$GP1 dbname=app user=postgres\"
jobs: 2"
AID=$(db_backup "$G" app)
check "pg globals: backup with the roles and jobs: 2 completes" test -n "$AID"
[ -n "$AID" ] || sed 's/^/     /' "$G/backup.out" "$G/backup.err" | head -5
check "pg globals: payload pg_bundle" test "$(db_manifest_field "$G" app "$AID" payload)" = pg_bundle
gpg --batch --quiet --import "$G/keys/ops.sec.asc" 2>/dev/null
mkdir -p "$G/stock"
cat "$G/nas/e2e/app/$AID"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | gunzip | tar -x -C "$G/stock" 2>/dev/null
check "pg globals: gpg | gunzip | tar -x gives globals.sql and a directory-format dump pg_restore lists" \
    bash -c "grep -q '^CREATE ROLE app_owner;' '$G/stock/globals.sql' && '$PGBIN/pg_restore' -l '$G/stock/database' | grep -q 'TABLE public items app_owner'"
"$BIN" restore --config "$G/lifeboat.yaml" app --to "$G/tree" --identity "$G/keys/ops.sec.asc" >/dev/null 2>&1
check "pg globals: restore --to FOLDER gives the same bundle (globals.sql, database/toc.dat)" \
    bash -c "cmp -s '$G/tree/globals.sql' '$G/stock/globals.sql' && [ -f '$G/tree/database/toc.dat' ]"
check "pg globals: globals.sql holds no password (globals: roles)" bash -c "! grep -qi 'password' '$G/stock/globals.sql'"
check "pg globals: no private dump folder is left in the temporary folder" bash -c "! ls -d /tmp/lifeboat-pgdump-* 2>/dev/null | grep -q ."
"$BIN" restore --config "$G/lifeboat.yaml" app --into "host=127.0.0.1 port=$GP2 dbname=app user=postgres" \
    --identity "$G/keys/ops.sec.asc" >"$G/into.out" 2>&1
RC=$?
check "pg globals: restore --into the fresh cluster succeeds (exit $RC)" test "$RC" = 0
check "pg globals: the missing roles are created: app_owner (login, limit 5, no password) and \"Mixed Case\"" \
    test "$(gq "$GP2" -c "SELECT string_agg(rolname || ':' || rolcanlogin || ':' || rolconnlimit || ':' || (rolpassword IS NULL), ',' ORDER BY rolname) FROM pg_authid WHERE rolname IN ('app_owner', 'Mixed Case')")" = "Mixed Case:false:-1:true,app_owner:true:5:true"
check "pg globals: the existing role app_reader is left alone (connection limit still 7)" \
    test "$(gq "$GP2" -c "SELECT rolconnlimit FROM pg_roles WHERE rolname = 'app_reader'")" = 7
check "pg globals: app_owner's membership and its setting came along" \
    test "$(gq "$GP2" -c "SELECT pg_has_role('app_owner', 'app_reader', 'MEMBER'), (SELECT count(*) FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole WHERE r.rolname = 'app_owner')")" = "t|1"
check "pg globals: the tables are owned by app_owner, the grant to app_reader holds, 5000 rows" \
    test "$(gq "$GP2" -d app -c "SELECT tableowner FROM pg_tables WHERE tablename = 'items'; SELECT has_table_privilege('app_reader', 'items', 'SELECT'), count(*) FROM items")" = "app_owner
t|5000"

# 2. Roles with passwords, one job: the new role can log in with its password; app_owner, which the
# target now has without a password, stays without one.
gq "$GP1" -c "CREATE ROLE late_user LOGIN PASSWORD 'late-pw'; GRANT CONNECT ON DATABASE app TO late_user" >/dev/null
db_policy "$G" apppw postgres "dsn: \"host=127.0.0.1 port=$GP1 dbname=app user=postgres\"
globals: roles_with_passwords"
PWID=$(db_backup "$G" apppw)
check "pg globals: backup with roles_with_passwords (one job) completes as a pg_bundle" \
    test -n "$PWID" -a "$(db_manifest_field "$G" apppw "$PWID" payload)" = pg_bundle
"$PGBIN/createdb" -h 127.0.0.1 -p "$GP2" -U postgres app2
sed -i '1i host all late_user 127.0.0.1/32 scram-sha-256' "$GPD/b/pg_hba.conf"
gq "$GP2" -c "SELECT pg_reload_conf()" >/dev/null
"$BIN" restore --config "$G/lifeboat.yaml" apppw --into "host=127.0.0.1 port=$GP2 dbname=app2 user=postgres" \
    --identity "$G/keys/ops.sec.asc" >"$G/into2.out" 2>&1
check "pg globals: restore --into with passwords succeeds" test $? = 0
check "pg globals: the restored role logs in with its own password" \
    bash -c "[ \"\$(PGPASSWORD=late-pw '$PGBIN/psql' -X -h 127.0.0.1 -p $GP2 -U late_user -d app2 -tAc 'SELECT current_user')\" = late_user ]"
check "pg globals: ... and not with a wrong one" \
    bash -c "! PGPASSWORD=wrong '$PGBIN/psql' -X -h 127.0.0.1 -p $GP2 -U late_user -d app2 -tAc 'SELECT 1' >/dev/null 2>&1"
check "pg globals: app_owner, which existed, still has no password" \
    test "$(gq "$GP2" -c "SELECT rolpassword IS NULL FROM pg_authid WHERE rolname = 'app_owner'")" = t

# 3. A load that fails (the target already has a table of that name): the roles it created are
# dropped again and the target is as it was.
gq "$GP1" -c "CREATE ROLE rollback_probe NOLOGIN" >/dev/null
RBID=$(db_backup "$G" apppw)
"$PGBIN/createdb" -h 127.0.0.1 -p "$GP2" -U postgres app3
gq "$GP2" -d app3 -c "CREATE TABLE items(x int); INSERT INTO items VALUES (42)" >/dev/null
"$BIN" restore --config "$G/lifeboat.yaml" apppw --backup "$RBID" \
    --into "host=127.0.0.1 port=$GP2 dbname=app3 user=postgres" --identity "$G/keys/ops.sec.asc" >"$G/into3.out" 2>&1
RC=$?
check "pg globals: a load that fails is exit 1 with pg_restore's words (exit $RC)" \
    bash -c "[ $RC = 1 ] && grep -q 'pg_restore failed' '$G/into3.out'"
check "pg globals: ... the role it created is dropped again, the target's table untouched" \
    test "$(gq "$GP2" -c "SELECT count(*) FROM pg_roles WHERE rolname = 'rollback_probe'")|$(gq "$GP2" -d app3 -c 'SELECT x FROM items')" = "0|42"

# 4. jobs: 2 into a database that holds tables is refused before anything is loaded.
"$BIN" restore --config "$G/lifeboat.yaml" app --into "host=127.0.0.1 port=$GP2 dbname=app3 user=postgres" \
    --identity "$G/keys/ops.sec.asc" >"$G/into4.out" 2>&1
RC=$?
check "pg globals: jobs: 2 into a database with tables: one line, exit 1, untouched (exit $RC)" \
    bash -c "[ $RC = 1 ] && grep -q 'already holds 1 table' '$G/into4.out' && [ \$(grep -c . '$G/into4.out') -le 2 ] && [ \"\$('$PGBIN/psql' -X -h 127.0.0.1 -p $GP2 -U postgres -d app3 -tAc 'SELECT x FROM items')\" = 42 ]"

# 5. globals: none with one job still writes the pg_dump-custom stream, as before.
db_policy "$G" appnone postgres "dsn: \"host=127.0.0.1 port=$GP1 dbname=app user=postgres\"
globals: none"
NID=$(db_backup "$G" appnone)
check "pg globals: globals: none writes the old pg_dump-custom payload" \
    test -n "$NID" -a "$(db_manifest_field "$G" appnone "$NID" payload)" = pg_dump-custom

# 6. A dump folder a killed backup left (its owner lock free) is removed by the next backup.
STALE=/tmp/lifeboat-pgdump-99999-e2etst
mkdir -m 700 "$STALE" && : >"$STALE/.owner" && mkdir "$STALE/database" && : >"$STALE/database/toc.dat"
db_backup "$G" appnone >/dev/null
check "pg globals: a dump folder left by a killed backup is removed by the next backup" test ! -e "$STALE"

# 7. Bad input.
B=$G/bad
db_setup "$B"
for jobs in 0 65 two; do
    db_policy "$B" bad postgres "dsn: \"host=127.0.0.1 port=$GP1 dbname=app user=postgres\"
jobs: $jobs"
    "$BIN" backup --config "$B/lifeboat.yaml" bad >"$B/out" 2>&1
    RC=$?
    check "pg globals: jobs: $jobs is one line naming the file, line and range, exit 65, nothing written (exit $RC)" \
        bash -c "[ $RC = 65 ] && [ \$(grep -c . '$B/out') = 1 ] && grep -q 'bad.yaml:.*source.jobs must be a whole number from 1 to 64' '$B/out' && [ -z \"\$(ls -A '$B/nas')\" ]"
done
db_policy "$B" bad postgres "dsn: \"host=127.0.0.1 port=$GP1 dbname=app user=postgres\"
globals: everything"
"$BIN" backup --config "$B/lifeboat.yaml" bad >"$B/out" 2>&1
RC=$?
check "pg globals: an unknown globals value is exit 65 naming the choices (exit $RC)" \
    bash -c "[ $RC = 65 ] && grep -q \"source.globals: 'everything' is not one of none, roles, roles_with_passwords\" '$B/out'"
db_policy "$B" bad postgres "dsn: \"host=127.0.0.1 port=$GP1 dbname=nosuch user=postgres\"
jobs: 2"
"$BIN" backup --config "$B/lifeboat.yaml" bad >"$B/out" 2>&1
RC=$?
check "pg globals: an unknown database fails the backup with pg_dump's words, exit 1 (exit $RC)" \
    bash -c "[ $RC = 1 ] && grep -q 'database \"nosuch\" does not exist' '$B/out'"
check "pg globals: ... and nothing reaches the destination or stays in the temporary folder" \
    bash -c "[ -z \"\$(find '$B/nas' -name manifest.json)\" ] && ! ls -d /tmp/lifeboat-pgdump-* 2>/dev/null | grep -q ."
db_pgg_teardown
