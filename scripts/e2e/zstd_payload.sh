# compression: { algorithm: zstd }: the manifest says zstd; the stock recipe `cat data.* | gpg -d | zstd -d |
# tar -x` gives the same tree back, as does `lifeboat restore`; sha256sum of the inflated payload equals the
# manifest's payload_sha256; a bad level is refused with its line; gzip backups next to it still restore.
Z=$WORK/zstd
make_setup "$Z"
sed -i 's/^compression: { level: 6 }$/compression: { algorithm: zstd, level: 3 }/' "$Z/policies/tree.yaml"
"$BIN" backup --config "$Z/lifeboat.yaml" >"$Z/backup.out" 2>&1
id=$(awk '/ complete$/ {print $2}' "$Z/backup.out")
BD=$(backup_dir "$Z" "$id")
check "zstd: a backup completes and its manifest says compression zstd" \
    bash -c "[ -n '$id' ] && python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))[\"compression\"] == \"zstd\"' '$BD/manifest.json'"
"$BIN" restore tree --config "$Z/lifeboat.yaml" --to "$Z/restored" --identity "$Z/keys/ops.sec.asc" >/dev/null 2>&1
check "zstd: lifeboat restore gives the same tree back" python3 scripts/lib/tree_diff.py "$Z/tree" "$Z/restored${Z}/tree"
gpg --batch --quiet --import "$Z/keys/ops.sec.asc" 2>/dev/null
mkdir -p "$Z/manual"
(cd "$Z/manual" && cat "$BD"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | zstd -d -q | tar -x 2>/dev/null)
check "zstd: cat data.* | gpg --decrypt | zstd -d | tar -x gives the same tree back" \
    python3 scripts/lib/tree_diff.py "$Z/tree" "$Z/manual${Z}/tree"
sum=$(cat "$BD"/data.* | gpg --batch --quiet --decrypt 2>/dev/null | zstd -d -q | sha256sum | cut -c1-64)
check "zstd: the stock tools' payload matches the manifest's payload_sha256" \
    python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["payload_sha256"] == sys.argv[2]' "$BD/manifest.json" "$sum"
sed -i 's/^compression: { algorithm: zstd, level: 3 }$/compression: { level: 6 }/' "$Z/policies/tree.yaml"
"$BIN" backup --config "$Z/lifeboat.yaml" >/dev/null 2>&1
rm -rf "$Z/restored2"
"$BIN" restore tree --config "$Z/lifeboat.yaml" --to "$Z/restored2" --identity "$Z/keys/ops.sec.asc" --backup "$id" >/dev/null 2>&1
check "zstd: after the policy went back to gzip, the zstd backup still restores by id" \
    python3 scripts/lib/tree_diff.py "$Z/tree" "$Z/restored2${Z}/tree"
sed -i 's/^compression: { level: 6 }$/compression: { algorithm: zstd, level: 22 }/' "$Z/policies/tree.yaml"
"$BIN" backup --config "$Z/lifeboat.yaml" >/dev/null 2>"$Z/err"; code=$?
check "zstd: level 22 is refused with its line (65): zstd levels are 1-19" \
    bash -c "[ $code -eq 65 ] && grep -q 'tree.yaml:[0-9]*: compression.level must be a whole number from 1 to 19' '$Z/err'"
