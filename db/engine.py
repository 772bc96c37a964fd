"""Engine factory: SQLite with the settings a clinical record needs, or PostgreSQL by URL."""

from __future__ import annotations

import grp
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine

# Execution option that marks a connection as a writer (BEGIN IMMEDIATE on SQLite).
WRITE_OPTION = "rc_write"
BUSY_TIMEOUT_MS = 30_000
NETWORK_FILESYSTEMS = frozenset({"nfs", "nfs4", "cifs", "smb", "smb2", "smbfs", "afs", "9p"})


class UnsafeDatabaseError(Exception):
    """The database file or its place is unsafe for patient data (exit status 3)."""


def is_sqlite_url(url: str) -> bool:
    return url.startswith("sqlite")


def to_url(path_or_url: str | os.PathLike[str]) -> str:
    text = os.fspath(path_or_url)
    if "://" in text:
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    parsed = sa.engine.make_url(url)
    if not parsed.drivername.startswith("sqlite") or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def filesystem_type(path: Path) -> str:
    """The mount type holding `path`, from /proc/mounts (longest matching mount point).

    The default probe; make_engine takes another (tests: CI cannot mount NFS)."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return ""
    best, kind = "", ""
    target = str(path.resolve())
    for line in mounts:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = parts[1].replace("\\040", " ")
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) > len(best):
            best, kind = point, parts[2]
    return kind


FilesystemProbe = Callable[[Path], str]


def refuse_network_filesystem(path: Path, probe: FilesystemProbe | None = None) -> None:
    """Every command checks this, not only the one creating the file (SPEC §7)."""
    kind = (probe or filesystem_type)(path)
    if kind in NETWORK_FILESYSTEMS:
        raise UnsafeDatabaseError(
            f"{path} is on a network filesystem ({kind}); SQLite's WAL mode is not safe "
            "there. Keep the database on a local disk, or use PostgreSQL."
        )


def prepare_sqlite_file(
    path: Path, group: str | None = None, probe: FilesystemProbe | None = None
) -> None:
    """Create the file owner-only (or owner+group), or refuse an existing unsafe one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    refuse_network_filesystem(path.parent, probe)
    mode = 0o660 if group else 0o600
    gid = grp.getgrnam(group).gr_gid if group else -1
    if not path.exists():
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, mode)
        os.close(fd)
        os.chmod(path, mode)  # the umask may have taken bits away
        if group:
            os.chown(path, -1, gid)
    check_sqlite_file(path, group, probe)


def check_sqlite_file(
    path: Path, group: str | None = None, probe: FilesystemProbe | None = None
) -> None:
    refuse_network_filesystem(path, probe)
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        if not candidate.exists():
            continue
        st = candidate.stat()
        if st.st_mode & (stat.S_IROTH | stat.S_IWOTH):
            raise UnsafeDatabaseError(
                f"{candidate} can be read or written by every user on this machine. "
                f"Run: chmod o-rwx {candidate}"
            )
        if st.st_mode & (stat.S_IRGRP | stat.S_IWGRP):
            allowed = group and grp.getgrnam(group).gr_gid == st.st_gid
            if not allowed:
                raise UnsafeDatabaseError(
                    f"{candidate} can be read by its group, and that group is not the one "
                    f"configured for shared files. Run: chmod g-rwx {candidate}, or set "
                    "'group' in the configuration file."
                )


def make_engine(
    path_or_url: str | os.PathLike[str],
    *,
    group: str | None = None,
    create: bool = True,
    probe: FilesystemProbe | None = None,
) -> Engine:
    """An engine for a SQLite path or any SQLAlchemy URL.

    SQLite: WAL with synchronous=FULL, foreign keys on, a busy timeout, and write
    transactions (connections with the WRITE_OPTION) opened with BEGIN IMMEDIATE so that
    concurrent read-then-write transactions queue instead of losing updates.
    """
    url = to_url(path_or_url)
    if not is_sqlite_url(url):
        from db import models

        models.load_all()  # the episode table, with every table that refers to it
        from db.models.records import postgresql_options

        postgresql_options()
        return sa.create_engine(url, pool_pre_ping=True)
    path = sqlite_path(url)
    if path is not None:
        if create:
            prepare_sqlite_file(path, group, probe)
        elif not path.exists():
            raise FileNotFoundError(path)
        else:
            check_sqlite_file(path, group, probe)
    engine = sa.create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite; we emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def writer(engine: Engine) -> Engine:
    """The same engine (shared pool) whose transactions are write transactions."""
    return engine.execution_options(**{WRITE_OPTION: True})
