# Helpers shared by the end-to-end tests (sourced by scripts/e2e.sh).

# make_setup DIR: a config, a key pair, a sample tree and a policy backing it up to a local destination.
make_setup() {
    local d=$1
    mkdir -p "$d/policies" "$d/keys" "$d/nas"
    "$BIN" keygen --out "$d/keys" --name ops >/dev/null
    python3 "$ROOT/scripts/lib/make_tree.py" "$d/tree" 3
    head -c 2500000 /dev/urandom >"$d/tree/random.bin"   # incompressible: several 1 MiB chunks
    cat >"$d/lifeboat.yaml" <<YAML
host: e2e
policies: policies
catalog: state/catalog.sqlite
spool: state/spool
YAML
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
