# lifeboat config check: every problem of every file at once, each with file:line, exit 65 on any;
# a misspelt key is reported as unknown with a suggestion, not as a missing required key.
K=$WORK/cfgcheck
make_setup "$K"
"$BIN" config check --config "$K/lifeboat.yaml" >"$K/out" 2>&1; code=$?
check "config check: a good config is OK (exit 0) and names its policies" \
    bash -c "[ $code -eq 0 ] && grep -q 'OK (agent config, 1 policy: tree)' "$K/out""
sed 's/^name: tree$/name: tree2/; s/recipients:/recipents:/' "$K/policies/tree.yaml" >"$K/policies/typo.yaml"
sed 's/^name: tree$/name: tree3/; s/^chunk_size: 1MiB$/chunk_size: 1 MiB per chunk/' "$K/policies/tree.yaml" >"$K/policies/size.yaml"
sed 's/^name: tree$/name: tree4/; s#../keys/ops.pub.asc#../keys/nobody.pub.asc#' "$K/policies/tree.yaml" >"$K/policies/nokey.yaml"
cp "$K/policies/tree.yaml" "$K/policies/twin.yaml"
"$BIN" config check --config "$K/lifeboat.yaml" >"$K/out" 2>&1; code=$?
check "config check: four bad files give four problems and exit 65" \
    bash -c "[ $code -eq 65 ] && grep -q '4 problems' "$K/out""
check "config check: the misspelt key is named unknown, with its line and a suggestion" \
    bash -c "grep -q \"typo.yaml:[0-9]*: unknown key 'encryption.recipents' (did you mean 'recipients'?)\" "$K/out""
check "config check: a bad size names its file and line" bash -c "grep -q 'size.yaml:[0-9]*: chunk_size' "$K/out""
check "config check: a missing recipient key names the policy file and line (once) and the key file" \
    bash -c "grep -q 'nokey.yaml:[0-9][0-9]*: encryption.recipients: .*nobody.pub.asc' "$K/out" && ! grep -q 'nokey.yaml.*nokey.yaml' "$K/out""
check "config check: a duplicate policy name names both files" \
    bash -c "grep -q \"twin.yaml: policy name 'tree' is already used by .*tree.yaml\" "$K/out""
# Every fault within one file, each at its line, in the order of the lines.
M=$WORK/cfgmany
make_setup "$M"
sed -i 's/^kind: files$/kind: files\ncolour: red/; s/^chunk_size: 1MiB$/chunk_size: lots/; s/type: local/type: tape/' "$M/policies/tree.yaml"
printf 'schedule: every 1 hour\nretention: { keep_yearly: 2 }\n' >>"$M/policies/tree.yaml"
"$BIN" config check --config "$M/lifeboat.yaml" >"$M/out" 2>&1; code=$?
check "config check: five faults in one policy file are five lines, each with its line number, in order" \
    python3 - "$M/out" "$code" <<'PY'
import re, sys
lines = open(sys.argv[1]).read().splitlines()
found = [(int(m.group(1)), m.group(2)) for m in (re.match(r".*tree\.yaml:(\d+): (.*)", l) for l in lines) if m]
assert sys.argv[2] == "65", sys.argv[2]
assert [n for n, _ in found] == sorted(n for n, _ in found), found
wanted = ["unknown key 'colour'", "chunk_size: 'lots'", "'tape' is not one of", "write 'every 1h'",
          "unknown key 'retention.keep_yearly'"]
assert len(found) == 5 and all(any(w in m for _, m in found) for w in wanted), found
assert lines[-1].endswith(": 5 problems"), lines
PY
"$BIN" config check --config "$K/lifeboat.yaml" --json >"$K/check.json"; code=$?
check "config check --json: one object with ok false and each problem's file and line" python3 - "$K/check.json" "$code" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert sys.argv[2] == "65" and r["ok"] is False and r["role"] == "agent", r
files = sorted(p["file"].rsplit("/", 1)[-1] for p in r["problems"])
assert files == ["nokey.yaml", "size.yaml", "twin.yaml", "typo.yaml"], files
assert all(isinstance(p["line"], int) for p in r["problems"] if p["file"].endswith(("typo.yaml", "size.yaml"))), r
PY
rm "$K"/policies/{typo,size,nokey,twin}.yaml
sed -i 's#path: ../nas#path: ../not-mounted#' "$K/policies/tree.yaml"
"$BIN" config check --config "$K/lifeboat.yaml" >/dev/null
check "config check: without --connect a local destination is not visited" test $? -eq 0
"$BIN" config check --config "$K/lifeboat.yaml" --connect >"$K/out" 2>&1; code=$?
check "config check --connect: a local destination that is not there is named" \
    bash -c "[ $code -eq 65 ] && grep -q 'destination nas: .*not-mounted is not a folder (not mounted?)' "$K/out""
cat >"$K/recovery.yaml" <<YAML
role: recovery
catalog: state/recovery.sqlite
scratch: state/scratch
destinations:
  - { name: nas, type: local, path: nas }
identities:
  - { key: keys/ops.sec.asc }
trusted_signers: [keys/ops.pub.asc]
YAML
"$BIN" config check --config "$K/recovery.yaml" --connect >"$K/out" 2>&1; code=$?
check "config check: a recovery host's config is checked as one (role recovery, exit 0)" \
    bash -c "[ $code -eq 0 ] && grep -q 'OK (recovery config, 1 destination: nas)' "$K/out""
sed -i 's#keys/ops.sec.asc#keys/gone.sec.asc#' "$K/recovery.yaml"
"$BIN" config check --config "$K/recovery.yaml" >"$K/out" 2>&1; code=$?
check "config check: a recovery config with a missing identity names it, exit 65" \
    bash -c "[ $code -eq 65 ] && grep -q 'gone.sec.asc: cannot read this identity key' "$K/out""

# The systemd installer reads the config: the metrics folder, a SQLite database's folder and the local
# destination become writable, and it prints what it derived.
U=$WORK/units
make_setup "$U"
mkdir -p "$U/metrics" "$U/db"
echo "metrics_textfile: metrics/lifeboat.prom" >>"$U/lifeboat.yaml"
sqlite3 "$U/db/app.sqlite" "CREATE TABLE t (x); INSERT INTO t VALUES (1);"
cat >"$U/policies/app.yaml" <<YAML
name: app
kind: sqlite
source: { database: ../db/app.sqlite }
objectives: { rpo: 24h }
encryption: { recipients: [../keys/ops.pub.asc] }
destinations:
  - { name: nas, type: local, path: ../nas }
YAML
bash scripts/install-systemd.sh --root "$U/root" --bin "$BIN" --config "$U/lifeboat.yaml" >"$U/install.out"
unit=$U/root/etc/systemd/system/lifeboat.service
check "installer: the metrics folder, the SQLite folder, the destination and the state are writable" bash -c "
    grep -qx 'ReadWritePaths=-$U/metrics' '$unit' && grep -qx 'ReadWritePaths=-$U/db' '$unit' &&
    grep -qx 'ReadWritePaths=-$U/nas' '$unit' && grep -qx 'ReadWritePaths=-$U/state' '$unit' &&
    grep -qx 'ReadWritePaths=-$U/state/spool' '$unit'"
check "installer: it prints the folders it read from the config" grep -q "read from $U/lifeboat.yaml: .*$U/metrics" "$U/install.out"
if command -v systemd-analyze >/dev/null 2>&1; then
    check "installer: the units with derived paths pass systemd-analyze verify" \
        systemd-analyze verify "$unit" "$U/root/etc/systemd/system/lifeboat.timer"
fi
bash scripts/install-systemd.sh --help >"$U/help.out"
check "installer: --help is the header only" bash -c "! grep -q 'set -euo' '$U/help.out' && grep -q 'Everything else is read-only to them' '$U/help.out'"
bash scripts/install-systemd.sh --root "$U/root" --print >/dev/null 2>&1
check "installer: --root with --print is refused (64)" test $? -eq 64

# Messages that say what to write.
V=$WORK/msgs
make_setup "$V"
cp "$V/policies/tree.yaml" "$V/tree.bak"
printf 'schedule: every 1 hour\n' >>"$V/policies/tree.yaml"
"$BIN" backup --config "$V/lifeboat.yaml" >/dev/null 2>"$V/err"; code=$?
check "messages: 'every 1 hour' says to write 'every 1h' (65, with its line)" \
    bash -c "[ $code -eq 65 ] && grep -q \"tree.yaml:[0-9]*: schedule: 'every 1 hour' must read 'every <duration>': write 'every 1h'\" '$V/err'"
cp "$V/tree.bak" "$V/policies/tree.yaml"; printf 'name: again\n' >>"$V/policies/tree.yaml"
"$BIN" backup --config "$V/lifeboat.yaml" >/dev/null 2>"$V/err"; code=$?
check "messages: a duplicate key names the key and the line it appears again on" \
    bash -c "[ $code -eq 65 ] && grep -q \"tree.yaml:$(wc -l <"$V/policies/tree.yaml"): key 'name' appears twice\" '$V/err'"
cp "$V/tree.bak" "$V/policies/tree.yaml"; sed -i 's#../keys/ops.pub.asc#../keys/gone.pub.asc#' "$V/policies/tree.yaml"
"$BIN" backup --config "$V/lifeboat.yaml" >/dev/null 2>"$V/err"; code=$?
check "messages: a missing recipient key names the policy file and line, the setting and the key file" \
    bash -c "[ $code -eq 65 ] && grep -q 'policies/tree.yaml:[0-9][0-9]*: encryption.recipients: .*gone.pub.asc: no such file' '$V/err'"
bash scripts/install-systemd.sh --recovery --root "$K/rroot" --bin "$BIN" --config "$K/recovery.yaml" >"$K/rinstall.out"
sed -i 's#keys/gone.sec.asc#keys/ops.sec.asc#' "$K/recovery.yaml"
bash scripts/install-systemd.sh --recovery --root "$K/rroot" --bin "$BIN" --config "$K/recovery.yaml" >"$K/rinstall.out"
R=$K/rroot/etc/systemd/system
check "installer --recovery: fleet every 15 minutes and drill --due daily, the scratch and catalog folders writable" bash -c "
    grep -qx 'ExecStart=$BIN fleet --config $K/recovery.yaml' '$R/lifeboat-fleet.service' &&
    grep -qx 'ExecStart=$BIN drill --due --config $K/recovery.yaml' '$R/lifeboat-drill.service' &&
    grep -qx 'OnCalendar=daily' '$R/lifeboat-drill.timer' && grep -qx 'ReadWritePaths=-$K/state/scratch' '$R/lifeboat-drill.service' &&
    grep -qx 'ReadWritePaths=-$K/state' '$R/lifeboat-fleet.service' && ! grep -q 'ReadWritePaths=-$K/nas' '$R/lifeboat-drill.service'"
if command -v systemd-analyze >/dev/null 2>&1; then
    check "installer --recovery: the four units pass systemd-analyze verify" \
        systemd-analyze verify "$R/lifeboat-fleet.service" "$R/lifeboat-fleet.timer" "$R/lifeboat-drill.service" "$R/lifeboat-drill.timer"
fi
bash scripts/install-systemd.sh --recovery --root "$K/rroot" --uninstall >/dev/null
check "installer --recovery --uninstall removes the four units" bash -c "[ -z \"\$(ls -A '$R')\" ]"
D1=$U/root/usr/local/share/man/man1/lifeboat.1
check "installer: the man page, made from the binary's own definitions, lists every command" bash -c "
    [ -s '$D1' ] && for c in backup run check restore ls fleet drill plan forget 'config check'; do
        grep -q \"^.SS lifeboat \$c\\\$\" '$D1' || exit 1; done"
if command -v man >/dev/null 2>&1; then
    check "installer: man renders the page without a warning" bash -c "man -l '$D1' 2>&1 >/dev/null | grep -c . | grep -qx 0"
fi
check "installer: bash, zsh and fish completions are installed; the bash one parses" bash -c "
    bash -n '$U/root/usr/share/bash-completion/completions/lifeboat' &&
    [ -s '$U/root/usr/local/share/zsh/site-functions/_lifeboat' ] && [ -s '$U/root/usr/share/fish/vendor_completions.d/lifeboat.fish' ]"
