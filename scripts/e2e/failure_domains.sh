# Failure domains: a policy whose destinations name fewer than two is warned about once per backup and in
# check's message; min_failure_domains makes check WARNING when the newest complete backup is held in
# fewer; list --json and the metrics name each destination's domain.
FD=$WORK/domains
make_setup "$FD"
echo "metrics_textfile: state/lifeboat.prom" >>"$FD/lifeboat.yaml"
fcfg=$FD/lifeboat.yaml
"$BIN" backup --config "$fcfg" tree >/dev/null 2>"$FD/b1.err"
check "domains: one destination naming no domain: the backup warns once, on stderr" \
    test "$(grep -c 'tree: no destination names a failure_domain' "$FD/b1.err")" -eq 1
out=$("$BIN" check --config "$fcfg" tree --json); code=$?
check "domains: ... check stays OK and carries the warning in its message" python3 -c '
import json, sys
r = json.loads(sys.argv[1])[0]
assert sys.argv[2] == "0" and r["status"] == "ok", (sys.argv[2], r)
assert "no destination names a failure_domain" in r["message"], r["message"]' "$out" "$code"

# Two destinations in one domain, and a policy that asks for two.
mkdir -p "$FD/nas2"
head -n -2 "$FD/policies/tree.yaml" >"$FD/policies/tree.yaml.new"
cat >>"$FD/policies/tree.yaml.new" <<'YAML'
destinations:
  - { name: nas, type: local, path: ../nas, failure_domain: site-a }
  - { name: nas2, type: local, path: ../nas2, failure_domain: site-a }
min_failure_domains: 2
YAML
mv "$FD/policies/tree.yaml.new" "$FD/policies/tree.yaml"
"$BIN" backup --config "$fcfg" tree >/dev/null 2>"$FD/b2.err"
check "domains: both destinations in site-a: the backup warns once naming the domain" \
    test "$(grep -c 'tree: all destinations are in one failure domain, site-a' "$FD/b2.err")" -eq 1
out=$("$BIN" check --config "$fcfg" tree); code=$?
echo "#   $out" | cut -c1-200
check "domains: min_failure_domains 2 with the newest backup in one domain: check is WARNING (exit 1) and says so" \
    test "$code" -eq 1 -a "$(echo "$out" | grep -c 'held in 1 failure domain(s) (site-a), fewer than min_failure_domains 2')" -eq 1
check "domains: list --json names each destination's failure_domain" python3 -c '
import json, sys
b = json.loads(sys.argv[1])[0]
assert {d["name"]: d["failure_domain"] for d in b["destinations"]} == {"nas": "site-a", "nas2": "site-a"}, b' \
    "$("$BIN" list --config "$fcfg" tree --json)"
check "domains: the metrics carry each destination's domain" \
    grep -q 'lifeboat_destination_info{policy="tree",destination="nas2",failure_domain="site-a"} 1' "$FD/state/lifeboat.prom"

# The second destination moved to another domain: no warning, check OK.
sed -i 's/path: ..\/nas2, failure_domain: site-a/path: ..\/nas2, failure_domain: cloud-b/' "$FD/policies/tree.yaml"
"$BIN" backup --config "$fcfg" tree >/dev/null 2>"$FD/b3.err"
out=$("$BIN" check --config "$fcfg" tree); code=$?
check "domains: two domains: no warning from backup, check OK without a domain note" \
    test "$code" -eq 0 -a "$(grep -c 'failure domain' "$FD/b3.err")" -eq 0 -a "$(echo "$out" | grep -c 'failure domain')" -eq 0
sed -i 's/^min_failure_domains: 2/min_failure_domains: 3/' "$FD/policies/tree.yaml"
err=$("$BIN" backup --config "$fcfg" tree 2>&1 >/dev/null); code=$?
check "domains: min_failure_domains above the number of destinations: exit 65 with file and line" \
    test "$code" -eq 65 -a "$(echo "$err" | grep -c 'tree.yaml:[0-9]*: min_failure_domains is 3 but the policy names 2')" -eq 1
