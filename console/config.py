"""Machine settings (SPEC §6): the database, printer, letters folder and shared-file group.

Practice details live in the database; this file only says where things are on this machine.

Trust (issue 14, docs/security.md): the settings that decide who someone is or where
patient data goes (`service_account`, `group`, `printer`, `letters_dir`, `state_dir`, and
`database` when a service account is set) are read only from SYSTEM_CONFIG, which must be
owned by root and writable by nobody else; a config that fails that is refused. A user's
own config file may hold personal preferences only: `database` (when no service account
is configured) and `lock_minutes`, which can only shorten the practice's idle lock (the
`idle_minutes` practice setting, kept in the database and set in administration).

Precedence for the database: --db, RECOVERY_CONSOLE_DB, the user's config file,
/etc/recovery-console/config.toml, then a SQLite file in the user data directory. With a
service account configured the database is the one named in /etc, and only that.
"""

from __future__ import annotations

import os
import stat
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "recovery-console"
# Tests point this at a file of their own in-process (tests/conftest.py), never through
# an environment variable: that would be a way round the ownership check.
SYSTEM_CONFIG = Path("/etc/recovery-console/config.toml")
ENV_DB = "RECOVERY_CONSOLE_DB"
MACHINE_KEYS = frozenset(
    {"service_account", "group", "printer", "letters_dir", "state_dir", "database"}
)
PERSONAL_KEYS = frozenset({"database", "lock_minutes"})


class ConfigError(Exception):
    """A configuration file cannot be read or holds a setting it may not; the message says which."""


class UnsafeConfigError(ConfigError):
    """The system configuration could have been written by someone other than root (exit 3)."""


@dataclass(frozen=True)
class MachineSettings:
    database: str
    database_source: str
    printer: str = ""
    letters_dir: Path = Path()
    group: str | None = None
    service_account: str = ""
    # The user's own idle lock, if shorter than the practice's; never lengthens it.
    lock_minutes: int | None = None
    state_dir: Path | None = None  # where the audit anchor lives when not beside the database


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_database() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "recovery-console.db"


def _parse(path: Path, data: bytes) -> dict[str, object]:
    try:
        return tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def _unsafe(st: os.stat_result) -> bool:
    return st.st_uid != 0 or bool(st.st_mode & (stat.S_IWGRP | stat.S_IWOTH))


def read_system(path: Path) -> dict[str, object]:
    """The system config, only if root owns it (and its folder) and nobody else can write."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    try:
        st = os.fstat(fd)  # the file actually opened, wherever a symlink pointed
        folders = {path.parent, Path(os.path.realpath(path)).parent}
        if not stat.S_ISREG(st.st_mode) or _unsafe(st) or any(_unsafe(f.stat()) for f in folders):
            raise UnsafeConfigError(
                f"{path} is not trusted: it and its folder must be owned by root and writable "
                f"by root only. Run: chown root: {path} && chmod 644 {path}"
            )
        with os.fdopen(fd, "rb") as fh:
            fd = -1
            data = fh.read()
    finally:
        if fd >= 0:
            os.close(fd)
    return _parse(path, data)


def read_user(path: Path) -> dict[str, object]:
    """The user's own preferences; a machine setting there is refused, not quietly used."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror}") from exc
    values = _parse(path, data)
    for key in values:
        if key in PERSONAL_KEYS:
            continue
        if key in MACHINE_KEYS:
            raise ConfigError(
                f"{path}: '{key}' is a machine setting and is read only from {SYSTEM_CONFIG} "
                "(ask the practice manager); remove it from your own config file"
            )
        raise ConfigError(f"{path}: unknown setting '{key}'")
    return values


def _minutes(value: object, where: Path) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 240:
        raise ConfigError(f"{where}: lock_minutes must be a whole number from 1 to 240")
    return value


def load(db_option: str | None = None) -> MachineSettings:
    system_path = SYSTEM_CONFIG
    system = read_system(system_path)
    user_path = user_config_path()
    user = read_user(user_path)
    service_account = str(system.get("service_account") or "")
    env_db = os.environ.get(ENV_DB)
    if service_account:
        # Staff reach the database only through the service account: it is this one.
        if not system.get("database"):
            raise ConfigError(f"{system_path}: service_account is set but database is not")
        database, source = str(system["database"]), str(system_path)
        for given, name in ((db_option, "--db"), (env_db, ENV_DB)):
            if given and given != database:
                raise UnsafeConfigError(
                    f"{name} is not accepted on this machine: the database is set in "
                    f"{system_path} (service account {service_account})"
                )
    elif db_option:
        database, source = db_option, "--db"
    elif env_db:
        database, source = env_db, ENV_DB
    elif user.get("database"):
        database, source = str(user["database"]), str(user_path)
    elif system.get("database"):
        database, source = str(system["database"]), str(system_path)
    else:
        database, source = str(default_database()), "default"
    letters = system.get("letters_dir") or Path(platformdirs.user_data_dir(APP)) / "letters"
    group = system.get("group")
    state_dir = system.get("state_dir")
    if "lock_minutes" in system:
        raise ConfigError(
            f"{system_path}: lock_minutes is now the practice's idle lock: set it in "
            "administration (practice details) and remove it from this file"
        )
    # A user may lock sooner than the practice says, never later (screens/lock.py).
    lock = _minutes(user["lock_minutes"], user_path) if "lock_minutes" in user else None
    return MachineSettings(
        database=database,
        database_source=source,
        printer=str(system.get("printer", "")),
        letters_dir=Path(str(letters)).expanduser(),
        group=str(group) if group else None,
        service_account=service_account,
        lock_minutes=lock,
        state_dir=Path(str(state_dir)) if state_dir else None,
    )
