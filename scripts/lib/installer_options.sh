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

# install_docs: the man page and shell completions, made by the binary itself (the man page needs
# python3; without it, or without a binary that runs, they are skipped with a line saying so).
DOCS_MAN=/usr/local/share/man/man1/lifeboat.1
DOCS_COMPLETIONS=(/usr/share/bash-completion/completions/lifeboat /usr/local/share/zsh/site-functions/_lifeboat
    /usr/share/fish/vendor_completions.d/lifeboat.fish)
install_docs() {
    if ! [ -x "$BIN" ]; then
        echo "no man page or completions: $BIN cannot run here"
        return 0
    fi
    local shells=(bash zsh fish) i
    for i in 0 1 2; do
        mkdir -p "$ROOT$(dirname "${DOCS_COMPLETIONS[$i]}")"
        "$BIN" --generate-completion-script "${shells[$i]}" >"$ROOT${DOCS_COMPLETIONS[$i]}"
        chmod 644 "$ROOT${DOCS_COMPLETIONS[$i]}"
    done
    if command -v python3 >/dev/null 2>&1; then
        mkdir -p "$ROOT$(dirname "$DOCS_MAN")"
        "$BIN" --experimental-dump-help |
            python3 "$(dirname "${BASH_SOURCE[0]}")/manpage.py" "$("$BIN" version | head -1 | cut -d' ' -f2)" >"$ROOT$DOCS_MAN"
        chmod 644 "$ROOT$DOCS_MAN"
        echo "wrote $ROOT$DOCS_MAN and the bash, zsh and fish completions"
    else
        echo "wrote the bash, zsh and fish completions (no python3 here to make the man page)"
    fi
}
uninstall_docs() {
    rm -f "$ROOT$DOCS_MAN" "${DOCS_COMPLETIONS[@]/#/$ROOT}"
}
