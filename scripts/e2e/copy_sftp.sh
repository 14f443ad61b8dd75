# lifeboat copy from S3 (moto) to an rclone/SFTP destination (a throwaway OpenSSH sshd): killed with
# SIGKILL mid-way and resumed, no chunk that had landed is written again (same inode, same mtime), and
# the killed copy's rclone daemon did not outlive it; the resumed copy starts one rclone process for
# all of its chunks, which rclone copies by itself; a chunk damaged at S3 stops the copy and is not
# left at SFTP; the copy at SFTP verifies and restores on its own.
# shellcheck source=/dev/null
source scripts/e2e/db_aa_common.sh
# shellcheck source=/dev/null
source scripts/e2e/s3_aa_common.sh
CS=$WORK/copysftp
mkdir -p "$CS"
RCLONE_DIR=$(python3 -c 'import sysconfig; print(sysconfig.get_path("scripts"))')
[ -x "$RCLONE_DIR/rclone" ] && export PATH="$RCLONE_DIR:$PATH"
# Every rclone start is logged by a wrapper found first on PATH (so the policy resolves to it).
if REAL_RCLONE=$(command -v rclone); then
    mkdir -p "$CS/bin"
    printf '#!/bin/sh\necho "$*" >>"%s"\nexec "%s" "$@"\n' "$CS/rclone-starts.log" "$REAL_RCLONE" >"$CS/bin/rclone"
    chmod +x "$CS/bin/rclone"
    export PATH="$CS/bin:$PATH"
fi
CS_PORT=$("$ROOT/scripts/servers/sshd.sh" start "$CS/sshd" 2>"$CS/sshd.err") || CS_PORT=
# The path is kept in a name of its own: the EXIT trap runs after every script, and a later one sets CS.
COPYSFTP_SSHD=$CS/sshd
copysftp_stop() { "$ROOT/scripts/servers/sshd.sh" stop "$COPYSFTP_SSHD" 2>/dev/null || true; }
db_chain_exit copysftp_stop
if [ -z "$MOTO_PORT" ] || [ -z "$CS_PORT" ] || ! command -v rclone >/dev/null 2>&1; then
    fail "copy to sftp: moto, sshd or rclone is missing ($(cat "$CS/sshd.err" 2>/dev/null))"
else
s3_setup "$CS" "$MOTO" lifeboat-copysftp
STORED=$CS/sshd/stored
cfg=$CS/lifeboat.yaml
# S3 only at first (the local folder dropped), 1 MiB chunks of a 14 MB file.
sed -i '/- { name: nas, type: local, path: ..\/nas }/d' "$CS/policies/tree.yaml"
head -c 14000000 /dev/urandom >"$CS/tree/big.bin"
id=$("$BIN" backup --config "$cfg" tree 2>/dev/null | awk '$3 == "complete" {print $2}')
check "copy to sftp: a backup complete at S3 alone" test -n "$id"
cat >>"$CS/policies/tree.yaml" <<YAML
  - name: sftp
    type: rclone
    remote: "sftp:$STORED"
    config: ../sshd/rclone.conf
    concurrency: 1
YAML
"$BIN" copy --config "$cfg" tree --from offsite --to sftp --backup "$id" >"$CS/copy1.out" 2>&1 &
cpid=$!
for _ in $(seq 1 600); do
    [ "$(ls "$STORED/e2e/tree/$id" 2>/dev/null | grep -cE '^data\.[0-9]+$')" -ge 4 ] && break
    sleep 0.05
done
kill -KILL "$cpid" 2>/dev/null; wait "$cpid" 2>/dev/null
for _ in $(seq 1 40); do pgrep -f "rcd --config $CS" >/dev/null || break; sleep 0.05; done
check "copy to sftp: the killed copy's rclone rcd did not outlive it" bash -c "! pgrep -f '[r]cd --config $CS' >/dev/null"
# Whole chunks only: a chunk still being written has a temporary name until it is renamed.
landed=$(ls "$STORED/e2e/tree/$id" 2>/dev/null | grep -E '^data\.[0-9]+$' | sort)
stat -c '%n %i %Y' $(printf "$STORED/e2e/tree/$id/%s " $landed) >"$CS/before.stat" 2>/dev/null
echo "#   killed after $(echo "$landed" | grep -c .) chunks had landed at sftp"
check "copy to sftp: killed mid-way, no manifest at sftp yet" test ! -e "$STORED/e2e/tree/$id/manifest.json"
rm -f "$CS/rclone-starts.log"
"$BIN" copy --config "$cfg" tree --from offsite --to sftp --backup "$id" -v >"$CS/copy2.out" 2>&1; code=$?
check "copy to sftp: resumed, the copy completes (exit 0)" test "$code" -eq 0
starts=$(wc -l <"$CS/rclone-starts.log" 2>/dev/null || echo 0)
rcds=$(grep -c '^rcd ' "$CS/rclone-starts.log" 2>/dev/null)
echo "#   rclone processes the resumed copy of $(ls "$STORED/e2e/tree/$id" | grep -cE '^data\.[0-9]+$') chunks started: $starts, of which rcd: $rcds"
# One rcd for every upload, listing and size; at most an `rclone cat` to read back a chunk the killed
# copy had written but not yet recorded.
check "copy to sftp: ... through one rclone process (rcd), not one per chunk" \
    bash -c "[ '$rcds' -eq 1 ] && ! grep -qE ' (copyto|rcat|lsjson|deletefile) ' '$CS/rclone-starts.log'"
check "copy to sftp: ... which copied the chunks by itself, S3 to SFTP, Lifeboat checking each sha256" \
    grep -q "rclone copies each chunk from offsite to sftp by itself" "$CS/copy2.out"
check "copy to sftp: ... which is gone once the copy ended" bash -c "! pgrep -f '[r]cd --config $CS' >/dev/null"
stat -c '%n %i %Y' $(printf "$STORED/e2e/tree/$id/%s " $landed) >"$CS/after.stat" 2>/dev/null
check "copy to sftp: no chunk that had landed was written again (same inode and mtime)" \
    bash -c "[ -s '$CS/before.stat' ] && diff -q '$CS/before.stat' '$CS/after.stat' >/dev/null"
check "copy to sftp: the manifest at sftp is the one at S3, byte for byte" bash -c "
    aws --endpoint-url '$MOTO' s3 cp --quiet 's3://lifeboat-copysftp/prod/e2e/tree/$id/manifest.json' '$CS/s3.manifest.json' &&
    cmp -s '$CS/s3.manifest.json' '$STORED/e2e/tree/$id/manifest.json'"
# A chunk damaged at S3: rclone copies it, its sha256 is not the manifest's, so the copy stops naming it
# and the damaged chunk does not stay at SFTP. Repaired at S3, the copy completes.
key="prod/e2e/tree/$id/data.000003"
aws --endpoint-url "$MOTO" s3 cp --quiet "s3://lifeboat-copysftp/$key" "$CS/data.000003.good"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[5000]^=1; open(sys.argv[2],"wb").write(b)' \
    "$CS/data.000003.good" "$CS/data.000003.bad"
aws --endpoint-url "$MOTO" s3 cp --quiet "$CS/data.000003.bad" "s3://lifeboat-copysftp/$key"
rm -rf "$STORED/e2e/tree/$id"
"$BIN" copy --config "$cfg" tree --from offsite --to sftp --backup "$id" >"$CS/copy3.out" 2>&1; code=$?
check "copy to sftp: a chunk damaged at S3 is exit 1 naming data.000003" \
    bash -c "[ $code -eq 1 ] && grep -q 'data.000003 is damaged at offsite: size [0-9]*, sha256' '$CS/copy3.out'"
check "copy to sftp: ... the damaged chunk is not left at sftp, nor a manifest" \
    bash -c "[ ! -e '$STORED/e2e/tree/$id/data.000003' ] && [ ! -e '$STORED/e2e/tree/$id/manifest.json' ]"
aws --endpoint-url "$MOTO" s3 cp --quiet "$CS/data.000003.good" "s3://lifeboat-copysftp/$key"
"$BIN" copy --config "$cfg" tree --from offsite --to sftp --backup "$id" >"$CS/copy4.out" 2>&1; code=$?
check "copy to sftp: repaired at S3, the copy completes with the chunk as it should be" \
    bash -c "[ $code -eq 0 ] && cmp -s '$CS/data.000003.good' '$STORED/e2e/tree/$id/data.000003'"
# The SFTP copy alone: S3 taken out of the policy.
python3 - "$CS/policies/tree.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"  - name: offsite\n(    .*\n)+", "", s)
open(p, "w").write(s)
PY
"$BIN" verify --config "$cfg" tree --backup "$id" >"$CS/verify.out" 2>&1
check "copy to sftp: verify of the sftp copy alone passes" grep -q "sftp: ok" "$CS/verify.out"
"$BIN" restore tree --config "$cfg" --to "$CS/restored" --identity "$CS/keys/ops.sec.asc" --backup "$id" >/dev/null 2>&1
check "copy to sftp: the sftp copy restores the same tree" python3 scripts/lib/tree_diff.py "$CS/tree" "$CS/restored${CS}/tree"
fi
copysftp_stop
