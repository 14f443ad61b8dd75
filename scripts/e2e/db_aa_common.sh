# Helpers for the database end-to-end tests (db_*.sh); defines functions only.

# db_setup DIR: a config and a key pair, no policies yet.
db_setup() { make_config "$1"; }

# db_policy DIR NAME KIND SOURCE-YAML: writes policies/NAME.yaml (SOURCE-YAML is indented by 2).
db_policy() {
    local d=$1 name=$2 kind=$3 source=$4
    {
        echo "name: $name"
        echo "kind: $kind"
        echo "source:"
        echo "$source" | sed 's/^/  /'
        cat <<YAML
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
chunk_size: 1MiB
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
    } >"$d/policies/$name.yaml"
}

# db_backup DIR POLICY: runs a backup; prints its id on success (status complete), nothing otherwise.
db_backup() {
    local out
    out=$("$BIN" backup --config "$1/lifeboat.yaml" "$2" 2>"$1/backup.err")
    echo "$out" >"$1/backup.out"
    echo "$out" | awk '$NF == "complete" {print $2}'
}

# db_manifest_field DIR POLICY ID FIELD
db_manifest_field() {
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get(sys.argv[2]))' \
        "$1/nas/e2e/$2/$3/manifest.json" "$4"
}

# db_chain_exit FUNCTION: run FUNCTION on exit before whatever the EXIT trap already did.
db_chain_exit() {
    local prev
    prev=$(trap -p EXIT | sed -e "s/^trap -- '//" -e "s/' EXIT\$//")
    # shellcheck disable=SC2064
    trap "$1; $prev" EXIT
}
