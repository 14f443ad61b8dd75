#!/usr/bin/env bash
# Installs (or removes) the systemd units that run Lifeboat on a timer: on a backup host
# lifeboat.service/.timer (`lifeboat run` every 15 minutes); with --recovery, on the recovery host,
# lifeboat-fleet.service/.timer (`lifeboat fleet` every 15 minutes) and lifeboat-drill.service/.timer
# (`lifeboat drill --due` daily).
#
#   scripts/install-systemd.sh [--recovery] [--bin PATH] [--config FILE] [--state-dir DIR] [--write-path DIR]...
#                              [--every CALENDAR] [--random-delay SECONDS] [--root DIR | --print] [--uninstall]
#
# The hardened services may write only to the folders they need: read from the config with
# `lifeboat config check --json` and printed (a backup host: its catalog and spool, the signing key's and
# the metrics textfile's folders, every local destination, each SQLite database's folder, btrfs volumes;
# the recovery host: its drill catalog's, scratch and metrics folders), plus the state folder and each
# --write-path. Everything else is read-only to them.
# --root DIR writes the units under DIR instead of / and touches no running system (for packaging and
# tests); --print writes them to standard output.
set -euo pipefail

# shellcheck source=lib/installer_options.sh
source "$(dirname "$0")/lib/installer_options.sh"
STATE=/var/lib/lifeboat
EVERY='*:0/15'
DELAY=300
WRITE=()
RECOVERY=0
while [ $# -gt 0 ]; do
    case $1 in
        --state-dir) STATE=$2; shift 2 ;;
        --write-path) WRITE+=("$2"); shift 2 ;;
        --every) EVERY=$2; shift 2 ;;
        --recovery) RECOVERY=1; shift ;;
        *) installer_option install-systemd.sh 16 "$@"; shift "$TAKEN" ;;
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

if [ "$RECOVERY" -eq 1 ]; then NAMES=(lifeboat-fleet lifeboat-drill); else NAMES=(lifeboat); fi
UNITS=$ROOT/etc/systemd/system
live() { [ -z "$ROOT" ] && [ "$PRINT" -eq 0 ] && command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; }

if [ "$UNINSTALL" -eq 1 ]; then
    for n in "${NAMES[@]}"; do
        if live; then systemctl disable --now "$n.timer" 2>/dev/null || true; fi
        rm -f "$UNITS/$n.service" "$UNITS/$n.timer"
    done
    if live; then systemctl daemon-reload; fi
    uninstall_docs
    kept=$STATE
    for p in "${DERIVED[@]+"${DERIVED[@]}"}"; do [ "$p" != "$STATE" ] && kept+=", $p"; done
    echo "removed ${NAMES[*]/%/.service/.timer} (the state in $kept is kept)"
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

# service DESCRIPTION ARGS: a hardened oneshot unit running `lifeboat ARGS --config CONFIG`.
service() {
    cat <<UNIT
[Unit]
Description=$1
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
ExecStart=$BIN $2 --config $CONFIG
Nice=10
IOSchedulingClass=best-effort
IOSchedulingPriority=7
UMask=0077
# Hardening: the host file system is read-only except the state folder, the folders the config names
# (see install-systemd.sh) and those named with --write-path; nothing gains privileges; /tmp is private.
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

# timer DESCRIPTION CALENDAR DELAY
timer() {
    cat <<UNIT
[Unit]
Description=$1

[Timer]
OnCalendar=$2
Persistent=true
RandomizedDelaySec=$3
AccuracySec=1min

[Install]
WantedBy=timers.target
UNIT
}

# unit NAME KIND: the text of one unit.
unit() {
    case "$1.$2" in
        lifeboat.service) service "Lifeboat: ship, back up what is due, prune" run ;;
        lifeboat.timer) timer "Run lifeboat regularly (it backs up only what is due)" "$EVERY" "$DELAY" ;;
        lifeboat-fleet.service) service "Lifeboat recovery host: judge the fleet's RPO and drills, write the metrics" fleet ;;
        lifeboat-fleet.timer) timer "Watch the fleet from the destinations" "$EVERY" "$DELAY" ;;
        lifeboat-drill.service) service "Lifeboat recovery host: drill the restores that are due" "drill --due" ;;
        lifeboat-drill.timer) timer "Drill due restores daily" daily 3600 ;;
    esac
}

if [ "$PRINT" -eq 1 ]; then
    for n in "${NAMES[@]}"; do
        echo "# $n.service"; unit "$n" service; echo; echo "# $n.timer"; unit "$n" timer; echo
    done
    exit 0
fi

mkdir -p "$UNITS" "$ROOT$STATE"
chmod 700 "$ROOT$STATE"
for n in "${NAMES[@]}"; do
    unit "$n" service >"$UNITS/$n.service"
    unit "$n" timer >"$UNITS/$n.timer"
    chmod 644 "$UNITS/$n.service" "$UNITS/$n.timer"
    echo "wrote $UNITS/$n.service and $UNITS/$n.timer"
done
install_docs
if [ ${#DERIVED[@]} -gt 0 ]; then
    echo "writable besides $STATE, read from $CONFIG: ${DERIVED[*]}"
else
    echo "no writable folders read from $CONFIG (not readable, or $BIN cannot run): only $STATE and --write-path"
fi
if live; then
    systemctl daemon-reload
    for n in "${NAMES[@]}"; do systemctl enable --now "$n.timer"; done
    echo "enabled: systemctl list-timers 'lifeboat*'; journalctl -u ${NAMES[0]}.service"
elif [ -z "$ROOT" ]; then
    echo "systemd is not running here: enable later with systemctl daemon-reload && systemctl enable --now ${NAMES[*]/%/.timer}"
fi
