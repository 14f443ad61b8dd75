#!/usr/bin/env bash
# Measures `lifeboat run` with nothing due and `lifeboat check` over a catalog of 200 policies with
# 2,000 backups each: wall time (best and median of 9) and peak memory. Goals: run < 50 ms, check < 200 ms.
# Uses the release build as it is installed (static Swift runtime), built in .build-release, or LIFEBOAT_BIN
# (and says which).
#   scripts/bench-run.sh [POLICIES] [BACKUPS_PER_POLICY]
set -euo pipefail
cd "$(dirname "$0")/.."
POLICIES=${1:-200}
PER=${2:-2000}
# shellcheck source=lib/bench_bin.sh
source scripts/lib/bench_bin.sh
# Start-up is a large part of an idle run: say whether the Swift runtime is linked in or loaded.
if ldd "$BIN" 2>/dev/null | grep -q libswiftCore; then BUILD="$BUILD, shared Swift runtime"
else BUILD="$BUILD, static Swift runtime"; fi

W=$(mktemp -d /tmp/lbbench.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$W"' EXIT
mkdir -p "$W/policies" "$W/state"
printf 'host: bench\npolicies: policies\ncatalog: state/catalog.sqlite\nspool: state/spool\nmetrics_textfile: state/lifeboat.prom\n' >"$W/lifeboat.yaml"
for i in $(seq -f '%03g' 1 "$POLICIES"); do
    cat >"$W/policies/p$i.yaml" <<YAML
name: p$i
kind: files
source: { paths: [/etc] }
objectives: { rpo: 24h, priority: medium }
encryption: { recipients: [keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: /tmp/lbbench-nas }
YAML
done
"$BIN" check --config "$W/lifeboat.yaml" >/dev/null 2>&1 || true   # creates the catalog and its schema

echo "generating $POLICIES policies x $PER backups..."
python3 - "$W/state/catalog.sqlite" "$POLICIES" "$PER" <<'PY'
import random, sqlite3, sys, time
db = sqlite3.connect(sys.argv[1])
policies, per = int(sys.argv[2]), int(sys.argv[3])
now = time.time()
alphabet = "abcdefghijklmnopqrstuvwxyz234567"
backups, copies = [], []
for p in range(1, policies + 1):
    name = "p%03d" % p
    for k in range(per):
        n = p * per + k
        started = now - 3600 - k * 6 * 3600          # newest an hour ago, one every 6 hours before
        ident = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started)) + "-" + "".join(alphabet[(n >> (5 * i)) & 31] for i in range(6))
        status = "failed" if k % 17 == 5 else "complete"
        retention = "live" if k < 20 else ("deleted" if k < 140 else ("soft-deleted" if k < 200 else "purged"))
        backups.append((ident, name, status, retention, started, started + 60, now - k * 3600))
        copies.append((ident, "shipped" if status == "complete" else "failed", started + 61))
db.executemany("""INSERT INTO backup (id, policy, host, kind, payload, status, retention, started, finished,
    bytes_in, bytes_out, chunk_count, recipients, retention_changed)
    VALUES (?, ?, 'bench', 'files', 'tar', ?, ?, ?, ?, 1000000, 400000, 0, '', ?)""", backups)
db.executemany("INSERT INTO copy (backup_id, destination, status, updated) VALUES (?, 'nas', ?, ?)", copies)
db.commit()
db.execute("ANALYZE")
db.commit()
PY
ls -l "$W/state/catalog.sqlite" | awk '{print "catalog:", $5, "bytes"}'

measure() {  # name goal_ms args...: best and median wall time of 9 runs (after one to warm caches), peak RSS
    local name=$1 goal=$2; shift 2
    python3 - "$name" "$goal" "$BUILD" "$BIN" "$@" --config "$W/lifeboat.yaml" <<'PYTHON'
import os, subprocess, sys, time
name, goal, build, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3], sys.argv[4:]
def once():
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(p.pid, 0)
    return (time.perf_counter() - t) * 1000, usage.ru_maxrss / 1024
once()
runs = [once() for _ in range(9)]
walls = sorted(w for w, _ in runs)
best, median, rss = walls[0], walls[len(walls) // 2], max(r for _, r in runs)
verdict = "meets" if median < goal else "MISSES"
print(f"{name:<28} best {best:5.1f} ms, median {median:5.1f} ms of 9 (goal < {goal:.0f} ms: {verdict}), "
      f"peak RSS {rss:.0f} MiB  [{build}]")
PYTHON
}
measure "lifeboat run (nothing due)" 50 run
measure "lifeboat check" 200 check
out=$("$BIN" run --config "$W/lifeboat.yaml" 2>&1) && [ -z "$out" ] || { echo "run was not idle: $out" >&2; exit 1; }
