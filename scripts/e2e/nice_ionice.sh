# CPU and I/O manners: a policy's `nice` and `ionice` hold for every thread of the lifeboat process
# and for the dumper it starts (read back from /proc and ionice -p by the dumper itself); the next
# policy in the same run gets the priorities that were there before; bad values are exit 65 with
# file and line.
N=$WORK/nice
db_setup "$N"
# probe.sh OUT: what this dumper and every thread of the lifeboat process that started it run at.
cat >"$N/probe.sh" <<'SH'
#!/bin/sh
sleep 0.5   # threads the runtime starts meanwhile are set within 0.2 s
nice_of() { sed 's/^.*) //' "$1/stat" | cut -d' ' -f17; }
{
    echo "parent $(cat /proc/$PPID/comm)"
    echo "self $(nice_of /proc/$$) $(ionice -p $$)"
    for t in /proc/$PPID/task/*; do echo "thread $(nice_of "$t") $(ionice -p "$(basename "$t")")"; done
} >"$1"
echo "some data"
SH
chmod +x "$N/probe.sh"
db_policy "$N" a-niced command "command: [\"$N/probe.sh\", \"$N/a.seen\"]"
printf 'nice: 10\nionice: best-effort:7\n' >>"$N/policies/a-niced.yaml"
db_policy "$N" b-plain command "command: [\"$N/probe.sh\", \"$N/b.seen\"]"
"$BIN" backup --config "$N/lifeboat.yaml" >"$N/out" 2>"$N/err"; code=$?
cat "$N/a.seen" "$N/b.seen" 2>/dev/null | sort | uniq -c | sed 's/^/  seen: /'
check "nice/ionice: the backups complete (exit $code)" bash -c "[ $code -eq 0 ] && [ \$(grep -c ' complete$' '$N/out') -eq 2 ]"
check "nice/ionice: the dumper runs at nice 10, best-effort:7" bash -c "
    grep -q '^parent lifeboat' '$N/a.seen' && grep -qx 'self 10 best-effort: prio 7' '$N/a.seen'"
check "nice/ionice: every thread of lifeboat runs at nice 10, best-effort:7 meanwhile" bash -c "
    [ \$(grep -c '^thread ' '$N/a.seen') -ge 2 ] && ! grep '^thread ' '$N/a.seen' | grep -vqx 'thread 10 best-effort: prio 7'"
"$BIN" backup --config "$N/lifeboat.yaml" b-plain >/dev/null 2>&1
mv "$N/b.seen" "$N/b-alone.seen"
"$BIN" backup --config "$N/lifeboat.yaml" >/dev/null 2>&1
check "nice/ionice: the next policy gets the priorities there were before" bash -c "
    grep -q '^self 0 ' '$N/b.seen' && [ \"\$(grep '^self' '$N/b.seen')\" = \"\$(grep '^self' '$N/b-alone.seen')\" ] &&
    ! grep '^thread ' '$N/b.seen' | grep -q '^thread 10 '"

for bad in "nice: 20" "nice: -21" "nice: high" "ionice: sometimes" "ionice: best-effort:8" "ionice: idle:3"; do
    B=$WORK/nice-bad
    rm -rf "$B"
    db_setup "$B"
    db_policy "$B" p command "command: [\"/bin/echo\", \"x\"]"
    echo "$bad" >>"$B/policies/p.yaml"
    "$BIN" backup --config "$B/lifeboat.yaml" >/dev/null 2>"$B/err"; code=$?
    check "nice/ionice: '$bad' is refused with file and line (exit $code): $(head -c 150 "$B/err")" bash -c "
        [ $code -eq 65 ] && grep -Eq 'p.yaml:[0-9]+(:[0-9]+)?: .*(nice|ionice)' '$B/err' && [ ! -e '$B/state/catalog.sqlite' ]"
done
