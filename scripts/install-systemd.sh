#!/usr/bin/env bash
# Installs (or removes) the systemd service and timer that run `lifeboat run` every 15 minutes.
#
#   scripts/install-systemd.sh [--bin PATH] [--config FILE] [--state-dir DIR] [--write-path DIR]...
#                              [--every CALENDAR] [--random-delay SECONDS] [--root DIR | --print] [--uninstall]
#
# --write-path adds a folder the hardened service may write to (a local destination such as a NAS
# mount, a snapshot volume); everything else but the state folder is read-only to it.
# --root DIR writes the units under DIR instead of / and touches no running system (for packaging and
# tests); --print writes them to standard output.
set -euo pipefail

# shellcheck source=lib/installer_options.sh
source "$(dirname "$0")/lib/installer_options.sh"
STATE=/var/lib/lifeboat
EVERY='*:0/15'
DELAY=300
WRITE=()
while [ $# -gt 0 ]; do
    case $1 in
        --state-dir) STATE=$2; shift 2 ;;
        --write-path) WRITE+=("$2"); shift 2 ;;
        --every) EVERY=$2; shift 2 ;;
        *) installer_option install-systemd.sh 11 "$@"; shift "$TAKEN" ;;
    esac
done

UNITS=$ROOT/etc/systemd/system
live() { [ -z "$ROOT" ] && [ "$PRINT" -eq 0 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; }

if [ "$UNINSTALL" -eq 1 ]; then
    if live; then systemctl disable --now lifeboat.timer 2>/dev/null || true; fi
    rm -f "$UNITS/lifeboat.service" "$UNITS/lifeboat.timer"
    if live; then systemctl daemon-reload; fi
    echo "removed lifeboat.service and lifeboat.timer (the state in $STATE is kept)"
    exit 0
fi

rw_lines="ReadWritePaths=$STATE"
for p in "${WRITE[@]+"${WRITE[@]}"}"; do rw_lines+=$'\n'"ReadWritePaths=$p"; done

service() {
    cat <<UNIT
[Unit]
Description=Lifeboat: ship, back up what is due, prune
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=$BIN run --config $CONFIG
Nice=10
IOSchedulingClass=best-effort
IOSchedulingPriority=7
UMask=0077
# Hardening: the host file system is read-only except the state folder (catalog, spool, metrics)
# and the folders named with --write-path; nothing gains privileges; /tmp is private.
ProtectSystem=strict
$rw_lines
PrivateTmp=true
NoNewPrivileges=true
ProtectHome=read-only
ProtectKernelTunables=true
ProtectKernelModules=true
ProtectControlGroups=true
RestrictSUIDSGID=true
RestrictRealtime=true
LockPersonality=true
UNIT
}

timer() {
    cat <<UNIT
[Unit]
Description=Run lifeboat regularly (it backs up only what is due)

[Timer]
OnCalendar=$EVERY
Persistent=true
RandomizedDelaySec=$DELAY
AccuracySec=1min

[Install]
WantedBy=timers.target
UNIT
}

if [ "$PRINT" -eq 1 ]; then
    echo "# lifeboat.service"; service; echo; echo "# lifeboat.timer"; timer
    exit 0
fi

mkdir -p "$UNITS" "$ROOT$STATE"
chmod 700 "$ROOT$STATE"
service >"$UNITS/lifeboat.service"
timer >"$UNITS/lifeboat.timer"
chmod 644 "$UNITS/lifeboat.service" "$UNITS/lifeboat.timer"
echo "wrote $UNITS/lifeboat.service and $UNITS/lifeboat.timer"
if live; then
    systemctl daemon-reload
    systemctl enable --now lifeboat.timer
    echo "enabled: systemctl list-timers lifeboat.timer; journalctl -u lifeboat.service"
elif [ -z "$ROOT" ]; then
    echo "systemd is not running here: enable later with systemctl daemon-reload && systemctl enable --now lifeboat.timer"
fi
