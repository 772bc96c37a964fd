"""Verified online backups of a SQLite database (SPEC §7), and the checks a restore reuses.

A backup is taken with SQLite's backup API in one step: a single read transaction on the
live database, so under WAL everyone else keeps reading and writing meanwhile; the copy
is a snapshot of one committed moment, never a file copy that could catch a page
half-written. It is written beside its final name, made a single self-contained file
(journal mode DELETE), verified — `integrity_check`, the whole audit chain, its head
row, and that the live database's chain holds that head — and only then renamed into
place with its audit head anchored beside it (`FILE.audit-head`: event id and hash)
and its SHA-256 (`FILE.sha256`, as `sha256sum` writes it), so that a restore can tell the
file is byte for byte the one that was verified.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session, select

from console.services import anchor, audit, outputs
from console.services.errors import ServiceError
from console.services.roles import Action
from console.services.validated import validated
from db.engine import sqlite_path
from db.models import AuditEvent, AuditHead

if TYPE_CHECKING:
    from console.services import Services

ANCHOR_SUFFIX = anchor.SUFFIX
CHECKSUM_SUFFIX = ".sha256"
DATED = re.compile(r"^recovery-console-\d{8}-\d{6}Z\.db$")


class OutputExists(ServiceError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; add --force to replace it")
        self.path = path


class NotSqlite(ServiceError):
    """The database is PostgreSQL: its own tools back it up; `command` says which."""

    def __init__(self, message: str, command: str) -> None:
        super().__init__(message)
        self.command = command


class VerificationFailed(ServiceError):
    """A backup failed its checks; nothing was called good (exit status 1)."""


@dataclass(frozen=True)
class Verified:
    events: int
    head_id: int
    head_hash: str
    revision: str | None


@dataclass(frozen=True)
class BackupDone:
    path: Path
    anchor: Path
    bytes: int
    verified: Verified
    pruned: tuple[Path, ...] = ()


def anchor_of(path: Path) -> Path:
    return Path(f"{path}{ANCHOR_SUFFIX}")


def read_backup_anchor(path: Path) -> tuple[int | None, str] | None:
    """(event id, hash) from FILE.audit-head; None when the file is missing."""
    mark = anchor.Anchor(anchor_of(path)).read()  # AnchorError when it is not an anchor
    return None if mark is None else (mark.event_id, mark.hash)


def private_file(path: Path, group: str | None) -> None:
    """Owner-only (0600), or 0640 with the configured group for a shared surgery server."""
    outputs.set_private(path, group)


def write_backup_anchor(path: Path, verified: Verified, group: str | None) -> Path:
    """FILE.audit-head, in the live anchor's format (console/services/anchor.py)."""
    target = anchor_of(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with open(outputs.create(partial, group), "w") as fh:
        fh.write(f"{verified.head_id} {verified.head_hash}\n")
        fh.flush()
        os.fsync(fh.fileno())
    partial.replace(target)
    return target


def checksum_of(path: Path) -> Path:
    return Path(f"{path}{CHECKSUM_SUFFIX}")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_checksum(path: Path, group: str | None) -> Path:
    """`FILE.sha256` in sha256sum's format: `sha256sum -c` checks it too."""
    target = checksum_of(path)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    with open(outputs.create(partial, group), "w") as fh:
        fh.write(f"{sha256_file(path)}  {path.name}\n")
    partial.replace(target)
    return target


def read_checksum(path: Path) -> str | None:
    try:
        words = checksum_of(path).read_text().split()
    except FileNotFoundError:
        return None
    return words[0] if words else ""


@contextlib.contextmanager
def read_only(path: Path) -> Iterator[sa.Engine]:
    """An engine on a backup file that cannot change it (no journal or WAL is created)."""
    engine = sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", poolclass=sa.pool.NullPool)
    try:
        yield engine
    finally:
        engine.dispose()


def verify_file(path: Path) -> Verified:
    """integrity_check, the whole audit chain and its head row; raises VerificationFailed."""
    try:
        with read_only(path) as engine:
            with engine.connect() as conn:
                check = conn.exec_driver_sql("PRAGMA integrity_check").scalar()
                if check != "ok":
                    raise VerificationFailed(f"{path.name} fails SQLite's integrity check")
                inspector = sa.inspect(conn)
                if not inspector.has_table("audit_event"):
                    raise VerificationFailed(f"{path.name} is not a Recovery Console database")
                revision = None
                if inspector.has_table("alembic_version"):
                    revision = conn.exec_driver_sql(
                        "SELECT version_num FROM alembic_version"
                    ).scalar()
            with Session(engine) as session:
                result = audit.verify(session)
                head = session.get(AuditHead, 1)
    except (sa.exc.DatabaseError, sqlite3.DatabaseError) as exc:
        raise VerificationFailed(f"{path.name} cannot be read as a SQLite database") from exc
    if not result.ok:
        raise VerificationFailed(f"the audit log in {path.name} is damaged: {result.problem}")
    return Verified(result.events, head.last_id if head else 0, result.head_hash, revision)


def pg_dump_command(url: sa.URL, target: Path) -> str:
    parts = ["pg_dump", "--format=custom", f"--file={target}"]
    if url.host:
        parts.append(f"--host={url.host}")
    if url.port:
        parts.append(f"--port={url.port}")
    if url.username:
        parts.append(f"--username={url.username}")
    parts.append(str(url.database or ""))
    return " ".join(parts)


@validated
class BackupService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def database_path(self, action_target: Path) -> Path:
        """The live SQLite file; PostgreSQL is refused with the pg_dump command to use."""
        path = sqlite_path(str(self._s.engine.url))
        if path is None:
            command = pg_dump_command(self._s.engine.url, action_target)
            raise NotSqlite(
                "this database is PostgreSQL: back it up with PostgreSQL's own tools, "
                f"for example: {command}  (see docs/operations.md)",
                command,
            )
        return path

    def backup(self, target: Path, *, force: bool = False, group: str | None = None) -> BackupDone:
        staff = self._s.staff
        self._s.uow.require(staff, Action.DATA_ADMIN)
        live = self.database_path(target)
        outputs.refuse_link(target, anchor_of(target), checksum_of(target))
        if target.resolve() == live.resolve():
            raise ServiceError("a backup cannot be written over the database itself")
        if (target.exists() or anchor_of(target).exists()) and not force:
            raise OutputExists(target)
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        os.close(outputs.create(partial, group))
        try:
            self._copy(partial)
            private_file(partial, group)
            verified = verify_file(partial)
            self._check_against_live(verified, partial)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.replace(target)
        anchor = write_backup_anchor(target, verified, group)
        write_checksum(target, group)
        with self._s.uow.write(staff, Action.DATA_ADMIN) as tx:
            tx.audit(
                "database.backup",
                detail={"file": target.name, "events": verified.events, "head": verified.head_id},
            )
        return BackupDone(target, anchor, target.stat().st_size, verified)

    def scheduled(self, folder: Path, keep: int, *, group: str | None = None) -> BackupDone:
        """A dated backup into `folder`, then only the newest `keep` dated backups stay."""
        if keep < 1:
            raise ServiceError("--keep takes a number of backups to keep, 1 or more")
        if not folder.is_dir():
            raise ServiceError(f"no such folder: {folder}")
        stamp = self._s.clock.now().in_timezone("UTC").format("YYYYMMDD-HHmmss")
        done = self.backup(folder / f"recovery-console-{stamp}Z.db", group=group)
        dated = sorted(p for p in folder.iterdir() if DATED.match(p.name))
        pruned = tuple(dated[:-keep])
        for old in pruned:
            old.unlink(missing_ok=True)
            anchor_of(old).unlink(missing_ok=True)
            checksum_of(old).unlink(missing_ok=True)
        return BackupDone(done.path, done.anchor, done.bytes, done.verified, pruned)

    def _copy(self, partial: Path) -> None:
        raw = self._s.engine.raw_connection()
        try:
            source = raw.driver_connection
            assert isinstance(source, sqlite3.Connection)
            target = sqlite3.connect(partial)
            try:
                source.backup(target, pages=-1)  # one step: one consistent snapshot
                target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                target.close()
        finally:
            raw.close()

    def _check_against_live(self, verified: Verified, copy: Path) -> None:
        """The copy's head is an event of the live chain, and the copy agrees with the
        live anchor wherever that anchor falls inside it."""
        live = self._s.uow.anchor.read() if self._s.uow.anchor is not None else None
        if live is not None and live.event_id is not None and live.event_id <= verified.head_id:
            with read_only(copy) as engine, engine.connect() as conn:
                copied = conn.execute(
                    sa.select(AuditEvent.hash).where(AuditEvent.id == live.event_id)  # type: ignore[call-overload]
                ).scalar()
            if copied != live.hash:
                raise VerificationFailed(
                    f"the backup disagrees with the live audit anchor at event {live.event_id}"
                )
        if verified.head_id == 0:
            return
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            live_hash = session.exec(
                select(AuditEvent.hash).where(AuditEvent.id == verified.head_id)
            ).first()
        if live_hash != verified.head_hash:
            raise VerificationFailed("the backup's audit head is not in the live database's chain")
