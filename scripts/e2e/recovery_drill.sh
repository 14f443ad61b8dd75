# Recovery drills: a backup host backs up files, sqlite, postgres (real PostgreSQL) and mariadb (real
# MariaDB) to a local folder; a recovery host that holds only the secret key, the host's public signing
# key and the destination drills each one into its scratch folder and scratch databases, records the
# times, and leaves nothing behind; damaged and forged backups fail and say why; an RTO below the
# measured time exits 1; --due drills only what is due; bad recovery configs are refused.
if ! command -v mariadbd >/dev/null; then
    fail "recovery_drill: mariadb-server is not installed (scripts/prerequisites.sh mariadb-server)"
else
source "$ROOT/scripts/servers/postgres.sh"
source "$ROOT/scripts/servers/mariadb.sh"
D=$WORK/drill
H=$D/host
RH=$D/recovery
make_config "$H"
mkdir -p "$RH"
DS=$(mktemp -d /tmp/lbdr.XXXXXX)
chmod 755 "$DS"
DPG=$((20000 + RANDOM % 12000)); DMP=$((DPG + 2)); DMSOCK=$DS/m.sock
drill_teardown() { pg_stop "$DS/pg"; mariadb_stop "$DS/maria"; rm -rf "$DS"; }
db_chain_exit drill_teardown
pg_primary_start "$DS/pg" "$DPG" && mariadb_start "$DS/maria" "$DMSOCK" "$DMP"
dpsql() { "$PGBIN/psql" -X -q -h 127.0.0.1 -p "$DPG" -U postgres -tA "$@"; }
dmq() { mariadb --no-defaults -S "$DMSOCK" -uroot -N -B "$@"; }
dpsql -c "CREATE DATABASE orders" >/dev/null
dpsql -d orders -c "CREATE TABLE items(id int PRIMARY KEY, name text); CREATE TABLE notes(t text);
    INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, 1200) g; INSERT INTO notes VALUES ('a'), ('b');" >/dev/null
dmq -e "CREATE DATABASE shop"
dmq shop -e "CREATE TABLE orders(id INT PRIMARY KEY, qty INT) ENGINE=InnoDB; CREATE TABLE notes(t TEXT) ENGINE=Aria;
    INSERT INTO orders SELECT seq, seq % 7 FROM seq_1_to_500; INSERT INTO notes VALUES ('x');"
python3 "$ROOT/scripts/lib/make_tree.py" "$H/tree" 2
sqlite3 "$H/ratings.db" "CREATE TABLE r(id INTEGER PRIMARY KEY, v TEXT); WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 3000) INSERT INTO r SELECT x, hex(randomblob(20)) FROM c;"
drill_policy() {  # NAME KIND RTO SOURCE-YAML
    {
        echo "name: $1"
        echo "kind: $2"
        echo "source:"
        echo "$4" | sed 's/^/  /'
        cat <<YAML
objectives: { rpo: 24h, rto: $3, priority: high }
encryption: { recipients: [../keys/ops.pub.asc] }
chunk_size: 1MiB
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
    } >"$H/policies/$1.yaml"
}
drill_policy tree files 1h "paths: [$H/tree]"
drill_policy conf files 1h "paths: [$H/tree]"
echo "drill: every 1h" >>"$H/policies/conf.yaml"
drill_policy ratings sqlite 1h "database: $H/ratings.db"
drill_policy orders postgres 1h "dsn: \"host=127.0.0.1 port=$DPG dbname=orders user=postgres\""
drill_policy shop mariadb 1h "socket: $DMSOCK
user: root
database: shop"
# slowdb keeps the streamed pg_dump-custom payload (globals: none): its 1s RTO is about the drill's
# timing, and a pg_bundle's unpacking before pg_restore costs a few tenths of a second more on a loaded
# machine; orders drills the pg_bundle.
drill_policy slowdb postgres 1s "dsn: \"host=127.0.0.1 port=$DPG dbname=orders user=postgres\"
globals: none"
"$BIN" backup --config "$H/lifeboat.yaml" >"$D/backup.out" 2>&1
check "drill: the backup host backs up files, sqlite, postgres, mariadb and command policies" \
    test "$(grep -c ' complete$' "$D/backup.out")" = 6
"$BIN" signing-key --config "$H/lifeboat.yaml" | sed 1d >"$RH/host.signing.pub.asc"
recovery_config() {  # FILE [EXTRA-YAML]: a recovery config reading the host's folder
    cat >"$1" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: nas, type: local, path: ../host/nas }
identities:
  - { key: ../host/keys/ops.sec.asc }
trusted_signers: [host.signing.pub.asc]
$2
YAML
}
SCRATCH_DBS="scratch_databases:
  postgres: \"host=127.0.0.1 port=$DPG user=postgres\"
  mariadb: \"socket=$DMSOCK user=root\""
recovery_config "$RH/recovery.yaml" "$SCRATCH_DBS"
RC=$RH/recovery.yaml
"$BIN" drill --config "$RC" e2e/tree e2e/ratings e2e/orders e2e/shop >"$D/drill.out" 2>"$D/drill.err"
DRC=$?
cat "$D/drill.out"
check "drill: files, sqlite, postgres and mariadb drills pass (exit 0, four PASS lines)" \
    test "$DRC" = 0 -a "$(grep -c '^PASS ' "$D/drill.out")" = 4
check "drill: files: the tree extracted and its entries counted" grep -q '^PASS e2e/tree backup .* entries extracted' "$D/drill.out"
check "drill: sqlite: integrity_check ok" grep -q '^PASS e2e/ratings .*integrity_check ok' "$D/drill.out"
check "drill: postgres: loaded into a scratch database, every table counted (2 tables, 1,202 rows)" \
    grep -q '^PASS e2e/orders .*2 tables, 1,202 rows' "$D/drill.out"
check "drill: mariadb: loaded into a scratch database, CHECKSUM TABLE on every table" \
    grep -q '^PASS e2e/shop .*2 tables checksummed, 501 rows' "$D/drill.out"
check "drill: each line names the RTO" test "$(grep -c '(RTO 1h)' "$D/drill.out")" = 4
check "drill: the recovery catalog records four passed drills with their times and bytes" \
    test "$(sqlite3 "$RH/state/recovery.sqlite" "SELECT count(*) FROM drill WHERE result = 'passed' AND seconds > 0 AND bytes > 0 AND rto_seconds = 3600 AND backup_id IS NOT NULL")" = 4
sqlite3 -separator ' ' "$RH/state/recovery.sqlite" "SELECT policy, printf('%.2f', seconds), bytes FROM drill" | sed 's/^/# drill time: /'
check "drill: the scratch folder is empty afterwards" test -z "$(ls -A "$RH/state/scratch")"
check "drill: the scratch folder was made private (0700)" test "$(stat -c %a "$RH/state/scratch")" = 700
check "drill: no scratch PostgreSQL database is left" \
    test "$(dpsql -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'lifeboat_drill_%'")" = 0
check "drill: no scratch MariaDB database is left" test -z "$(dmq -e "SHOW DATABASES LIKE 'lifeboat\_drill\_%'")"
check "drill: the source databases were not touched" \
    test "$(dpsql -d orders -c 'SELECT count(*) FROM items')" = 1200 -a "$(dmq -e 'SELECT count(*) FROM shop.orders')" = 500

"$BIN" fleet --config "$RC" >"$D/fleet.out" 2>&1
cat "$D/fleet.out"
check "drill: fleet sees the four drills just recorded as passed within their RTO (OK)" \
    test "$(grep -c '^OK e2e/\(tree\|ratings\|orders\|shop\)' "$D/fleet.out")" = 4

"$BIN" drill --config "$RC" --json e2e/tree >"$D/drill.json"
check "drill --json: an array of objects with the documented fields" python3 -c "
import json
a = json.load(open('$D/drill.json'))
assert len(a) == 1, a
o = a[0]
assert set(o) == {'host', 'policy', 'backup', 'result', 'seconds', 'bytes', 'rto_seconds', 'met_rto', 'started',
    'finished', 'detail', 'digest', 'error'}, o
assert o['host'] == 'e2e' and o['policy'] == 'tree' and o['result'] == 'passed' and o['met_rto'] is True, o
assert o['rto_seconds'] == 3600 and o['error'] is None and 'match' in o['digest'], o"

# --backup ID: that backup, from its signed manifest.
BID=$(python3 -c "import json; print(json.load(open('$H/nas/e2e/ratings/latest.json'))['id'])")
"$BIN" drill --config "$RC" --backup "$BID" e2e/ratings >"$D/byid.out" 2>&1
check "drill --backup ID drills that backup" bash -c "[ $? = 0 ] && grep -q '^PASS e2e/ratings backup $BID: ' '$D/byid.out'"
"$BIN" drill --config "$RC" --backup "$BID" e2e/ratings e2e/tree >/dev/null 2>&1
check "drill --backup with two policies named is a usage error (64)" test $? = 64
"$BIN" drill --config "$RC" --backup "20200101T000000Z-aaaaaa" e2e/ratings >"$D/byid.out" 2>&1
check "drill --backup of a backup that is not there fails and says so" \
    bash -c "[ $? = 1 ] && grep -q '^FAIL e2e/ratings: refused: nas: manifest.json is missing' '$D/byid.out'"

# --due: a policy never drilled is due; one drilled within its interval (30d by default) is not.
"$BIN" drill --config "$RC" --due e2e/tree e2e/conf >"$D/due1.out" 2>&1
check "drill --due drills only the policy never drilled" \
    bash -c "[ \$(grep -c . '$D/due1.out') = 1 ] && grep -q '^PASS e2e/conf ' '$D/due1.out'"
"$BIN" drill --config "$RC" --due e2e/tree e2e/conf >"$D/due2.out" 2>&1
check "drill --due: a second run drills nothing (exit 0)" bash -c "[ $? = 0 ] && [ ! -s '$D/due2.out' ]"
# Two hours later (the drills back-dated): conf (drill: every 1h) is due again, tree (30d by default) is not.
sqlite3 "$RH/state/recovery.sqlite" "UPDATE drill SET started = started - 7200, finished = finished - 7200"
"$BIN" drill --config "$RC" --due e2e/tree e2e/conf >"$D/due3.out" 2>&1
check "drill --due: the interval comes from the policy's drill: key (conf every 1h is due again, tree is not)" \
    bash -c "[ \$(grep -c . '$D/due3.out') = 1 ] && grep -q '^PASS e2e/conf ' '$D/due3.out'"

# An RTO below the measured time (a pg_restore slowed down by 1.5 s, RTO 1s): the drill passes its
# proofs but exits 1 and says so.
mkdir -p "$D/slow"
printf '#!/bin/sh\nsleep 1.5\nexec "%s/pg_restore" "$@"\n' "$PGBIN" >"$D/slow/pg_restore"
chmod +x "$D/slow/pg_restore"
PATH="$D/slow:$PATH" "$BIN" drill --config "$RC" e2e/slowdb >"$D/slow.out" 2>&1
SLOWRC=$?
cat "$D/slow.out"
check "drill: slower than its RTO (1s) exits 1 and says so" \
    bash -c "[ $SLOWRC = 1 ] && grep -q '^SLOW e2e/slowdb backup .*over its RTO 1s — 2 tables, 1,202 rows' '$D/slow.out'"

check "drill: fleet then shows the policy slower than its RTO as WARNING" \
    bash -c "'$BIN' fleet --config '$RC' 2>&1 | grep -q '^WARNING e2e/slowdb: .*[0-9][.][0-9]s/rto 1s'"

# Stopped mid-drill (SIGTERM while the slowed pg_restore has not started loading): the drill ends by the
# signal, its scratch database is dropped and its folder removed at once, not left for the next sweep.
printf '#!/bin/sh\nsleep 5\nexec "%s/pg_restore" "$@"\n' "$PGBIN" >"$D/slow/pg_restore"
PATH="$D/slow:$PATH" "$BIN" drill --config "$RC" e2e/slowdb >"$D/stopped.out" 2>&1 &
DPID=$!
for _ in $(seq 1 50); do
    [ "$(dpsql -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'lifeboat_drill_%'")" != 0 ] && break
    sleep 0.1
done
sleep 0.3
kill -TERM "$DPID"; wait "$DPID"; STOPRC=$?
LEFT=$(dpsql -c "SELECT count(*) FROM pg_database WHERE datname LIKE 'lifeboat_drill_%'")
RUNNING=$(pgrep -f "$D/slow/pg_restore" | wc -l)
echo "#   SIGTERM mid-drill: exit $STOPRC, scratch databases left $LEFT, loaders running $RUNNING, scratch: $(ls -A "$RH/state/scratch" | tr '\n' ' ')"
check "drill: SIGTERM mid-drill ends it by the signal (143), drops its database, removes its folder" bash -c "
    [ $STOPRC = 143 ] && [ '$LEFT' = 0 ] && [ '$RUNNING' = 0 ] && [ -z \"\$(ls -A '$RH/state/scratch')\" ]"

# No names: every policy found at the destinations (one listing per host); --due: only the due ones.
"$BIN" drill --config "$RC" --due >"$D/alldue.out" 2>&1
check "drill --due with no names: every policy found was drilled within its interval, nothing to do (exit 0)" \
    bash -c "[ $? = 0 ] && [ ! -s '$D/alldue.out' ]"
"$BIN" drill --config "$RC" >"$D/all.out" 2>&1
ALLRC=$?
cat "$D/all.out"
check "drill with no names drills every policy found at the destinations (6 PASS, exit 0)" \
    bash -c "[ $ALLRC = 0 ] && [ \$(grep -c '^PASS e2e/' '$D/all.out') = 6 ] && [ \$(grep -c . '$D/all.out') = 6 ]"

# A damaged chunk: the drill fails and names it.
TID=$(python3 -c "import json; print(json.load(open('$H/nas/e2e/tree/latest.json'))['id'])")
TB=$H/nas/e2e/tree/$TID
cp "$TB/data.000000" "$D/chunk.bak"
printf 'X' | dd of="$TB/data.000000" bs=1 seek=100 conv=notrunc 2>/dev/null
"$BIN" drill --config "$RC" e2e/tree >"$D/damaged.out" 2>&1
DMGRC=$?
cp "$D/chunk.bak" "$TB/data.000000"
check "drill: a damaged chunk fails the drill (exit 1) and says which chunk is damaged" \
    bash -c "[ $DMGRC = 1 ] && grep -q '^FAIL e2e/tree: .*data.000000 is damaged' '$D/damaged.out'"
check "drill: the failed drill is recorded with its error" \
    test "$(sqlite3 "$RH/state/recovery.sqlite" "SELECT count(*) FROM drill WHERE policy = 'tree' AND result = 'failed' AND error LIKE '%damaged%'")" = 1
check "drill: the scratch folder is empty after a failed drill" test -z "$(ls -A "$RH/state/scratch")"

# A manifest (and latest.json) whose payload digest does not match what the chunks hold, re-signed
# with the host's own key (so every signature checks out): the digest step fails it.
RB=$H/nas/e2e/ratings
RID=$(python3 -c "import json; print(json.load(open('$RB/latest.json'))['id'])")
cp -a "$RB" "$D/ratings.bak"
for f in "$RB/$RID/manifest.json" "$RB/latest.json"; do
    python3 -c "
import json, sys
p = sys.argv[1]; j = json.load(open(p)); j['payload_sha256'] = '0' * 64
open(p, 'w').write(json.dumps(j, indent=2))" "$f"
    "$BIN" pgp sign --key "$H/state/signing-key.asc" "$f" >"$f.sig"
done
"$BIN" drill --config "$RC" e2e/ratings >"$D/forged.out" 2>&1
FRC=$?
rm -rf "$RB"; cp -a "$D/ratings.bak" "$RB"
check "drill: a payload digest that does not match the manifest fails the drill and says so" \
    bash -c "[ $FRC = 1 ] && grep -q '^FAIL e2e/ratings: payload sha256 .* does not match the manifest' '$D/forged.out'"
check "drill: the scratch folder is empty after the load of a forged backup" test -z "$(ls -A "$RH/state/scratch")"

# A backup made before payload digests were recorded (the fields removed, re-signed): the drill passes
# and says the digest was not compared.
for f in "$RB/$RID/manifest.json" "$RB/latest.json"; do
    python3 -c "
import json, sys
p = sys.argv[1]; j = json.load(open(p)); j.pop('payload_sha256'); j.pop('payload_size')
open(p, 'w').write(json.dumps(j, indent=2))" "$f"
    "$BIN" pgp sign --key "$H/state/signing-key.asc" "$f" >"$f.sig"
done
"$BIN" drill --config "$RC" e2e/ratings >"$D/nodigest.out" 2>&1
NDRC=$?
rm -rf "$RB"; cp -a "$D/ratings.bak" "$RB"
check "drill: a backup without a payload digest passes and says the digest was not compared" \
    bash -c "[ $NDRC = 0 ] && grep -q '^PASS e2e/ratings .*integrity_check ok; the backup records no payload digest' '$D/nodigest.out'"

# A killed drill's folder is swept by the next one.
# A killed drill's folder (its owner lock free) and the scratch database it noted are swept by the next
# drill; a database of that shape that no drill folder names is left alone.
KD=$RH/state/scratch/.drill-999999-abcdef
mkdir -m 700 "$KD"
: >"$KD/.owner"
printf 'postgres\nlifeboat_drill_killed0000\n' >"$KD/database"
dpsql -c "CREATE DATABASE lifeboat_drill_killed0000" -c "CREATE DATABASE lifeboat_drill_notmine000" >/dev/null
"$BIN" drill --config "$RC" e2e/ratings >/dev/null 2>"$D/sweep.err"
check "drill: a killed drill's leftover folder is swept by the next drill" test -z "$(ls -A "$RH/state/scratch")"
check "drill: the scratch database a killed drill noted is dropped by the sweep, and no other" \
    test "$(dpsql -c "SELECT string_agg(datname, ',') FROM pg_database WHERE datname LIKE 'lifeboat_drill_%'")" = lifeboat_drill_notmine000

# Bad input.
"$BIN" drill --config "$H/lifeboat.yaml" e2e/tree >"$D/bad.out" 2>&1
check "drill: a backup host's config is refused with one line (exit 64)" \
    bash -c "[ $? = 64 ] && grep -q 'runs on the recovery host' '$D/bad.out' && [ \$(wc -l <'$D/bad.out') -le 2 ]"
recovery_config "$RH/noid.yaml" "$SCRATCH_DBS"
sed -i 's#ops.sec.asc#missing.sec.asc#' "$RH/noid.yaml"
"$BIN" drill --config "$RH/noid.yaml" e2e/tree >"$D/bad.out" 2>&1
check "drill: a missing identity file: exit 65, one line naming it" \
    bash -c "[ $? = 65 ] && grep -q 'missing.sec.asc' '$D/bad.out' && [ \$(grep -c . '$D/bad.out') -le 2 ]"
recovery_config "$RH/nopass.yaml" "$SCRATCH_DBS"
sed -i 's#ops.sec.asc }#ops.sec.asc, passphrase_file: nope.pass }#' "$RH/nopass.yaml"
"$BIN" drill --config "$RH/nopass.yaml" e2e/tree >"$D/bad.out" 2>&1
check "drill: an unreadable passphrase file: exit 65, one line naming it" \
    bash -c "[ $? = 65 ] && grep -q 'nope.pass' '$D/bad.out'"
printf 'right\n' >"$RH/right.pass"; printf 'wrong\n' >"$RH/wrong.pass"; chmod 600 "$RH"/*.pass
"$BIN" keygen --out "$RH/pk" --name locked --passphrase-file "$RH/right.pass" >/dev/null
recovery_config "$RH/wrongpass.yaml" "$SCRATCH_DBS"
sed -i 's#{ key: ../host/keys/ops.sec.asc }#{ key: pk/locked.sec.asc, passphrase_file: wrong.pass }#' "$RH/wrongpass.yaml"
"$BIN" drill --config "$RH/wrongpass.yaml" e2e/tree >"$D/bad.out" 2>&1
check "drill: a wrong passphrase: exit 65, one line naming the key" \
    bash -c "[ $? = 65 ] && grep -q 'locked.sec.asc: wrong passphrase' '$D/bad.out' && [ \$(grep -c . '$D/bad.out') = 1 ]"
: >"$RH/afile"
recovery_config "$RH/noscratch.yaml" "$SCRATCH_DBS"
sed -i 's#^scratch: .*#scratch: afile/scratch#' "$RH/noscratch.yaml"
"$BIN" drill --config "$RH/noscratch.yaml" e2e/tree >"$D/bad.out" 2>&1
check "drill: a scratch folder that cannot be created: exit 65, one line naming it" \
    bash -c "[ $? = 65 ] && grep -q 'scratch folder .*afile/scratch' '$D/bad.out'"
recovery_config "$RH/down.yaml" "scratch_databases:
  postgres: \"host=127.0.0.1 port=1 user=postgres connect_timeout=3\""
"$BIN" drill --config "$RH/down.yaml" e2e/orders e2e/shop >"$D/bad.out" 2>&1
DOWNRC=$?
cat "$D/bad.out"
check "drill: an unreachable scratch server: exit 1, naming it" \
    bash -c "[ $DOWNRC = 1 ] && grep -q '^FAIL e2e/orders: scratch_databases.postgres (host=127.0.0.1 port=1' '$D/bad.out'"
check "drill: no scratch server for a kind: the drill fails saying which key to set" \
    grep -q '^FAIL e2e/shop: .*set scratch_databases.mariadb' "$D/bad.out"
recovery_config "$RH/down2.yaml" "scratch_databases:
  mariadb: \"host=127.0.0.1 port=1 user=root\""
"$BIN" drill --config "$RH/down2.yaml" e2e/shop >"$D/bad.out" 2>&1
check "drill: an unreachable scratch MariaDB server: exit 1, naming it" \
    bash -c "[ $? = 1 ] && grep -q '^FAIL e2e/shop: scratch_databases.mariadb (host=127.0.0.1 port=1 user=root): cannot create' '$D/bad.out'"
recovery_config "$RH/pw.yaml" "scratch_databases:
  postgres: \"host=127.0.0.1 port=$DPG user=postgres password=secret\""
"$BIN" drill --config "$RH/pw.yaml" e2e/tree >"$D/bad.out" 2>&1
check "drill: a scratch server with a password written in it: exit 65, naming the key, before any drill" \
    bash -c "[ $? = 65 ] && grep -q 'scratch_databases.postgres' '$D/bad.out' && ! grep -q '^PASS' '$D/bad.out'"
"$BIN" drill --config "$RC" nohost >"$D/bad.out" 2>&1
check "drill: a name that is not HOST/POLICY is a usage error (64)" test $? = 64
drill_teardown
fi
