# Progress on a terminal: backup and restore (and verify, drill) draw one line on standard error when it is a
# terminal (seen through a pseudo-terminal), redrawn with a carriage return and cleared at the end;
# nothing of it when standard error is a file; nothing with --no-progress.
P=$WORK/progress
make_setup "$P"
head -c 48000000 /dev/urandom >"$P/tree/big.bin"   # long enough for several redraws
PC=(--config "$P/lifeboat.yaml")
PTY=$ROOT/scripts/lib/pty_run.py
# shows FILE TEXT: the terminal got a line starting with TEXT, drawn after a carriage return, and the
# last thing it got was the line being cleared.
shows() {
    python3 - "$1" "$2" <<'PY'
import sys
seen = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
frames = [f for f in seen.split("\r") if f.startswith(sys.argv[2])]
assert frames, seen[-400:]
assert seen.endswith("\r\x1b[K"), repr(seen[-80:])
print(frames[-1].replace("\x1b[K", ""))
PY
}
# Shipping to a local folder can end inside one redraw (a quarter second); held to 16 MiB/s, 48 MB take
# about three seconds, so the line is drawn while chunks ship.
sed -i 's#  - { name: nas, type: local, path: ../nas }#  - { name: nas, type: local, path: ../nas, rate_limit: 16MiB/s }#' "$P/policies/tree.yaml"
python3 "$PTY" "$P/backup.tty" "$BIN" backup "${PC[@]}" >"$P/backup.out"; code=$?
sed -i 's#, rate_limit: 16MiB/s##' "$P/policies/tree.yaml"
SEEN=$(shows "$P/backup.tty" 'backup tree: in ')
check "progress: backup draws 'backup tree: in …, out …, rate, chunks nas N/M' and clears it (exit $code)" bash -c "
    [ $code -eq 0 ] && grep -Eq '^backup tree: in [0-9.]+MiB, out [0-9.]+MiB, [0-9.]+[KM]iB/s' <<<'$SEEN'"
check "progress: a backup's chunks shipped per destination are shown" bash -c "
    grep -aEq 'chunks nas [0-9]+/[0-9]+' '$P/backup.tty'"
check "progress: standard output keeps only the result line" bash -c "
    [ \$(wc -l <'$P/backup.out') -eq 1 ] && grep -Eq '^tree [0-9]{8}T[0-9]{6}Z-[a-z2-7]{6} complete' '$P/backup.out' && ! grep -q \$'\r' '$P/backup.out'"
echo "  seen: $SEEN"

python3 "$PTY" "$P/restore.tty" "$BIN" restore tree --to "$P/restored" --identity "$P/keys/ops.sec.asc" "${PC[@]}" >/dev/null
code=$?
SEEN=$(shows "$P/restore.tty" 'restore tree: ')
check "progress: restore draws in/total, out, rate, chunks and ETA (exit $code)" bash -c "
    [ $code -eq 0 ] && grep -Eq '^restore tree: in [0-9.]+MiB/[0-9.]+MiB, out .*, chunks nas [0-9]+/[0-9]+, ETA [0-9]+:[0-9]{2}$' <<<'$SEEN'"
echo "  seen: $SEEN"

"$BIN" backup "${PC[@]}" >/dev/null 2>"$P/plain.err"; code=$?
check "progress: nothing extra when standard error is not a terminal (exit $code)" bash -c "
    [ $code -eq 0 ] && ! grep -q \$'\r' '$P/plain.err' && ! grep -q 'backup tree: in' '$P/plain.err'"

python3 "$PTY" "$P/quiet.tty" "$BIN" --no-progress backup "${PC[@]}" >/dev/null; code=$?
check "progress: --no-progress draws nothing on a terminal (exit $code)" bash -c "
    [ $code -eq 0 ] && ! grep -q 'backup tree: in' '$P/quiet.tty' &&
    python3 -c 'import sys; t = open(sys.argv[1], \"rb\").read(); assert b\"\\r\" not in t.replace(b\"\\r\\n\", b\"\")' '$P/quiet.tty'"

python3 "$PTY" "$P/verbose.tty" "$BIN" backup -v "${PC[@]}" >/dev/null; code=$?
check "progress: with -v each log line starts on a cleared line, not glued to the progress line (exit $code)" \
    python3 - "$P/verbose.tty" 2>&1 <<'PY'
import re, sys
seen = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
logged = [seg for seg in seen.split("\n") if " info " in seg]
assert logged, seen[-400:]
for seg in logged:
    last = seg.rstrip("\r").split("\r")[-1].replace("\x1b[K", "")  # the terminal turns \n into \r\n
    assert re.match(r"\d{4}-\d\d-\d\dT", last), repr(seg[-300:])
assert "backup tree: in " in seen, seen[-400:]
PY

# copy: the newest backup from nas to a second local folder held to 16 MiB/s (so the line is drawn
# while chunks are written: 48 MB take about three seconds): 'copy tree: in read/total, out, rate, chunks far n/m, ETA'.
echo "  - { name: far, type: local, path: ../far, rate_limit: 16MiB/s }" >>"$P/policies/tree.yaml"
T0=$(date +%s%N)
python3 "$PTY" "$P/copy.tty" "$BIN" copy tree --from nas --to far "${PC[@]}" >"$P/copy.out"; code=$?
MS=$(( ($(date +%s%N) - T0) / 1000000 ))
check "progress: copy is held to the target's rate_limit too (48 MB at 16 MiB/s: ${MS} ms, at least 1500)" \
    test "$MS" -ge 1500
SEEN=$(shows "$P/copy.tty" 'copy tree: ')
check "progress: copy draws in/total, out, rate, chunks at the target and ETA (exit $code)" bash -c "
    [ $code -eq 0 ] && grep -Eq '^copy tree: in [0-9.]+MiB/[0-9.]+MiB, out [0-9.]+MiB, [0-9.]+[KM]iB/s, chunks far [0-9]+/[0-9]+, ETA [0-9]+:[0-9]{2}$' <<<'$SEEN'"
check "progress: copy's standard output keeps only its result line" bash -c "
    [ \$(wc -l <'$P/copy.out') -eq 1 ] && grep -q ' nas -> far: copied' '$P/copy.out' && ! grep -q \$'\r' '$P/copy.out'"
echo "  seen: $SEEN"
rm -rf "$P/far"
"$BIN" copy tree --from nas --to far "${PC[@]}" >/dev/null 2>"$P/copy-plain.err"; code=$?
check "progress: copy writes nothing of it when standard error is not a terminal (exit $code)" bash -c "
    [ $code -eq 0 ] && ls '$P'/far/e2e/tree/*/manifest.json >/dev/null 2>&1 && ! grep -q \$'\r' '$P/copy-plain.err' && ! grep -q 'copy tree: in' '$P/copy-plain.err'"
rm -rf "$P/far"
python3 "$PTY" "$P/copy-quiet.tty" "$BIN" --no-progress copy tree --from nas --to far "${PC[@]}" >/dev/null; code=$?
check "progress: copy --no-progress draws nothing on a terminal (exit $code)" bash -c "
    [ $code -eq 0 ] && ! grep -q 'copy tree: in' '$P/copy-quiet.tty'"
