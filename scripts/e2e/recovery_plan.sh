# lifeboat plan: the disaster recovery plan from a backup host's two policies (Markdown to standard
# output, HTML with --out, parsed with an HTML5 parser: both tables, their header cells, a row per policy,
# hostile scenario text kept as text), the stock-tool recipe it prints run as it is, and the plan from the
# fleet on a recovery host that trusts the host's public signing key.
PL=$WORK/plan
make_setup "$PL"
sed -i 's/objectives: { rpo: 24h, rto: 1h, priority: high }/objectives: { rpo: 24h, rto: 1h, priority: high, scenario: "Disk of the app server dies" }/' \
    "$PL/policies/tree.yaml"
sed -i 's/{ name: nas, type: local, path: ..\/nas }/{ name: nas, type: local, path: ..\/nas, failure_domain: site-a }/' \
    "$PL/policies/tree.yaml"
python3 -c "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE t(x)'); c.execute('INSERT INTO t VALUES (42)'); c.commit()" "$PL/app.db"
cat >"$PL/policies/app.yaml" <<YAML
name: app-db
kind: sqlite
source: { database: $PL/app.db }
objectives: { rpo: 6h, priority: low, scenario: "<script>alert(1)</script> | a \"pipe\" & <b>bold</b>" }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas, failure_domain: site-a }
YAML
"$BIN" backup --config "$PL/lifeboat.yaml" >"$PL/backup.out" 2>&1
check "plan: the host backs up both policies" test "$(grep -c complete "$PL/backup.out")" -eq 2

"$BIN" plan --config "$PL/lifeboat.yaml" >"$PL/plan.md" 2>"$PL/plan.err"
check "plan: Markdown on standard output by default, exit 0" test $? -eq 0 -a -s "$PL/plan.md"
check "plan: Markdown holds both tables with a row per policy, the hostile scenario escaped in its cell" python3 - "$PL/plan.md" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def cells(line):
    return [c.strip() for c in re.split(r'(?<!\\)\|', line)[1:-1]]
lines = text.splitlines()
s = lines.index(next(l for l in lines if l.startswith('| Service | Scenario | RPO | RTO | Priority |')))
r = lines.index(next(l for l in lines if l.startswith('| Resource | Backup strategy | Backup location | Recovery procedure |')))
services = {}
for l in lines[s + 2:]:
    if not l.startswith('|'): break
    services[cells(l)[0]] = cells(l)
resources = {}
for l in lines[r + 2:]:
    if not l.startswith('|'): break
    resources[cells(l)[0]] = cells(l)
assert set(services) == {'tree', 'app-db'} and set(resources) == {'tree', 'app-db'}, (services, resources)
assert all(len(c) == 8 for c in services.values()) and all(len(c) == 5 for c in resources.values())
assert services['app-db'][3] == 'not set' and services['tree'][3] == '1h', services
assert services['app-db'][1] == r'\<script\>alert(1)\</script\> \| a "pipe" \& \<b\>bold\</b\>', services['app-db'][1]
assert '<script>' not in text
assert 'within the RPO' in services['tree'][5] and 'site-a (nas)' in resources['tree'][4]
assert 'Generated at: ' in text and 'backup host e2e' in text
PY
check "plan: Markdown names the recipient's fingerprint and the restore commands" bash -c "
    grep -q \"\$(gpg --with-colons --show-keys '$PL/keys/ops.pub.asc' 2>/dev/null | awk -F: '/^fpr/{print \$10; exit}')\" '$PL/plan.md' &&
    grep -q 'lifeboat restore app-db --config $PL/lifeboat.yaml --to app-db.db --identity KEY.sec.asc' '$PL/plan.md' &&
    grep -q 'sqlite3 app-db.db .PRAGMA integrity_check.' '$PL/plan.md' && grep -q 'two places off this host' '$PL/plan.md'"

"$BIN" plan --config "$PL/lifeboat.yaml" --format html --out "$PL/plan.html" >"$PL/html.out" 2>&1
check "plan: --format html --out writes the file and prints nothing" test $? -eq 0 -a -s "$PL/plan.html" -a ! -s "$PL/html.out"
check "plan: --out leaves no temporary file beside the plan" test "$(ls "$PL" | grep -c '^plan.html')" -eq 1
check "plan: the HTML parses as HTML5 and holds both tables, their header cells and a row per policy" python3 - "$PL/plan.html" <<'PY'
import sys, html5lib
doc = html5lib.parse(open(sys.argv[1], 'rb').read(), treebuilder='etree', namespaceHTMLElements=False)
def text(e): return ''.join(e.itertext()).strip()
tables = {t.get('id'): t for t in doc.iter('table')}
services, resources = tables['services'], tables['resources']
sh = [text(th) for th in services.iter('th')]
rh = [text(th) for th in resources.iter('th')]
assert sh[:5] == ['Service', 'Scenario', 'RPO', 'RTO', 'Priority'], sh
assert {'Newest backup', 'Last drill', 'Restore time vs RTO'} <= set(sh), sh
assert rh[:4] == ['Resource', 'Backup strategy', 'Backup location', 'Recovery procedure'], rh
assert 'Failure domains holding copies' in rh, rh
srows = {text(tr.find('td')): [text(td) for td in tr.findall('td')] for tr in services.iter('tr') if tr.find('td') is not None}
rrows = {text(tr.find('td')): [text(td) for td in tr.findall('td')] for tr in resources.iter('tr') if tr.find('td') is not None}
assert set(srows) == {'tree', 'app-db'} and set(rrows) == {'tree', 'app-db'}, (srows, rrows)
assert srows['app-db'][1] == '<script>alert(1)</script> | a "pipe" & <b>bold</b>', srows['app-db'][1]
assert srows['app-db'][3] == 'not set'
assert not list(doc.iter('script')) and not list(doc.iter('b')), 'config text became markup'
assert not [e for e in doc.iter() if e.get('src') or e.get('href')] and not list(doc.iter('link'))
assert '@media print' in text(doc.find('.//style'))
PY

# The stock-tool recipe the plan prints for `tree`, run as it is with gpg holding the keys.
PG=$PL/gh
mkdir -m 700 "$PG"
"$BIN" signing-key --config "$PL/lifeboat.yaml" | sed 1d >"$PL/host.pub.asc"
gpg --homedir "$PG" --batch --quiet --import "$PL/host.pub.asc" "$PL/keys/ops.sec.asc" 2>/dev/null
python3 - "$PL/plan.md" >"$PL/recipe.sh" <<'PY'
import sys
text = open(sys.argv[1]).read()
section = text.split('### tree (files)')[1].split('With stock tools only:')[1]
fence = section.split('\n')[2].rstrip('sh')
print(section.split(fence + 'sh\n')[1].split('\n' + fence)[0])
PY
mkdir -p "$PL/recipe"
(cd "$PL/recipe" && GNUPGHOME=$PG bash -euo pipefail "$PL/recipe.sh" >/dev/null 2>&1)
check "plan: the stock-tool recipe printed for a files policy restores the tree" \
    python3 "$ROOT/scripts/lib/tree_diff.py" "$PL/tree" "$PL/recipe/restored$PL/tree"
gpgconf --homedir "$PG" --kill gpg-agent 2>/dev/null || true

# The recovery host: the fleet found at the destination, read with the host's public signing key.
mkdir -p "$PL/recovery"
cat >"$PL/recovery/recovery.yaml" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: nas, type: local, path: ../nas, failure_domain: site-a }
identities:
  - { key: ../keys/ops.sec.asc }
trusted_signers: [../host.pub.asc]
YAML
"$BIN" plan --config "$PL/recovery/recovery.yaml" >"$PL/fleet.md" 2>"$PL/fleet.err"
check "plan: from the fleet on the recovery host, exit 0" test $? -eq 0 -a -s "$PL/fleet.md"
check "plan: the fleet plan lists both policies of the host with their objectives and the drill command" bash -c "
    grep -q '^| e2e/tree | Disk of the app server dies | 1d | 1h | high |' '$PL/fleet.md' &&
    grep -q '^| e2e/app-db | .*| 6h | not set | low |' '$PL/fleet.md' &&
    grep -q 'lifeboat drill e2e/tree --config $PL/recovery/recovery.yaml' '$PL/fleet.md' &&
    grep -q 'never drilled' '$PL/fleet.md'"
check "plan: the fleet plan names the identity's and the trusted signer's fingerprints" bash -c "
    grep -q \"\$(sed -n 's/^fingerprint: //p' <('$BIN' signing-key --config '$PL/lifeboat.yaml'))\" '$PL/fleet.md' &&
    grep -q \"\$(gpg --with-colons --show-keys '$PL/keys/ops.pub.asc' 2>/dev/null | awk -F: '/^fpr/{print \$10; exit}')\" '$PL/fleet.md'"
"$BIN" plan --config "$PL/recovery/recovery.yaml" --format html --out "$PL/fleet.html" 2>/dev/null
check "plan: the fleet plan as HTML parses and holds both tables with a row per policy" python3 - "$PL/fleet.html" <<'PY'
import sys, html5lib
doc = html5lib.parse(open(sys.argv[1], 'rb').read(), treebuilder='etree', namespaceHTMLElements=False)
tables = {t.get('id'): t for t in doc.iter('table')}
for name in ('services', 'resources'):
    rows = [''.join(tr.find('td').itertext()) for tr in tables[name].iter('tr') if tr.find('td') is not None]
    assert sorted(rows) == ['e2e/app-db', 'e2e/tree'], (name, rows)
PY
"$BIN" plan --config "$PL/lifeboat.yaml" --format pdf >/dev/null 2>&1
check "plan: an unknown --format is a usage error (64)" test $? -eq 64
[ -n "${PLAN_KEEP:-}" ] && cp "$PL/plan.html" "$PL/fleet.html" "$PLAN_KEEP/" 2>/dev/null
true
