#!/usr/bin/env bash
# Installs (or removes) /etc/cron.d/lifeboat, the cron equivalent of the systemd timer: `lifeboat run`
# every 15 minutes with a random delay of up to 5 minutes, its output sent to syslog.
#
#   scripts/install-cron.sh [--bin PATH] [--config FILE] [--minutes N] [--random-delay DURATION]
#                           [--root DIR | --print] [--uninstall]
set -euo pipefail

BIN=/usr/local/bin/lifeboat
CONFIG=/etc/lifeboat/lifeboat.yaml
MINUTES=15
DELAY=5m
ROOT=
PRINT=0
UNINSTALL=0
while [ $# -gt 0 ]; do
    case $1 in
        --bin) BIN=$2; shift 2 ;;
        --config) CONFIG=$2; shift 2 ;;
        --minutes) MINUTES=$2; shift 2 ;;
        --random-delay) DELAY=$2; shift 2 ;;
        --root) ROOT=$2; shift 2 ;;
        --print) PRINT=1; shift ;;
        --uninstall) UNINSTALL=1; shift ;;
        -h|--help) sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install-cron.sh: unknown option $1" >&2; exit 64 ;;
    esac
done

FILE=$ROOT/etc/cron.d/lifeboat
if [ "$UNINSTALL" -eq 1 ]; then
    rm -f "$FILE"
    echo "removed $FILE"
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
