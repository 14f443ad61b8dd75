# kind mariadb with binlog: the dump records its binary log position, `run` rotates and archives the
# closed logs through the pipeline, `restore --until T --into` loads the dump and replays to T (exactly
# the rows committed at or before T), a TIME outside the range is refused (exit 64, nothing written), and
# a log purged before it was archived makes `check` CRITICAL, naming it.
# Needs mariadb-server (scripts/prerequisites.sh mariadb-server).
if ! command -v mariadbd >/dev/null; then
    fail "pitr_mariadb: mariadb-server is not installed (scripts/prerequisites.sh mariadb-server)"
else
source "$ROOT/scripts/servers/mariadb.sh"
P=$WORK/pitr
db_setup "$P"
pitr_mariadb_up lbpb
PB=$PITR_MDB PSOCK=$PITR_MDB_SOCK
pq() { mariadb --no-defaults -S "$PSOCK" -uroot -N -B "$@"; }
check "pitr_mariadb: server up with its binary log on" test "$(pq -e 'SELECT @@log_bin')" = 1
pq -e "CREATE DATABASE shop; CREATE TABLE shop.orders(id INT AUTO_INCREMENT PRIMARY KEY, item VARCHAR(40), at DATETIME(6)) ENGINE=InnoDB"
pq shop -e "INSERT INTO orders(item, at) SELECT concat('seed-', seq), now(6) FROM seq_1_to_1000"
pitr_mariadb_policy "$P" "$PSOCK"
LB() { "$BIN" "$@" --config "$P/lifeboat.yaml"; }
# Makes the archived logs look 10 minutes older, so binlog archiving is due again.
age_binlogs() { sqlite3 "$P/state/catalog.sqlite" "UPDATE binlog SET rotated = rotated - 600"; }

check "pitr_mariadb: config check --connect asks the server for its binary logs: fine" \
    bash -c "LB() { '$BIN' \"\$@\" --config '$P/lifeboat.yaml'; }; LB config check --connect >/dev/null 2>&1"
sed "s|socket: $PSOCK|socket: $PB/nowhere.sock|" "$P/policies/shop.yaml" >"$P/policies/gone.yaml"
sed -i 's/^name: shop$/name: gone/' "$P/policies/gone.yaml"
LB config check --connect >"$P/cc.out" 2>&1
code=$?
check "pitr_mariadb: ... and a policy whose server cannot be asked is a problem in its file (exit $code)" \
    bash -c "[ $code = 65 ] && grep -q 'gone.yaml: binlog: the server.s binary logs cannot be listed' '$P/cc.out'"
rm "$P/policies/gone.yaml"

# 1. The dump records the position it is consistent with.
PID1=$(db_backup "$P" shop)
check "pitr_mariadb: dump backup completes" test -n "$PID1"
POS=$(python3 -c 'import json,sys; b=json.load(open(sys.argv[1])).get("binlog") or {}; print(b.get("file","-"), b.get("position","-"))' "$P/nas/e2e/shop/$PID1/manifest.json")
check "pitr_mariadb: the manifest names the binlog position ($POS)" bash -c "[[ '$POS' =~ ^lb\.[0-9]{6}\ [0-9]+$ ]]"
check "pitr_mariadb: so does the catalog" \
    test "$(sqlite3 "$P/state/catalog.sqlite" "SELECT binlog_file || ' ' || binlog_position FROM backup WHERE id = '$PID1'")" = "$POS"

# 2. Writes with timestamps, a second apart, across two rotations by run.
write_rows() { # FROM TO: one row a time, 1.1 s apart; the row's commit time is its `at`
    for i in $(seq "$1" "$2"); do pq shop -e "INSERT INTO orders(item, at) VALUES ('live-$i', now(6))"; sleep 1.1; done
}
write_rows 1 3
LB run >"$P/run1.out" 2>&1
check "pitr_mariadb: run archives the closed logs ($(grep -c 'binlog .* archived' "$P/run1.out") archived)" \
    grep -q "shop binlog lb.[0-9]* archived" "$P/run1.out"
write_rows 4 6
LB run >"$P/run2.out" 2>&1
check "pitr_mariadb: a run before binlog.every archives nothing" bash -c "! grep -q 'binlog' '$P/run2.out'"
age_binlogs
LB run >"$P/run3.out" 2>&1
check "pitr_mariadb: the next due run rotates and archives again" grep -q "shop binlog lb.[0-9]* archived" "$P/run3.out"
check "pitr_mariadb: nothing of the logs is left in the spool (no plaintext copy)" \
    test "$(find "$P/state/spool" -type f -path '*binlog*' | wc -l)" = 0
N=$(ls -d "$P"/nas/e2e/shop/binlog/lb.* 2>/dev/null | wc -l)
check "pitr_mariadb: each archived log is its own signed object at the destination ($N)" \
    bash -c "[ $N -ge 2 ] && for d in '$P'/nas/e2e/shop/binlog/lb.*; do [ -f \$d/manifest.json -a -f \$d/manifest.json.sig -a -f \$d/data.000000 ] || exit 1; done"
ONE=$(ls -d "$P"/nas/e2e/shop/binlog/lb.* | head -1)
check "pitr_mariadb: the archived log is encrypted (no binlog magic, no table name in clear)" \
    bash -c "! grep -q 'live-1' '$ONE/data.000000' && [ \"\$(head -c 4 '$ONE/data.000000' | od -An -tx1 | tr -d ' ')\" != fe62696e ]"
gpg --batch --quiet --import "$P/keys/ops.sec.asc" 2>/dev/null
gpg --batch --quiet -d "$ONE/data.000000" 2>/dev/null | gunzip >"$P/one.bin" 2>/dev/null
check "pitr_mariadb: ... and decrypts with gpg and gunzip to a binary log (magic fe 62 69 6e)" \
    test "$(head -c 4 "$P/one.bin" | od -An -tx1 | tr -d ' ')" = fe62696e
check "pitr_mariadb: check is OK with the RPO age of the newest archived log" \
    bash -c "'$BIN' check --config '$P/lifeboat.yaml' shop | grep -q 'newest archived binary log lb'"

# 2b. The destination refuses a log: it is not recorded, the run fails, and the next run ships it (no gap).
BL=$P/nas/e2e/shop/binlog
age_binlogs
mv "$BL" "$BL.aside" && touch "$BL"
LB run >"$P/run4.out" 2>&1
code=$?
check "pitr_mariadb: a log the destination refuses fails the run (exit $code) and names the log" \
    bash -c "[ $code != 0 ] && grep -q 'shop binlog lb.[0-9]* failed' '$P/run4.out'"
BEFORE=$(sqlite3 "$P/state/catalog.sqlite" "SELECT count(*) FROM binlog")
rm "$BL" && mv "$BL.aside" "$BL"
LB run >"$P/run5.out" 2>&1
code=$?
SEQS=$(sqlite3 "$P/state/catalog.sqlite" "SELECT group_concat(seq, ' ') FROM (SELECT seq FROM binlog ORDER BY seq)")
check "pitr_mariadb: ... the next run archives it and the one after it (exit $code; logs $SEQS)" \
    bash -c "[ $code = 0 ] && [ \$(sqlite3 '$P/state/catalog.sqlite' 'SELECT count(*) FROM binlog') -eq $((BEFORE + 2)) ] && python3 -c 'import sys; s=list(map(int, sys.argv[1].split())); sys.exit(s != list(range(s[0], s[0] + len(s))))' '$SEQS'"

# 3. restore --until T: T between live-4 and live-5.
T=$(pq -e "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') FROM shop.orders WHERE item = 'live-4'")
WANT=$(pq -e "SELECT count(*) FROM shop.orders WHERE at < '$T' + INTERVAL 1 SECOND")
LB restore shop --until "$T" --into "socket=$PSOCK user=root database=shop_t" --identity "$P/keys/ops.sec.asc" >"$P/until.out" 2>&1
code=$?
check "pitr_mariadb: restore --until '$T' completes (exit $code)" test "$code" = 0
GOT=$(pq -e "SELECT count(*) FROM shop_t.orders" 2>/dev/null)
check "pitr_mariadb: ... with exactly the rows committed at or before T ($GOT of $WANT wanted)" test "$GOT" = "$WANT"
check "pitr_mariadb: ... live-4 in, live-5 not" \
    test "$(pq -e "SELECT group_concat(item ORDER BY id) FROM shop_t.orders WHERE item LIKE 'live-%'")" = "live-1,live-2,live-3,live-4"
check "pitr_mariadb: ... and the source database is untouched by the replay" \
    test "$(pq -e "SELECT count(*) FROM shop.orders")" = "$(( 1000 + 6 ))"
sed 's/^/     /' "$P/until.out"

# 3b. A second dump: a TIME after it starts from it; a TIME before it still from the first.
write_rows 8 9
PID2=$(db_backup "$P" shop)
write_rows 10 11
age_binlogs
LB run >"$P/run6.out" 2>&1
T2=$(pq -e "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') FROM shop.orders WHERE item = 'live-11'")
LB restore shop --until "$T2" --into "socket=$PSOCK user=root database=shop_t2" --identity "$P/keys/ops.sec.asc" >"$P/until2.out" 2>&1
check "pitr_mariadb: --until after a second dump loads that dump ($PID2) and replays from its position" \
    bash -c "grep -q 'restored shop $PID2' '$P/until2.out' && [ \"\$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e \"SELECT group_concat(item ORDER BY id) FROM shop_t2.orders WHERE item LIKE 'live-%'\")\" = live-1,live-2,live-3,live-4,live-5,live-6,live-8,live-9,live-10,live-11 ]"
LB restore shop --until "$T" --into "socket=$PSOCK user=root database=shop_t3" --identity "$P/keys/ops.sec.asc" >"$P/until3.out" 2>&1
check "pitr_mariadb: --until before the second dump still loads the first ($PID1)" \
    bash -c "grep -q 'restored shop $PID1' '$P/until3.out' && [ \$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e 'SELECT count(*) FROM shop_t3.orders') = $WANT ]"

# 3c. An archived log missing at the destination: exit 1 naming it, nothing written.
GONE=$(ls "$BL" | sort | sed -n 2p)
mv "$BL/$GONE" "$P/gone"
LB restore shop --until "$T" --into "socket=$PSOCK user=root database=shop_gap" --identity "$P/keys/ops.sec.asc" >"$P/gap.out" 2>&1
code=$?
check "pitr_mariadb: a log missing at the destination stops the restore (exit $code) naming $GONE, nothing written" \
    bash -c "[ $code = 1 ] && grep -q 'binary log $GONE is not archived' '$P/gap.out' && [ -z \"\$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e \"SHOW DATABASES LIKE 'shop_gap'\")\" ]"
sed "s/^/     /" "$P/gap.out"
mv "$P/gone" "$BL/$GONE"

# 4. A TIME outside the range: one line naming the range, exit 64, nothing written.
LB restore shop --until "2001-01-01 00:00:00" --into "socket=$PSOCK user=root database=shop_early" \
    --identity "$P/keys/ops.sec.asc" >"$P/early.out" 2>&1
code=$?
check "pitr_mariadb: --until before the oldest dump is refused with the range (exit $code)" \
    bash -c "[ $code = 64 ] && grep -q 'outside what policy shop can restore: from ' '$P/early.out' && [ \$(wc -l <'$P/early.out') -le 2 ]"
check "pitr_mariadb: ... and no database was made" test -z "$(pq -e "SHOW DATABASES LIKE 'shop_early'")"
LB restore shop --until "2099-01-01T00:00:00Z" --into "socket=$PSOCK user=root database=shop_late" \
    --identity "$P/keys/ops.sec.asc" >"$P/late.out" 2>&1
code=$?
check "pitr_mariadb: --until after the newest archived log is refused (exit $code)" \
    bash -c "[ $code = 64 ] && grep -q 'outside what policy shop can restore' '$P/late.out'"
LB restore shop --until "yesterday" --into "socket=$PSOCK user=root database=shop_bad" \
    --identity "$P/keys/ops.sec.asc" >"$P/bad.out" 2>&1
code=$?
check "pitr_mariadb: --until that is not a time is refused (exit $code)" \
    bash -c "[ $code = 64 ] && grep -q 'is not a time' '$P/bad.out'"

LB restore shop --until "$T" --timeline 2 --into "socket=$PSOCK user=root database=shop_tl" \
    --identity "$P/keys/ops.sec.asc" >"$P/tl.out" 2>&1
code=$?
check "pitr_mariadb: --timeline (postgres only) is refused (exit $code), nothing written" \
    bash -c "[ $code = 64 ] && grep -q 'timeline belongs to postgres policies' '$P/tl.out' && [ -z \"\$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e \"SHOW DATABASES LIKE 'shop_tl'\")\" ]"
grep -v '^binlog:' "$P/policies/shop.yaml" | sed 's/^name: shop$/name: plain/' >"$P/policies/plain.yaml"
LB restore plain --until "$T" --into "socket=$PSOCK user=root database=shop_plain" --identity "$P/keys/ops.sec.asc" >"$P/plain.out" 2>&1
code=$?
check "pitr_mariadb: --until on a policy without binlog is refused (exit $code), nothing written" \
    bash -c "[ $code = 64 ] && grep -q 'is not a single-database mariadb dump with binlog' '$P/plain.out' && [ -z \"\$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e \"SHOW DATABASES LIKE 'shop_plain'\")\" ]"
rm "$P/policies/plain.yaml"

# 5. A log purged before it was archived: check is CRITICAL and names it.
write_rows 7 7
pq -e "FLUSH BINARY LOGS"
LOST=$(pq -e "SHOW BINARY LOGS" | tail -2 | head -1 | cut -f1)
pq -e "FLUSH BINARY LOGS"
KEEP=$(pq -e "SHOW BINARY LOGS" | tail -1 | cut -f1)
# The server keeps a log crash recovery may still need (PURGE then warns): try until it is gone.
for _ in $(seq 1 100); do
    pq -e "PURGE BINARY LOGS TO '$KEEP'" 2>/dev/null
    pq -e "SHOW BINARY LOGS" | cut -f1 | grep -qx "$LOST" || break
    sleep 0.1
done
check "pitr_mariadb: the server purged $LOST before Lifeboat archived it" \
    bash -c "! mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e 'SHOW BINARY LOGS' | cut -f1 | grep -qx '$LOST'"
"$BIN" check --config "$P/lifeboat.yaml" shop >"$P/check.out" 2>&1
code=$?; sed "s/^/     /" "$P/check.out"
check "pitr_mariadb: a purged, unarchived log makes check CRITICAL (exit $code) naming $LOST" \
    bash -c "[ $code = 2 ] && grep -q 'binary log $LOST was purged before it was archived' '$P/check.out'"

# 6. Retention: once the first dump is purged, the logs only it needed are removed; the second's stay.
sed -i 's/^binlog: { every: 5m }$/binlog: { every: 5m }\nretention: { keep_last: 1, keep_daily: 0, keep_weekly: 0, keep_monthly: 0, deleted_grace: 1s, soft_deleted_grace: 1s }/' "$P/policies/shop.yaml"
for _ in 1 2 3; do age_binlogs; LB run >>"$P/run7.out" 2>&1; sleep 1.2; done
age_binlogs; LB run >>"$P/run7.out" 2>&1
FIRST2=$(sqlite3 "$P/state/catalog.sqlite" "SELECT binlog_file FROM backup WHERE id = '$PID2'")
check "pitr_mariadb: the first dump is purged by retention" \
    test "$(sqlite3 "$P/state/catalog.sqlite" "SELECT retention FROM backup WHERE id = '$PID1'")" = purged
check "pitr_mariadb: ... and the logs before $FIRST2 (the second dump's) are gone from the destination and the catalog" \
    bash -c "[ \"\$(ls '$BL' | sort | head -1)\" = '$FIRST2' ] && [ \"\$(sqlite3 '$P/state/catalog.sqlite' 'SELECT min(name) FROM binlog')\" = '$FIRST2' ] && grep -q 'shop binlog lb.000001 removed' '$P/run7.out'"
T3=$(pq -e "SELECT DATE_FORMAT(at, '%Y-%m-%d %H:%i:%s') FROM shop.orders WHERE item = 'live-11'")
LB restore shop --until "$T3" --into "socket=$PSOCK user=root database=shop_t4" --identity "$P/keys/ops.sec.asc" --json >"$P/until4.out" 2>&1
check "pitr_mariadb: restore --until --json after pruning names the dump, TIME and the logs replayed" \
    python3 -c 'import json,sys; o=json.load(open(sys.argv[1])); sys.exit(not (o["id"] == sys.argv[2] and o["binlogs"][0] == sys.argv[3] and o["until"].endswith("Z")))' "$P/until4.out" "$PID2" "$FIRST2"

# 7. The catalog is lost: rebuild-catalog records the dump and the archived logs from their signed
# manifests; restore --until works from it, and the next run does not ship the old logs again.
LOGS=$(sqlite3 "$P/state/catalog.sqlite" "SELECT group_concat(name, ' ') FROM (SELECT name FROM binlog ORDER BY seq)")
rm -f "$P/state/catalog.sqlite" "$P/state/catalog.sqlite-wal" "$P/state/catalog.sqlite-shm"
LB rebuild-catalog shop >"$P/rebuild.out" 2>&1
code=$?
N=$(echo "$LOGS" | wc -w)
check "pitr_mariadb: rebuild-catalog records the dump and the $N archived logs (exit $code: $(head -c 120 "$P/rebuild.out"))" \
    bash -c "[ $code = 0 ] && grep -q 'backups\? added.*$N archived binary logs\? recorded' '$P/rebuild.out' && [ \"\$(sqlite3 '$P/state/catalog.sqlite' \"SELECT group_concat(name, ' ') FROM (SELECT name FROM binlog ORDER BY seq)\")\" = '$LOGS' ]"
LB restore shop --until "$T3" --into "socket=$PSOCK user=root database=shop_t5" --identity "$P/keys/ops.sec.asc" >"$P/until5.out" 2>&1
code=$?
GOT=$(pq -e "SELECT group_concat(item ORDER BY id) FROM shop_t5.orders WHERE item LIKE 'live-%'" 2>/dev/null)
check "pitr_mariadb: ... restore --until from the rebuilt catalog: exactly the rows up to T3 (exit $code; $GOT)" \
    bash -c "[ $code = 0 ] && [ '$GOT' = live-1,live-2,live-3,live-4,live-5,live-6,live-8,live-9,live-10,live-11 ] && [ \$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e 'SELECT count(*) FROM shop_t5.orders') = \$(mariadb --no-defaults -S '$PSOCK' -uroot -N -B -e 'SELECT count(*) FROM shop_t4.orders') ]"
age_binlogs
LB run >"$P/run8.out" 2>&1
AGAIN=$(for l in $LOGS; do grep -q "shop binlog $l archived" "$P/run8.out" && echo "$l"; done)
check "pitr_mariadb: ... and the next run ships only what is new, none of the recorded logs again ($(grep -c 'archived' "$P/run8.out") archived)" \
    bash -c "[ -z '$AGAIN' ] && grep -q 'shop binlog' '$P/run8.out'"

# 8. Per destination: a second destination is down, the log reaches nas only and is not recorded; the
# next run sends it to far alone, nas keeps the copy it has (its manifest is not written again).
sed -i 's|  - { name: nas, type: local, path: ../nas }|  - { name: nas, type: local, path: ../nas }\n  - { name: far, type: local, path: ../far }|' "$P/policies/shop.yaml"
touch "$P/far"
write_rows 20 20
age_binlogs
LB run >"$P/run9.out" 2>&1
code=$?
L=$(grep -o 'shop binlog lb\.[0-9]* failed' "$P/run9.out" | head -1 | awk '{print $3}')
NAS1=$(md5sum <"$BL/$L/manifest.json" 2>/dev/null)
check "pitr_mariadb: far down: the run fails (exit $code) for $L, which reached nas and is not recorded" \
    bash -c "[ $code != 0 ] && [ -n '$L' ] && [ -f '$BL/$L/manifest.json' ] && [ -z \"\$(sqlite3 '$P/state/catalog.sqlite' \"SELECT name FROM binlog WHERE name = '$L'\")\" ]"
rm "$P/far"
age_binlogs
LB run >"$P/run10.out" 2>&1
code=$?
check "pitr_mariadb: far back: $L is archived (exit $code), far holds it, nas's copy is the one it had (not sent again)" \
    bash -c "[ $code = 0 ] && grep -q 'shop binlog $L archived' '$P/run10.out' && [ -f '$P/far/e2e/shop/binlog/$L/manifest.json' ] && [ \"\$(md5sum <'$BL/$L/manifest.json')\" = '$NAS1' ] && [ -n \"\$(sqlite3 '$P/state/catalog.sqlite' \"SELECT name FROM binlog WHERE name = '$L'\")\" ]"
F=$P/far/e2e/shop/binlog/$L
check "pitr_mariadb: ... far's copy is the same log: same plaintext sha256 in both manifests, and it decrypts to a binary log" \
    bash -c "[ \"\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"payload_sha256\"])' '$F/manifest.json')\" = \"\$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[\"payload_sha256\"])' '$BL/$L/manifest.json')\" ] && [ \"\$(gpg --batch --quiet -d '$F/data.000000' 2>/dev/null | gunzip 2>/dev/null | head -c 4 | od -An -tx1 | tr -d ' ')\" = fe62696e ]"
pitr_mariadb_down "$PB"
fi
