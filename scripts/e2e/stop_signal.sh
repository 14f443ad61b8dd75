# SIGTERM or SIGINT in the middle of a backup: the child's whole process group is stopped, the backup
# is marked failed (no `running` row left for the next run to find), its spool is removed, and
# lifeboat ends by the signal it got.
T=$WORK/stop
db_setup "$T"
MARK="sleep 7$RANDOM.$RANDOM"
cat >"$T/slow.sh" <<SH
#!/bin/sh
# a dumper that writes a little, then starts a grandchild and waits (as pg_dump waits for a lock)
head -c 3000000 /dev/urandom
sh -c '$MARK' &
wait
SH
chmod +x "$T/slow.sh"
db_policy "$T" slow command "command: [\"$T/slow.sh\"]"
stop_once() {
    local sig=$1
    "$BIN" backup --config "$T/lifeboat.yaml" slow >"$T/stop.out" 2>"$T/stop.err" &
    local pid=$!
    for _ in $(seq 1 100); do pgrep -f "^$MARK" >/dev/null && break; sleep 0.1; done
    sleep 0.3
    kill -"$sig" "$pid"
    wait "$pid"
    echo $?
}
code=$(stop_once TERM)
check "stop: SIGTERM ends the backup by that signal (exit 143) and says it cleans up" \
    bash -c "[ '$code' -eq 143 ] && grep -q 'stopped by SIGTERM; cleaning up' '$T/stop.err'"
sleep 0.2
check "stop: no child or grandchild is left running" bash -c "! pgrep -f '^$MARK' >/dev/null"
check "stop: the backup is failed in the catalog, not left running" python3 - "$T/state/catalog.sqlite" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute("SELECT status, error FROM backup WHERE policy = 'slow'").fetchall()
assert len(rows) == 1 and rows[0][0] == "failed" and "stopped by signal 15" in rows[0][1], rows
PY
check "stop: the spool holds nothing of it" test -z "$(ls -A "$T/state/spool/slow" 2>/dev/null)"
code=$(stop_once INT)
check "stop: SIGINT does the same (exit 130, nothing running, spool empty)" bash -c "
    [ '$code' -eq 130 ] && ! pgrep -f '^$MARK' >/dev/null && [ -z \"\$(ls -A '$T/state/spool/slow' 2>/dev/null)\" ] &&
    [ \$(sqlite3 '$T/state/catalog.sqlite' \"SELECT count(*) FROM backup WHERE status = 'running'\") -eq 0 ]"
pkill -f "^$MARK" 2>/dev/null || true
