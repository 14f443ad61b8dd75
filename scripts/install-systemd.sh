#!/usr/bin/env bash
# Installs (or removes) the systemd service and timer that run `lifeboat run` every 15 minutes.
#
#   scripts/install-systemd.sh [--bin PATH] [--config FILE] [--state-dir DIR] [--write-path DIR]...
#                              [--every CALENDAR] [--random-delay SECONDS] [--root DIR | --print] [--uninstall]
#
# The hardened service may write only to the folders it needs: read from the config with
# `lifeboat config check --json` (its catalog and spool, the signing key's and the metrics textfile's
# folders, every local destination, each SQLite database's folder, btrfs volumes) and printed, plus the
# state folder and each --write-path. Everything else is read-only to it.
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
        *) installer_option install-systemd.sh 12 "$@"; shift "$TAKEN" ;;
    esac
done

if [ -n "$ROOT" ] && [ "$PRINT" -eq 1 ]; then
    echo "install-systemd.sh: --root and --print exclude each other (--print writes nothing anywhere)" >&2
    exit 64
fi

# derived_paths: the folders the config makes Lifeboat write to, one per line (none when the binary or
# the config cannot be read: then only the state folder and --write-path are writable).
derived_paths() {
    [ -x "$BIN" ] && [ -r "$CONFIG" ] || return 0
    "$BIN" config check --json --config "$CONFIG" 2>/dev/null |
        awk '/"write_paths" : \[/ { on = 1; next } on && /\]/ { on = 0 } on { gsub(/^ *"|",? *$/, ""); print }'
}
DERIVED=()
while IFS= read -r p; do [ -n "$p" ] && DERIVED+=("$p"); done < <(derived_paths)

UNITS=$ROOT/etc/systemd/system
live() { [ -z "$ROOT" ] && [ "$PRINT" -eq 0 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; }

if [ "$UNINSTALL" -eq 1 ]; then
    if live; then systemctl disable --now lifeboat.timer 2>/dev/null || true; fi
    rm -f "$UNITS/lifeboat.service" "$UNITS/lifeboat.timer"
    if live; then systemctl daemon-reload; fi
    echo "removed lifeboat.service and lifeboat.timer (the state in $STATE${DERIVED[0]:+ and ${DERIVED[0]}} is kept)"
    exit 0
fi

rw_lines="ReadWritePaths=$STATE"
seen=" $STATE "
for p in "${WRITE[@]+"${WRITE[@]}"}"; do
    [[ "$seen" == *" $p "* ]] && continue
    seen+="$p "; rw_lines+=$'\n'"ReadWritePaths=$p"
done
# A derived folder that does not exist yet (a NAS not mounted) must not stop the unit from starting: '-'.
for p in "${DERIVED[@]+"${DERIVED[@]}"}"; do
    [[ "$seen" == *" $p "* ]] && continue
    seen+="$p "; rw_lines+=$'\n'"ReadWritePaths=-$p"
done

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
if [ ${#DERIVED[@]} -gt 0 ]; then
    echo "writable besides $STATE, read from $CONFIG: ${DERIVED[*]}"
else
    echo "no writable folders read from $CONFIG (not readable, or $BIN cannot run): only $STATE and --write-path"
fi
if live; then
    systemctl daemon-reload
    systemctl enable --now lifeboat.timer
    echo "enabled: systemctl list-timers lifeboat.timer; journalctl -u lifeboat.service"
elif [ -z "$ROOT" ]; then
    echo "systemd is not running here: enable later with systemctl daemon-reload && systemctl enable --now lifeboat.timer"
fi
