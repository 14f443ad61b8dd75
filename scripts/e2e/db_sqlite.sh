# kind sqlite: a live database in WAL mode with a writer committing throughout the backup.
Q=$WORK/sqlite
db_setup "$Q"
python3 - "$Q/live.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1]); c.execute("PRAGMA journal_mode=wal")
c.execute("CREATE TABLE ratings(id INTEGER PRIMARY KEY, movie TEXT, stars INT, pad BLOB)")
c.executemany("INSERT INTO ratings(movie, stars, pad) VALUES (?, ?, randomblob(500))", [(f"m{i}", i % 5) for i in range(20000)])
c.commit()
PY
python3 - "$Q/live.db" "$Q/writer.stop" >"$Q/writer.log" 2>&1 <<'PY' &
import os, sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
n = 0
while not os.path.exists(sys.argv[2]):
    c.execute("BEGIN IMMEDIATE"); c.execute("INSERT INTO ratings(movie, stars, pad) VALUES ('w', 9, randomblob(500))")
    c.execute("INSERT INTO ratings(movie, stars, pad) VALUES ('w2', 9, randomblob(10))"); c.execute("COMMIT"); n += 1
print(n)
PY
QW=$!
sleep 0.3
db_policy "$Q" ratings sqlite "database: live.db"
sed -i "s|database: live.db|database: $Q/live.db|" "$Q/policies/ratings.yaml"
QID=$(db_backup "$Q" ratings)
touch "$Q/writer.stop"; wait $QW
check "sqlite: backup of a live WAL database completes while a writer writes" test -n "$QID" -a "$(cat "$Q/writer.log")" -gt 0
"$BIN" restore --config "$Q/lifeboat.yaml" ratings --to "$Q/restored.db" --identity "$Q/keys/ops.sec.asc" >/dev/null 2>&1
check "sqlite: restored database passes integrity_check and holds whole transactions, no gaps" python3 - "$Q/restored.db" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
assert c.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
n, top = c.execute("SELECT count(*), max(id) FROM ratings").fetchone()
assert n == top and n >= 20000 and (n - 20000) % 2 == 0, (n, top)
PY
mkdir "$Q/into-folder"
out=$("$BIN" restore --config "$Q/lifeboat.yaml" ratings --to "$Q/into-folder" --identity "$Q/keys/ops.sec.asc" 2>&1)
check "sqlite: --to an existing folder writes the database inside it as POLICY.sqlite and says so" bash -c "
    [ \"\$(sqlite3 '$Q/into-folder/ratings.sqlite' 'PRAGMA integrity_check')\" = ok ] && grep -q 'into $Q/into-folder/ratings.sqlite' <<<'$out'"
gpg --batch --quiet --import "$Q/keys/ops.sec.asc" 2>/dev/null
cat "$Q/nas/e2e/ratings/$QID"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | gunzip >"$Q/manual.db"
check "sqlite: gpg --decrypt | gunzip gives the database file, sqlite3 opens it" \
    test "$(sqlite3 "$Q/manual.db" 'PRAGMA integrity_check')" = ok
