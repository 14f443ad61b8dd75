# The three inputs the backup benchmarks measure (sourced by bench-backup.sh and bench-levels.sh),
# each made in a folder of its own so a `files` policy backs up exactly it:
#   sql      a plain-text SQL dump (INSERT lines), SQL_MIB MiB (default 595), one file
#   pgdump   `pg_dump --format=custom --compress=0` of a pgbench database, PG_SCALE (default 100,
#            about 1 GB of dump), one file; made by a PostgreSQL started for it and stopped after
#   config   a tree of CONFIG_FILES small configuration files (default 20,000) of about
#            CONFIG_MIB MiB in all (default 120)
# bench_corpus NAME DIR: makes DIR/NAME/ holding that input, unless DIR/NAME.done says an earlier run
# made it (BENCH_CORPORA_DIR keeps the corpora between runs). The generators are seeded: every run
# measures the same bytes.

bench_corpus() {
    local name=$1 dir=$2
    [ -f "$dir/$name.done" ] && return 0
    rm -rf "${dir:?}/$name"
    mkdir -p "$dir/$name"
    case $name in
        sql) bench_sql_dump "$dir/$name/dump.sql" "${SQL_MIB:-595}" ;;
        config) bench_config_tree "$dir/$name/etc" "${CONFIG_FILES:-20000}" "${CONFIG_MIB:-120}" ;;
        pgdump) bench_pg_dump "$dir/$name/bench.dump" "${PG_SCALE:-100}" "$dir" ;;
        *) echo "bench_corpus: unknown corpus $name" >&2; return 1 ;;
    esac && touch "$dir/$name.done"
}

bench_sql_dump() {
    python3 - "$1" "$2" <<'PY'
import random, sys
path, mib = sys.argv[1], int(sys.argv[2])
random.seed(7)
words = ["%x" % random.getrandbits(random.choice([8, 16, 24, 32])) for _ in range(5000)]
names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"]
cities = ["Lisbon", "Oslo", "Kyoto", "Quito", "Accra", "Perth", "Lima", "Riga"]
with open(path, "w") as fh:
    fh.write("--\n-- PostgreSQL database dump\n--\n\nCOPY public.ratings (id, who, stars, note, city, day) FROM stdin;\n")
    size, n = 0, 0
    while size < mib << 20:
        out = []
        for _ in range(10000):
            n += 1
            out.append("INSERT INTO public.ratings VALUES (%d, '%s', %d, '%s %s', '%s', '2026-%02d-%02d');\n" % (
                n, random.choice(names), random.randint(1, 5), random.choice(words), random.choice(words),
                random.choice(cities), random.randint(1, 12), random.randint(1, 28)))
        block = "".join(out)
        fh.write(block)
        size += len(block)
PY
}

bench_config_tree() {
    python3 - "$1" "$2" "$3" <<'PY'
import os, random, sys
root, files, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
random.seed(11)
keys = ["listen", "port", "timeout", "user", "group", "log_level", "include", "path", "max_connections",
        "ssl_certificate", "keepalive", "worker_processes", "cache_size", "retries", "upstream", "allow", "deny"]
values = ["on", "off", "true", "false", "info", "debug", "/var/lib/app", "/etc/ssl/certs/site.pem", "127.0.0.1",
          "0.0.0.0:8080", "www-data", "nobody", "30s", "5m", "unix:/run/app.sock"]
mean = (mib << 20) // files
for i in range(files):
    d = os.path.join(root, "svc%02d" % (i % 50), "conf.d%d" % (i // 1000))
    os.makedirs(d, exist_ok=True)
    target = random.randint(mean // 4, mean * 7 // 4)
    out, size = ["# managed file %d\n[section-%d]\n" % (i, i % 17)], 0
    while size < target:
        line = "%s = %s  # %s %d\n" % (random.choice(keys), random.choice(values), random.choice(keys), random.randint(0, 99999))
        out.append(line)
        size += len(line)
    with open(os.path.join(d, "f%05d.conf" % i), "w") as fh:
        fh.write("".join(out))
PY
}

# bench_pg_dump FILE SCALE WORKDIR: a PostgreSQL on a free port, pgbench -i at SCALE, the dump, stopped.
bench_pg_dump() {
    local file=$1 scale=$2 work=$3 port
    # shellcheck source=../servers/postgres.sh
    source scripts/servers/postgres.sh
    port=$((20000 + RANDOM % 12000))
    pg_primary_start "$work/pg" "$port" || return 1
    "$PGBIN/createdb" -h 127.0.0.1 -p "$port" -U postgres bench &&
        "$PGBIN/pgbench" -q -i -s "$scale" -h 127.0.0.1 -p "$port" -U postgres bench >/dev/null 2>&1 &&
        "$PGBIN/pg_dump" --format=custom --compress=0 -h 127.0.0.1 -p "$port" -U postgres -f "$file" bench
    local rc=$?
    pg_stop "$work/pg"
    rm -rf "$work/pg"
    return $rc
}
