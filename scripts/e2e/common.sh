# Helpers shared by the end-to-end tests (sourced by scripts/e2e.sh).

# make_config DIR: a config and a key pair, no policies yet.
make_config() {
    local d=$1
    mkdir -p "$d/policies" "$d/keys" "$d/nas"
    "$BIN" keygen --out "$d/keys" --name ops >/dev/null 2>&1
    cat >"$d/lifeboat.yaml" <<YAML
host: e2e
policies: policies
catalog: state/catalog.sqlite
spool: state/spool
YAML
}

# make_setup DIR: a config, a key pair, a sample tree and a policy backing it up to a local destination.
make_setup() {
    local d=$1
    make_config "$d"
    python3 "$ROOT/scripts/lib/make_tree.py" "$d/tree" 3
    head -c 2500000 /dev/urandom >"$d/tree/random.bin"   # incompressible: several 1 MiB chunks
    cat >"$d/policies/tree.yaml" <<YAML
name: tree
kind: files
source:
  paths: [$d/tree]
  exclude: ["*.tmp"]
objectives: { rpo: 24h, rto: 1h, priority: high }
encryption: { recipients: [../keys/ops.pub.asc] }
compression: { level: 6 }
chunk_size: 1MiB
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
}

# backup_dir DIR ID: where a backup landed at the local destination.
backup_dir() { echo "$1/nas/e2e/tree/$2"; }

# future_id SECONDS SUFFIX: a backup id dated SECONDS from now (negative: in the past).
future_id() {
    python3 -c "import datetime, sys; t = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=int(sys.argv[1])); print(t.strftime('%Y%m%dT%H%M%SZ') + '-' + sys.argv[2])" "$1" "$2"
}

# plant ROOT ID MUTATION SIGN: what an attacker with write access to a destination can make with stock
# tools: a backup of PLANT_EVIL (a folder) under ROOT/e2e/tree/ID, encrypted to PLANT_OPS with gpg in
# PLANT_GH, with a manifest bent by MUTATION (see plant_backup.py); SIGN is none or mallory (PLANT_MAL).
plant() {
    local d=$1/e2e/tree/$2
    mkdir -p "$d"
    tar --format=pax -cf - -C / "${PLANT_EVIL#/}" | gzip | \
        gpg --homedir "$PLANT_GH" --batch --trust-model always --compress-algo none -e -r "$PLANT_OPS" >"$d/data.000000" 2>/dev/null
    python3 "$ROOT/scripts/lib/plant_backup.py" "$d" e2e tree files "$2" "$PLANT_OPS" "$3"
    if [ "$4" = mallory ]; then
        gpg --homedir "$PLANT_GH" --batch --yes --armor --detach-sign --digest-algo SHA256 -u "$PLANT_MAL" \
            -o "$d/manifest.json.sig" "$d/manifest.json" 2>/dev/null
    fi
}
