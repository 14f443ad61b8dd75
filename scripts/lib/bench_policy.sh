# The policy `tree` the benchmarks back up (sourced by bench-s3.sh): the folder
# ../tree of the work folder, encrypted to its key ../bench.pub.asc.

# bench_tree_policy DIR LEVEL: writes DIR/policies/tree.yaml, compressed at gzip LEVEL; the rest of
# the policy (chunk size, destinations) is read from standard input.
bench_tree_policy() {
    {
        cat <<Y
name: tree
kind: files
source: { paths: [../tree] }
objectives: { rpo: 24h }
encryption: { recipients: [../bench.pub.asc] }
compression: { level: $2 }
Y
        cat
    } >"$1/policies/tree.yaml"
}
