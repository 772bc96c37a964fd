"""Machine settings (SPEC §6): the database, printer, letters folder and shared-file group.

Practice details live in the database; this file only says where things are on this machine.
Precedence for the database: --db, RECOVERY_CONSOLE_DB, the user's config file,
/etc/recovery-console/config.toml, then a SQLite file in the user data directory.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "recovery-console"
SYSTEM_CONFIG = Path("/etc/recovery-console/config.toml")
ENV_DB = "RECOVERY_CONSOLE_DB"


class ConfigError(Exception):
    """A configuration file cannot be read; the message names it."""


@dataclass(frozen=True)
class MachineSettings:
    database: str
    database_source: str
    printer: str = ""
    letters_dir: Path = Path()
    group: str | None = None
    service_account: str = ""
    lock_minutes: int = 10


def user_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def default_database() -> Path:
    return Path(platformdirs.user_data_dir(APP)) / "recovery-console.db"


def _read(path: Path) -> dict[str, object]:
    if not path.is_file():
        return {}
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from exc


def load(db_option: str | None = None) -> MachineSettings:
    system = _read(SYSTEM_CONFIG)
    user = _read(user_config_path())
    merged = {**system, **user}
    if db_option:
        database, source = db_option, "--db"
    elif os.environ.get(ENV_DB):
        database, source = os.environ[ENV_DB], ENV_DB
    elif user.get("database"):
        database, source = str(user["database"]), str(user_config_path())
    elif system.get("database"):
        database, source = str(system["database"]), str(SYSTEM_CONFIG)
    else:
        database, source = str(default_database()), "default"
    letters = merged.get("letters_dir") or Path(platformdirs.user_data_dir(APP)) / "letters"
    group = merged.get("group")
    return MachineSettings(
        database=database,
        database_source=source,
        printer=str(merged.get("printer", "")),
        letters_dir=Path(str(letters)).expanduser(),
        group=str(group) if group else None,
        service_account=str(merged.get("service_account", "")),
        lock_minutes=int(str(merged.get("lock_minutes", 10))),
    )
