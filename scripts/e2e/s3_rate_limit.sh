# rate_limit on an S3 destination (moto_server): 20MiB/s holds the uploads to 17-21 MiB/s while the
# local destination of the same policy, without a limit, goes at its own speed.
if [ -z "$MOTO_PORT" ]; then
    fail "s3 rate_limit: moto_server did not start"
else
SR=$WORK/s3rate
s3_setup "$SR" "$MOTO" lifeboat-rate "rate_limit: 20MiB/s"
rm -f "$SR/tree/random.bin"
head -c 41943040 /dev/urandom >"$SR/tree/random.bin"   # 40 MiB that does not compress
"$BIN" backup -v --config "$SR/lifeboat.yaml" tree >"$SR/out" 2>"$SR/err"; code=$?
# s3_rate DIR: MiB/s of the newest backup's shipping to offsite, from its size and the logged time.
s3_rate() {
    python3 - "$1" "$BIN" <<'PY'
import json, re, subprocess, sys
d, binary = sys.argv[1], sys.argv[2]
m = re.search(r"shipped to offsite: \d+ of \d+ chunks sent in ([0-9.]+)s", open(d + "/err").read())
listed = json.loads(subprocess.run([binary, "list", "--json", "--config", d + "/lifeboat.yaml"],
                                   capture_output=True, text=True).stdout)
print("%.1f" % (listed[0]["bytes_out"] / 1048576 / max(0.05, float(m.group(1)))) if m else "none")
PY
}
SRATE=$(s3_rate "$SR")
echo "  measured: $SRATE MiB/s shipped to moto with rate_limit 20MiB/s"
check "s3 rate_limit: 20MiB/s ships to S3 at 17-21 MiB/s (measured $SRATE MiB/s, exit $code)" python3 -c "
import sys; r = float('$SRATE') if '$SRATE' != 'none' else 0; sys.exit(0 if $code == 0 and 17 <= r <= 21 else 1)"
sed -i '/^    rate_limit: 20MiB\/s$/d' "$SR/policies/tree.yaml"
"$BIN" backup -v --config "$SR/lifeboat.yaml" tree >"$SR/out" 2>"$SR/err"; code=$?
SFREE=$(s3_rate "$SR")
echo "  measured: $SFREE MiB/s shipped to moto without rate_limit"
check "s3 rate_limit: without it moto takes the same upload faster than 25 MiB/s (measured $SFREE MiB/s, exit $code)" python3 -c "
import sys; r = float('$SFREE') if '$SFREE' != 'none' else 0; sys.exit(0 if $code == 0 and r > 25 else 1)"
fi
