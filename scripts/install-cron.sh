#!/usr/bin/env bash
# Installs (or removes) /etc/cron.d/lifeboat, the cron equivalent of the systemd timer: `lifeboat run`
# every 15 minutes with a random delay of up to 5 minutes, its output sent to syslog.
#
#   scripts/install-cron.sh [--bin PATH] [--config FILE] [--minutes N] [--random-delay DURATION]
#                           [--root DIR | --print] [--uninstall]
set -euo pipefail

# shellcheck source=lib/installer_options.sh
source "$(dirname "$0")/lib/installer_options.sh"
MINUTES=15
DELAY=5m
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) MINUTES=$2; shift 2 ;;
        *) installer_option install-cron.sh 6 "$@"; shift "$TAKEN" ;;
    esac
done

FILE=$ROOT/etc/cron.d/lifeboat
if [ "$UNINSTALL" -eq 1 ]; then
    rm -f "$FILE"
    uninstall_docs
    echo "removed $FILE, the man page and the completions"
    exit 0
fi

line="*/$MINUTES * * * * root $BIN run --random-delay $DELAY --config $CONFIG 2>&1 | logger -t lifeboat"
text="# Lifeboat: ship, back up what is due, prune (installed by scripts/install-cron.sh)
SHELL=/bin/sh
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
$line"
if [ "$PRINT" -eq 1 ]; then
    echo "$text"
    exit 0
fi
mkdir -p "$(dirname "$FILE")"
printf '%s\n' "$text" >"$FILE"
chmod 644 "$FILE"
echo "wrote $FILE"
install_docs
