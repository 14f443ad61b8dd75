# Hardening: what is refused, what is never followed, what a child process may see.
# shellcheck source=/dev/null
source scripts/e2e/db_aa_common.sh
H=$WORK/hard
db_setup "$H"
db_policy "$H" dump command "command: [sh, -c, 'ulimit -c >\"$H/child.ulimit\"; env >\"$H/child.env\"; printf \"secret dump\\\\n\"']"

# Started with core dumps allowed and an AWS secret in its environment, as a careless shell might.
(
    ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"
    export AWS_SECRET_ACCESS_KEY=e2e-aws-secret
    "$BIN" backup --config "$H/lifeboat.yaml" dump >"$H/backup.out" 2>&1
)
check "hardening: the backup of a command completes" grep -q " complete$" "$H/backup.out"
check "hardening: a child runs with core dumps off (RLIMIT_CORE 0)" test "$(cat "$H/child.ulimit" 2>/dev/null)" = 0
check "hardening: a child does not see lifeboat's AWS_* variables" bash -c "[ -s '$H/child.env' ] && ! grep -q '^AWS_' '$H/child.env'"

# SIGPIPE: lifeboat writing into a pipe nobody reads says so, or ends normally; never dies of signal 13 (141).
sigpipe_status() {
    python3 - "$@" <<'PY'
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL)
print(p.returncode)
PY
}
check "hardening: output into a closed pipe does not kill lifeboat with SIGPIPE" \
    test "$(sigpipe_status "$BIN" list --config "$H/lifeboat.yaml")" -ge 0

# A loader that exits early: lifeboat gets EPIPE (SIGPIPE is ignored) and reports the loader's own words.
# Stand-ins for pg_dump and pg_restore come first on PATH, so no server is needed.
mkdir -p "$H/fakebin"
cat >"$H/fakebin/pg_dump" <<'SH'
#!/bin/sh
head -c 3000000 /dev/urandom
SH
cat >"$H/fakebin/pg_restore" <<'SH'
#!/bin/sh
echo "pg_restore: error: input file does not appear to be a valid archive" >&2
exit 1
SH
chmod +x "$H/fakebin/pg_dump" "$H/fakebin/pg_restore"
# globals: none keeps the single pg_dump custom file these stand-ins imitate (no pg_dumpall).
db_policy "$H" early postgres 'dsn: "host=127.0.0.1 dbname=early"
globals: none'
PATH="$H/fakebin:$PATH" "$BIN" backup --config "$H/lifeboat.yaml" early >"$H/early.out" 2>&1
check "hardening: a postgres backup through a stand-in pg_dump completes" grep -q " complete$" "$H/early.out"
PATH="$H/fakebin:$PATH" "$BIN" restore --config "$H/lifeboat.yaml" early --into "host=127.0.0.1 dbname=x" \
    --identity "$H/keys/ops.sec.asc" >/dev/null 2>"$H/early.err"
EARLY=$?
check "hardening: a loader that exits early is exit 1, not death by SIGPIPE (141)" test "$EARLY" -eq 1
check "hardening: ... and the failure carries the loader's own stderr" grep -q "does not appear to be a valid archive" "$H/early.err"
# restore --into takes the password from a password_file=PATH word, never from the command line.
echo "hunter2" >"$H/pw"
chmod 600 "$H/pw"
cat >"$H/fakebin/pg_restore" <<SH
#!/bin/sh
cat >/dev/null
echo "\$*" >"$H/restore.argv"
cat "\$PGPASSFILE" >"$H/restore.pgpass"
SH
PATH="$H/fakebin:$PATH" "$BIN" restore --config "$H/lifeboat.yaml" early --into "host=127.0.0.1 dbname=x password_file=$H/pw" \
    --identity "$H/keys/ops.sec.asc" >/dev/null 2>"$H/into-file.err"
check "hardening: restore --into with password_file= loads through a PGPASSFILE" grep -q ":hunter2$" "$H/restore.pgpass"
check "hardening: ... and pg_restore's command line holds neither the password nor the word" \
    bash -c "grep -q dbname '$H/restore.argv' && ! grep -q -e hunter2 -e password_file '$H/restore.argv'"
rm -f "$H/policies/early.yaml"

# kill -9 during a dump leaves the temporary PGPASSFILE; the next backup or run removes it.
cat >"$H/fakebin/pg_dump" <<SH
#!/bin/sh
echo \$\$ >"$H/pg_dump.pid"
exec sleep 60
SH
db_policy "$H" slow postgres "dsn: \"host=127.0.0.1 dbname=slow\"
globals: none
password_file: $H/pw"
PATH="$H/fakebin:$PATH" "$BIN" backup --config "$H/lifeboat.yaml" slow >/dev/null 2>&1 &
SLOW=$!
disown "$SLOW"   # no job report when it is killed below
for _ in $(seq 100); do [ -s "$H/pg_dump.pid" ] && break; sleep 0.1; done
CRED=$(ls -d /tmp/lifeboat-cred-"$SLOW"-* 2>/dev/null | head -1)
kill -9 "$SLOW" 2>/dev/null
while kill -0 "$SLOW" 2>/dev/null; do sleep 0.05; done
[ -s "$H/pg_dump.pid" ] && kill -9 "$(cat "$H/pg_dump.pid")" 2>/dev/null
check "hardening: kill -9 during a dump leaves its PGPASSFILE behind" bash -c "[ -n '$CRED' ] && grep -q hunter2 '$CRED/pgpass'"
rm -f "$H/policies/slow.yaml"
"$BIN" backup --config "$H/lifeboat.yaml" dump >/dev/null 2>&1
check "hardening: the next backup removes the credential folder of the killed run" bash -c "[ -n '$CRED' ] && [ ! -e '$CRED' ]"

# A backup row left `running` by a killed run whose pid now names another live process (pid reuse
# after a reboot) must not stop `run` from backing the policy up: liveness is the policy's flock.
cat >"$H/stale.sh" <<SH
#!/bin/sh
echo \$\$ >"$H/stale.pid"
exec sleep 60
SH
chmod +x "$H/stale.sh"
db_policy "$H" stale command "command: [\"$H/stale.sh\"]"
"$BIN" backup --config "$H/lifeboat.yaml" stale >/dev/null 2>&1 &
STALE=$!
disown "$STALE"   # no job report when it is killed below
for _ in $(seq 100); do [ -s "$H/stale.pid" ] && break; sleep 0.1; done
kill -9 "$STALE" 2>/dev/null
while kill -0 "$STALE" 2>/dev/null; do sleep 0.05; done
[ -s "$H/stale.pid" ] && kill -9 "$(cat "$H/stale.pid")" 2>/dev/null
sleep 60 &
STRANGER=$!
sqlite3 "$H/state/catalog.sqlite" "UPDATE backup SET pid = $STRANGER WHERE policy = 'stale' AND status = 'running'"
check "hardening: the killed backup is left running with a live process's pid" test \
    "$(sqlite3 "$H/state/catalog.sqlite" "SELECT count(*) FROM backup WHERE policy = 'stale' AND status = 'running' AND pid = $STRANGER")" = 1
db_policy "$H" stale command 'command: [printf, "fresh data"]'
"$BIN" run --config "$H/lifeboat.yaml" >"$H/stale.out" 2>&1
check "hardening: run marks the stale row failed (interrupted) instead of taking it as alive" test \
    "$(sqlite3 "$H/state/catalog.sqlite" "SELECT status FROM backup WHERE policy = 'stale' AND pid = $STRANGER")" = failed
"$BIN" backup --config "$H/lifeboat.yaml" stale >"$H/stale.out" 2>&1
check "hardening: ... and the policy backs up again" grep -q "^stale .* complete$" "$H/stale.out"
kill "$STRANGER" 2>/dev/null
{ wait "$STRANGER"; } 2>/dev/null
rm -f "$H/policies/stale.yaml"

# A SQLite database over 256 MiB is copied into a private folder beside it; kill -9 during that
# backup leaves the folder (and maybe the plaintext copy): the next run removes it.
mkdir -p "$H/big"
sqlite3 "$H/big/big.db" "CREATE TABLE t(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 270)
    INSERT INTO t SELECT zeroblob(1048576) FROM n;"
db_policy "$H" big sqlite "database: $H/big/big.db"
"$BIN" backup --config "$H/lifeboat.yaml" big >/dev/null 2>&1 &
BIG=$!
disown "$BIG"   # no job report when it is killed below
COPY=
for _ in $(seq 1000); do
    COPY=$(ls -d "$H"/big/.lifeboat-sqlite-copy-* 2>/dev/null | head -1)
    [ -n "$COPY" ] && break
    sleep 0.01
done
kill -9 "$BIG" 2>/dev/null
while kill -0 "$BIG" 2>/dev/null; do sleep 0.05; done
check "hardening: kill -9 during a large SQLite backup leaves its copy folder" test -n "$COPY" -a -d "$COPY"
"$BIN" run --config "$H/lifeboat.yaml" >/dev/null 2>&1
check "hardening: the next run removes it" bash -c "[ -n '$COPY' ] && ! ls -d '$H'/big/.lifeboat-sqlite-copy-* 2>/dev/null | grep -q ."
rm -rf "$H/big" "$H/policies/big.yaml"

# A symlink planted at restore's temporary name is not followed: the plaintext does not go through it.
echo "precious" >"$H/victim"
(
    ln -s "$H/victim" "$H/out.txt.lifeboat-partial-$BASHPID"
    exec "$BIN" restore --config "$H/lifeboat.yaml" dump --to "$H/out.txt" --identity "$H/keys/ops.sec.asc" >/dev/null 2>&1
)
check "hardening: restore does not write through a symlink planted at its partial name" \
    bash -c "[ \"\$(cat '$H/victim')\" = precious ] && [ ! -L '$H/out.txt' ] && [ \"\$(cat '$H/out.txt')\" = 'secret dump' ]"
check "hardening: restore leaves no partial name behind" bash -c "! ls -d '$H'/out.txt.lifeboat-partial-* 2>/dev/null | grep -q ."

# Numbers out of range are refused with the file and line (exit 65), not a crash or a hang.
expect_refusal() { # name, expected text, then the command
    local name=$1 text=$2; shift 2
    local err code
    err=$(timeout 30 "$@" 2>&1 >/dev/null)
    code=$?
    if [ "$code" -eq 65 ] && [ "$(printf '%s\n' "$err" | wc -l)" -eq 1 ] && [[ "$err" == *"$text"* ]]; then
        pass "$name"
    else
        fail "$name (exit $code: $err)"
    fi
}
printf 'AWS_ACCESS_KEY_ID=k\nAWS_SECRET_ACCESS_KEY=s\n' >"$H/s3.env"
chmod 600 "$H/s3.env"
s3_policy() { # extra line for the S3 destination
    cat >"$H/policies/off.yaml" <<YAML
name: off
kind: files
source: { paths: [$H/keys] }
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - name: s3
    type: s3
    endpoint: http://127.0.0.1:9
    bucket: b
    $1
    credentials: $H/s3.env
YAML
}
s3_policy "timeout: 1e300s"
expect_refusal "hardening: timeout: 1e300s is exit 65 naming the line, not a crash" "off.yaml:11: timeout: '1e300s' is out of range" \
    "$BIN" backup --config "$H/lifeboat.yaml" off
s3_policy "retry: { base: 1e300s }"
expect_refusal "hardening: retry.base: 1e300s is exit 65 for verify, not a hang" "off.yaml:11: retry.base: '1e300s' is out of range" \
    "$BIN" verify --config "$H/lifeboat.yaml" off
s3_policy "part_size: 99999999999999999999GiB"
expect_refusal "hardening: a size past any bound is out of range" "part_size: '99999999999999999999GiB' is out of range" \
    "$BIN" list --config "$H/lifeboat.yaml"
rm -f "$H/policies/off.yaml"
timeout 10 "$BIN" run --config "$H/lifeboat.yaml" --random-delay 9999999999s >/dev/null 2>&1
check "hardening: --random-delay past a day is a usage error (exit 64)" test $? -eq 64

# Passwords never on a command line: refused in a policy's dsn and in restore --into.
db_policy "$H" orders postgres "dsn: \"host=127.0.0.1 dbname=orders password=hunter2\""
expect_refusal "hardening: password= in a dsn is refused, pointing to password_file" "password_file" \
    "$BIN" backup --config "$H/lifeboat.yaml" orders
check "hardening: the refusal does not repeat the password" bash -c \
    "! '$BIN' backup --config '$H/lifeboat.yaml' orders 2>&1 | grep -q hunter2"
db_policy "$H" orders postgres "dsn: \"host=127.0.0.1 dbname=orders\""
"$BIN" restore --config "$H/lifeboat.yaml" orders --into "host=127.0.0.1 dbname=x password=hunter2" \
    --identity "$H/keys/ops.sec.asc" >/dev/null 2>"$H/into.err"
check "hardening: restore --into with a password is exit 65" test $? -eq 65
check "hardening: ... and says to use password_file" grep -q "password_file" "$H/into.err"
rm -f "$H/policies/orders.yaml"
