# Progress on a terminal for verify, which reads every chunk back from every destination: through a
# pseudo-terminal, with an S3 destination (moto_server behind the fault proxy) that answers every GET a
# second late, so the line is drawn however fast the machine is.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 progress: moto_server did not start"
else
SP=$WORK/s3progress
PP=$(s3_proxy progress)
s3_setup "$SP" "http://127.0.0.1:$PP" lifeboat-progress
rm -f "$SP/tree/random.bin"
head -c 4194304 /dev/urandom >"$SP/tree/random.bin"
"$BIN" backup --config "$SP/lifeboat.yaml" tree >/dev/null 2>&1
s3_fault progress slow -1 GET
python3 "$ROOT/scripts/lib/pty_run.py" "$SP/verify.tty" "$BIN" verify tree --config "$SP/lifeboat.yaml" >"$SP/out"
code=$?
SEEN=$(python3 - "$SP/verify.tty" <<'PY'
import sys
seen = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
frames = [f.replace("\x1b[K", "") for f in seen.split("\r") if f.startswith("verify tree: ")]
print(frames[-1] if frames and seen.endswith("\r\x1b[K") else "none")
PY
)
echo "  seen: $SEEN"
check "progress: verify draws in/total across destinations, rate, chunks per destination, ETA; cleared (exit $code)" bash -c "
    [ $code -eq 0 ] && grep -Eq '^verify tree: in [0-9.]+MiB/[0-9.]+MiB, [0-9.]+[KM]iB/s, chunks (nas|offsite) [0-9]+/[0-9]+.*, ETA [0-9]+:[0-9]{2}$' <<<'$SEEN'"
fi
