# Bandwidth manners: `rate_limit: 20MiB/s` on a destination holds shipping (four uploads at a time)
# to 17-21 MiB/s, measured on a real local destination; a rate that is malformed or out of range is
# refused with file and line (exit 65) before anything is written.
L=$WORK/rate
make_setup "$L"
rm -f "$L/tree/random.bin"
head -c 83886080 /dev/urandom >"$L/tree/random.bin"   # 80 MiB that does not compress
sed -i 's#  - { name: nas, type: local, path: ../nas }#  - { name: nas, type: local, path: ../nas, rate_limit: 20MiB/s, concurrency: 4 }#' "$L/policies/tree.yaml"
"$BIN" backup -v --config "$L/lifeboat.yaml" >"$L/out" 2>"$L/err"; code=$?
# shipped_rate DIR: MiB/s of the newest backup's shipping, from its size and the time the log gives.
shipped_rate() {
    python3 - "$1" "$BIN" <<'PY'
import json, re, subprocess, sys
d, binary = sys.argv[1], sys.argv[2]
log = open(d + "/err").read()
m = re.search(r"shipped to nas: (\d+) of \d+ chunks sent in ([0-9.]+)s", log)
listed = json.loads(subprocess.run([binary, "list", "--json", "--config", d + "/lifeboat.yaml"],
                                   capture_output=True, text=True).stdout)
print("%.1f" % (listed[0]["bytes_out"] / 1048576 / max(0.05, float(m.group(2)))) if m else "none")
PY
}
RATE=$(shipped_rate "$L")
echo "  measured: $RATE MiB/s shipped with rate_limit 20MiB/s"
check "rate_limit: 20MiB/s ships at 17-21 MiB/s (measured $RATE MiB/s, exit $code)" python3 -c "
import sys; r = float('$RATE') if '$RATE' != 'none' else 0; sys.exit(0 if $code == 0 and 17 <= r <= 21 else 1)"

sed -i 's#, rate_limit: 20MiB/s##' "$L/policies/tree.yaml"
"$BIN" backup -v --config "$L/lifeboat.yaml" >"$L/out" 2>"$L/err"; code=$?
FREE=$(shipped_rate "$L")
echo "  measured: $FREE MiB/s shipped without rate_limit"
check "rate_limit: without it the same shipping goes faster than 30 MiB/s (measured $FREE MiB/s, exit $code)" python3 -c "
import sys; r = float('$FREE') if '$FREE' != 'none' else 0; sys.exit(0 if $code == 0 and r > 30 else 1)"

for bad in "20MiB" "fast" "0.5KiB/s" "20GiB/s"; do
    B=$WORK/rate-bad
    rm -rf "$B"
    make_setup "$B"
    sed -i "s#  - { name: nas, type: local, path: ../nas }#  - { name: nas, type: local, path: ../nas, rate_limit: \"$bad\" }#" "$B/policies/tree.yaml"
    "$BIN" backup --config "$B/lifeboat.yaml" >/dev/null 2>"$B/err"; code=$?
    check "rate_limit: '$bad' is refused with file and line (exit $code): $(head -c 160 "$B/err")" bash -c "
        [ $code -eq 65 ] && grep -Eq 'tree.yaml:[0-9]+(:[0-9]+)?: .*rate_limit' '$B/err' && [ ! -e '$B/state/catalog.sqlite' ] && [ -z \"\$(ls -A '$B/nas')\" ]"
done
