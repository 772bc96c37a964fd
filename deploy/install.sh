#!/usr/bin/env bash
# Install Recovery Console on a surgery server (docs/deploy.md). Run as root; safe to run
# again (an upgrade is the same command with a newer wheel).
#
#   deploy/install.sh --wheel recovery_console-X.Y.Z-py3-none-any.whl [options]
#   deploy/install.sh --uninstall [--purge]
#
# Options:
#   --mode group            staff run the console as themselves; the database is shared
#                           through the group (0660, group recovery). The default.
#   --mode service-account  the database belongs to the recovery-console account and only it
#                           can read it; staff run the console through sudo, which allows
#                           nothing else, and are identified by SUDO_UID.
#   --wheel FILE            the built package to install into /opt/recovery-console (venv).
#   --admin LOGIN           an existing OS account, the practice manager: added to the group,
#                           creates the database (`init`) and so becomes its first admin, and
#                           registers the nightly backup's account as an admin.
#   --staff LOGIN           add an existing OS account to the group (repeatable); the manager
#                           then gives it a role with `recovery-console staff add`.
#   --uninstall             remove what this script installed. The database and backups stay
#                           (they are patient records) unless --purge is given too.
#   --purge                 with --uninstall: also delete the database, letters and backups.
#
# Environment (for tests of this script only): RC_PREFIX, RC_ETC, RC_DATA, RC_BACKUPS,
# RC_BIN, RC_SUDOERS, RC_UNITS override where things go; RC_PYTHON the Python used.
set -euo pipefail

PREFIX=${RC_PREFIX:-/opt/recovery-console}
ETC=${RC_ETC:-/etc/recovery-console}
DATA=${RC_DATA:-/var/lib/recovery-console}
BACKUPS=${RC_BACKUPS:-/var/backups/recovery-console}
BIN=${RC_BIN:-/usr/local/bin/recovery-console}
SUDOERS=${RC_SUDOERS:-/etc/sudoers.d/recovery-console}
UNITS=${RC_UNITS:-/etc/systemd/system}
# The system's Python, never one from root's own PATH (pyenv and the like live in /root,
# where staff cannot run them).
PYTHON=${RC_PYTHON:-/usr/bin/python3}
GROUP=recovery
ACCOUNT=recovery-console
MANIFEST=$ETC/installed-by-deploy
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
UNIT_NAMES=(recovery-console-backup.service recovery-console-backup.timer)

MODE=group
WHEEL=""
ADMIN=""
STAFF=()
UNINSTALL=0
PURGE=0

say() { printf 'install.sh: %s\n' "$*"; }
die() {
    printf 'install.sh: %s\n' "$*" >&2
    exit 1
}

while (($#)); do
    case $1 in
    --mode)
        MODE=${2:-}
        shift 2
        ;;
    --wheel)
        WHEEL=${2:-}
        shift 2
        ;;
    --admin)
        ADMIN=${2:-}
        shift 2
        ;;
    --staff)
        STAFF+=("${2:-}")
        shift 2
        ;;
    --uninstall)
        UNINSTALL=1
        shift
        ;;
    --purge)
        PURGE=1
        shift
        ;;
    -h | --help)
        sed -n '2,26p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown option $1 (see --help)" ;;
    esac
done

[[ $(id -u) == 0 ]] || die "run this as root"
[[ $MODE == group || $MODE == service-account ]] || die "--mode is group or service-account"
((PURGE == 0 || UNINSTALL == 1)) || die "--purge goes with --uninstall"

have_systemd() { [[ -d /run/systemd/system ]]; }

# What this script created, so --uninstall removes that and nothing else.
record() {
    install -d -m 0755 "$ETC"
    grep -qxF "$1" "$MANIFEST" 2>/dev/null || printf '%s\n' "$1" >>"$MANIFEST"
}
recorded() { grep -qxF "$1" "$MANIFEST" 2>/dev/null; }

# A folder and what is in it; the folder itself stays if it is a mount point.
remove_tree() {
    [[ -d $1 ]] || return 0
    find "$1" -mindepth 1 -delete
    rmdir "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------------------- uninstall
uninstall() {
    if have_systemd; then
        systemctl disable --now recovery-console-backup.timer 2>/dev/null || true
    fi
    for unit in "${UNIT_NAMES[@]}"; do
        rm -f "$UNITS/$unit"
    done
    have_systemd && systemctl daemon-reload || true
    rm -f "$SUDOERS" "$BIN" "$ETC/config.toml"
    remove_tree "$PREFIX"
    if ((PURGE)); then
        say "deleting the database, letters and backups ($DATA, $BACKUPS)"
        remove_tree "$DATA"
        remove_tree "$BACKUPS"
    else
        say "kept the database and backups ($DATA, $BACKUPS): they hold patient records"
    fi
    if recorded "user $ACCOUNT" && id -u "$ACCOUNT" >/dev/null 2>&1; then
        userdel "$ACCOUNT"
    fi
    if recorded "group $ACCOUNT" && getent group "$ACCOUNT" >/dev/null; then
        groupdel "$ACCOUNT" 2>/dev/null || true
    fi
    if recorded "group $GROUP" && getent group "$GROUP" >/dev/null; then
        groupdel "$GROUP" || say "the group $GROUP is someone's primary group: left in place"
    fi
    rm -f "$MANIFEST"
    rmdir "$ETC" 2>/dev/null || true
    say "uninstalled"
}

if ((UNINSTALL)); then
    uninstall
    exit 0
fi

# ------------------------------------------------------------------------------ install
[[ -n $WHEEL ]] || die "--wheel FILE is needed (build it with: python3 -m pip wheel --no-deps -w dist .)"
[[ -f $WHEEL ]] || die "no such wheel: $WHEEL"
"$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    die "Python 3.11 or newer is needed (Debian 12: apt-get install python3)"
"$PYTHON" -m venv --help >/dev/null 2>&1 || die "python3 -m venv is missing: apt-get install python3-venv"
if [[ $MODE == service-account ]]; then
    command -v sudo >/dev/null && command -v visudo >/dev/null ||
        die "service-account mode needs sudo: apt-get install sudo"
fi
for login in "$ADMIN" "${STAFF[@]}"; do
    [[ -z $login ]] || id -u "$login" >/dev/null 2>&1 || die "no OS account $login: create it first (adduser $login)"
done

# The staff group, and the account the nightly backup (and, in service-account mode,
# every console) runs as.
if ! getent group "$GROUP" >/dev/null; then
    groupadd --system "$GROUP"
    record "group $GROUP"
    say "created the group $GROUP"
fi
if ! id -u "$ACCOUNT" >/dev/null 2>&1; then
    getent group "$ACCOUNT" >/dev/null || { groupadd --system "$ACCOUNT" && record "group $ACCOUNT"; }
    useradd --system --gid "$ACCOUNT" --home-dir "$DATA" --no-create-home \
        --shell /usr/sbin/nologin --comment "Recovery Console" "$ACCOUNT"
    record "user $ACCOUNT"
    say "created the account $ACCOUNT"
fi
# In group mode the backup account reaches the database through the group, like staff.
if [[ $MODE == group ]]; then
    usermod -a -G "$GROUP" "$ACCOUNT"
else
    gpasswd -d "$ACCOUNT" "$GROUP" >/dev/null 2>&1 || true
fi
for login in "$ADMIN" "${STAFF[@]}"; do
    [[ -z $login ]] || usermod -a -G "$GROUP" "$login"
done

# The program: a venv owned by root that nobody else can change (sudo runs it).
if [[ ! -x $PREFIX/bin/python ]]; then
    say "creating the venv in $PREFIX"
    "$PYTHON" -m venv "$PREFIX"
fi
say "installing $(basename "$WHEEL") into $PREFIX"
pip_log=$(mktemp)
if ! "$PREFIX/bin/python" -m pip install --quiet --disable-pip-version-check "$WHEEL" >"$pip_log" 2>&1; then
    grep -v "^WARNING: Location" "$pip_log" >&2 || true
    die "pip could not install the wheel and its dependencies"
fi
rm -f "$pip_log"
# The same version number again (a rebuilt wheel) is installed too, not "already satisfied".
"$PREFIX/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
    --force-reinstall "$WHEEL"
if [[ -f $HERE/../docs/deploy.md ]]; then
    install -D -m 0644 "$HERE/../docs/deploy.md" "$PREFIX/share/doc/recovery-console/deploy.md"
fi
chown -R root:root "$PREFIX"
chmod -R go-w "$PREFIX"

# /usr/local/bin/recovery-console: the program itself, or in service-account mode a
# wrapper that runs it as the service account through sudo.
rm -f "$BIN"
if [[ $MODE == group ]]; then
    ln -s "$PREFIX/bin/recovery-console" "$BIN"
    rm -f "$SUDOERS"
else
    cat >"$BIN" <<EOF
#!/bin/sh
# Installed by Recovery Console's deploy/install.sh (service-account mode): the console
# runs as $ACCOUNT, which alone can read the database; sudo tells it who you are.
if [ "\$(id -un)" = "$ACCOUNT" ]; then
    exec "$PREFIX/bin/recovery-console" "\$@"
fi
exec sudo -u "$ACCOUNT" -- "$PREFIX/bin/recovery-console" "\$@"
EOF
    chmod 0755 "$BIN"
    rule=$(mktemp)
    cat >"$rule" <<EOF
# Installed by Recovery Console's deploy/install.sh (service-account mode).
# Members of $GROUP may run the console, and nothing else, as $ACCOUNT.
Defaults>$ACCOUNT env_keep += "COLORTERM NO_COLOR"
%$GROUP ALL=($ACCOUNT) NOPASSWD: $PREFIX/bin/recovery-console
EOF
    visudo -cqf "$rule" || die "the sudoers rule did not check"
    install -m 0440 -o root -g root "$rule" "$SUDOERS"
    rm -f "$rule"
fi

# The data: group mode shares it through the group; service-account mode keeps it to the
# account. Existing files are given the mode's ownership, so switching modes works.
if [[ $MODE == group ]]; then
    install -d -o root -g "$GROUP" -m 2770 "$DATA" "$DATA/letters"
    install -d -o "$ACCOUNT" -g "$GROUP" -m 2750 "$BACKUPS"
    file_mode=0660
    owner=""
    group=$GROUP
else
    install -d -o "$ACCOUNT" -g "$ACCOUNT" -m 0700 "$DATA" "$DATA/letters" "$BACKUPS"
    chmod g-s "$DATA" "$DATA/letters" "$BACKUPS" # chmod keeps a folder's setgid bit otherwise
    file_mode=0600
    owner=$ACCOUNT
    group=$ACCOUNT
fi
shopt -s nullglob
for f in "$DATA"/*.db "$DATA"/*.db-wal "$DATA"/*.db-shm "$DATA"/*.audit-head "$DATA"/*.audit-head.lock \
    "$DATA"/*.db.replaced-*; do
    [[ -n $owner ]] && chown "$owner" "$f"
    chgrp "$group" "$f"
    chmod "$file_mode" "$f"
done
for d in "$DATA"/*.db.open; do
    [[ -n $owner ]] && chown -R "$owner" "$d"
    chgrp -R "$group" "$d"
    if [[ $MODE == group ]]; then chmod 2770 "$d"; else chmod 0700 "$d" && chmod g-s "$d"; fi
done
for f in "$DATA"/letters/* "$BACKUPS"/*; do
    [[ -f $f ]] || continue
    chown "${owner:-$(stat -c %U "$f")}:$group" "$f"
    if [[ $MODE == group ]]; then chmod 0640 "$f"; else chmod 0600 "$f"; fi
done
shopt -u nullglob

# /etc/recovery-console/config.toml: root's, readable by all, writable by root alone (the
# console trusts nothing else for these settings).
install -d -o root -g root -m 0755 "$ETC"
config=$(mktemp)
{
    echo "# Written by deploy/install.sh ($MODE mode); see docs/deploy.md."
    echo "database = \"$DATA/recovery-console.db\""
    echo "letters_dir = \"$DATA/letters\""
    if [[ $MODE == group ]]; then
        echo "group = \"$GROUP\""
    else
        echo "service_account = \"$ACCOUNT\""
    fi
    # Keep a printer set by hand across re-runs.
    grep -E '^printer *=' "$ETC/config.toml" 2>/dev/null || true
} >"$config"
install -m 0644 -o root -g root "$config" "$ETC/config.toml"
rm -f "$config"
record "config $ETC/config.toml"

# The nightly verified backup: a systemd service and timer (installed even where systemd
# is not running, for the day it is; enabled where it is).
install -d -m 0755 "$UNITS"
for unit in "${UNIT_NAMES[@]}"; do
    sed -e "s|@PREFIX@|$PREFIX|g" -e "s|@DATA@|$DATA|g" -e "s|@BACKUPS@|$BACKUPS|g" \
        -e "s|@ACCOUNT@|$ACCOUNT|g" "$HERE/systemd/$unit" >"$UNITS/$unit"
    chmod 0644 "$UNITS/$unit"
done
if have_systemd; then
    systemctl daemon-reload
    systemctl enable --now recovery-console-backup.timer >/dev/null 2>&1 ||
        say "could not enable recovery-console-backup.timer; see: systemctl status"
else
    say "systemd is not running here: the backup timer is installed but not enabled"
fi

# As a member of staff would run it: their own HOME, a clean environment, the real path.
as_user() {
    local login=$1 home
    shift
    home=$(getent passwd "$login" | cut -d: -f6)
    (cd / && runuser -u "$login" -- env -i HOME="$home" USER="$login" LOGNAME="$login" \
        PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 "$@")
}

if [[ -n $ADMIN ]]; then
    say "creating or upgrading the database as $ADMIN (its first admin)"
    as_user "$ADMIN" recovery-console init
    if ! as_user "$ADMIN" recovery-console staff list | grep -qw "$ACCOUNT"; then
        as_user "$ADMIN" recovery-console staff add "$ACCOUNT" --name "Nightly backup" \
            --role admin >/dev/null
        say "registered $ACCOUNT (the nightly backup) as an admin"
    fi
fi

say "installed ($MODE mode): staff in the group $GROUP run 'recovery-console' over SSH"
