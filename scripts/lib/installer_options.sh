# The options install-cron.sh and install-systemd.sh both take, sourced by each: --bin, --config,
# --random-delay, --root, --print, --uninstall and --help, with their defaults (DELAY is the script's own).
BIN=/usr/local/bin/lifeboat
CONFIG=/etc/lifeboat/lifeboat.yaml
ROOT=
PRINT=0
UNINSTALL=0

# installer_option SCRIPT HELP_LINES ARG...: reads the shared option at the front of ARG and sets TAKEN to
# the words it used; --help prints lines 2 to HELP_LINES of the script, an unknown option ends it (64).
installer_option() {
    local script=$1 help_lines=$2
    shift 2
    TAKEN=2
    case $1 in
        --bin) BIN=$2 ;;
        --config) CONFIG=$2 ;;
        --random-delay) DELAY=$2 ;;
        --root) ROOT=$2 ;;
        --print) PRINT=1; TAKEN=1 ;;
        --uninstall) UNINSTALL=1; TAKEN=1 ;;
        -h|--help) sed -n "2,${help_lines}p" "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "$script: unknown option $1" >&2; exit 64 ;;
    esac
}
