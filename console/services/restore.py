"""`restore FILE`: put a verified backup back in place of the live SQLite database.

The order is the safety case (hazards H80–H82):
1. the backup is checked as a backup is checked before it is called good (integrity, the
   whole audit chain) and against the anchor written beside it when it was taken — a
   backup without its anchor, or one that disagrees with it, is refused: it cannot be
   shown to be the file that was verified;
2. nobody else may have the database open (db/locks.py counts them), and newcomers wait
   at the gate until the restore is over;
3. the database being replaced is kept beside itself (`<db>.replaced-<UTC time>`);
4. SQLite's backup API writes the backup into the live file in one transaction (under WAL
   a crash half-way leaves the old database as it was);
5. the restore is audited in the restored database, and the audit anchor is moved to
   that event: the one audited move backwards.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session

from console.services import audit, outputs
from console.services.anchor import AnchorError
from console.services.backup import (
    NotSqlite,
    VerificationFailed,
    Verified,
    anchor_of,
    checksum_of,
    private_file,
    read_backup_anchor,
    read_checksum,
    read_only,
    sha256_file,
    verify_file,
)
from console.services.errors import Refused, ServiceError
from console.services.roles import Action
from console.services.validated import validated
from db import locks
from db.engine import BUSY_TIMEOUT_MS, sqlite_path
from db.migrate import HEAD, KNOWN

if TYPE_CHECKING:
    from console.services import Services


class OthersConnected(Refused):
    def __init__(self, count: int) -> None:
        who = (
            "1 other console or command has"
            if count == 1
            else (f"{count} other consoles or commands have")
        )
        super().__init__(
            f"{who} the database open; nothing was restored. Ask everyone to close the "
            "console (and wait for scheduled jobs), then restore again."
        )
        self.count = count


@dataclass(frozen=True)
class RestorePlan:
    source: Path
    database: Path
    verified: Verified
    last_event_at: str
    stat: tuple[int, int]  # (size, mtime_ns) of the backup as it was checked


@dataclass(frozen=True)
class Restored:
    database: Path
    kept: Path
    head: int  # the re-anchored event, the restore's last
    needs_init: bool


def _stat(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


@validated
class RestoreService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def _database(self, source: Path) -> Path:
        path = sqlite_path(str(self._s.engine.url))
        if path is None:
            url = self._s.engine.url
            command = f"pg_restore --clean --if-exists --dbname={url.database} {source}"
            raise NotSqlite(
                "this database is PostgreSQL: restore it with PostgreSQL's own tools, for "
                f"example: {command}  (see docs/operations.md)",
                command,
            )
        return path

    def check(self, source: Path) -> RestorePlan:
        """Everything a restore needs to be safe, without changing anything."""
        staff = self._s.staff
        self._s.uow.require(staff, Action.DATA_ADMIN)
        database = self._database(source)
        if not source.is_file():
            raise ServiceError(f"no such backup file: {source}")
        if source.resolve() == database.resolve():
            raise ServiceError("that is the live database itself, not a backup")
        stat = _stat(source)
        verified = verify_file(source)
        try:
            anchored = read_backup_anchor(source)
        except AnchorError as exc:
            raise VerificationFailed(f"{anchor_of(source).name} is not an audit anchor") from exc
        if anchored is None:
            raise VerificationFailed(
                f"{source.name} has no {anchor_of(source).name} beside it, so it cannot be "
                "shown to be the backup that was verified; it is not restored"
            )
        anchor_id, anchor_hash = anchored
        if anchor_hash != verified.head_hash or anchor_id not in (None, verified.head_id):
            raise VerificationFailed(
                f"{source.name} disagrees with {anchor_of(source).name}: the file has changed "
                "since it was backed up, or the anchor belongs to another backup; it is not "
                "restored"
            )
        if read_checksum(source) != sha256_file(source):
            raise VerificationFailed(
                f"{source.name} does not match {checksum_of(source).name} (missing, or the file "
                "has changed since it was backed up); it is not restored"
            )
        if verified.revision not in (*KNOWN, HEAD):
            raise Refused(
                "that backup was written by a newer version of Recovery Console; upgrade the "
                "console before restoring it"
            )
        last_at = self._check_admin_in_backup(source)
        others = locks.others(database)
        if others:
            raise OthersConnected(others)
        return RestorePlan(source, database, verified, last_at, stat)

    def _check_admin_in_backup(self, source: Path) -> str:
        """The one restoring must be an active admin in the backup too (it audits there)."""
        login = self._s.staff.login
        with read_only(source) as engine, engine.connect() as conn:
            roles = conn.execute(
                sa.text("SELECT roles FROM staff WHERE login = :login AND active"),
                {"login": login},
            ).scalar()
            last_at = conn.execute(
                sa.text("SELECT at FROM audit_event ORDER BY id DESC LIMIT 1")
            ).scalar()
        if roles is None or "admin" not in str(roles).split(","):
            raise Refused(
                f"'{login}' is not an active admin in that backup, so nobody could be "
                "shown to have restored it; restore it as an admin it knows"
            )
        return str(last_at or "")

    def restore(self, plan: RestorePlan, *, group: str | None = None) -> Restored:
        staff = self._s.staff
        self._s.uow.require(staff, Action.DATA_ADMIN)
        database = plan.database
        with locks.gate_closed(database):
            others = locks.others(database)
            if others:
                raise OthersConnected(others)
            if _stat(plan.source) != plan.stat or read_backup_anchor(plan.source) != (
                plan.verified.head_id,
                plan.verified.head_hash,
            ):
                raise VerificationFailed(f"{plan.source.name} changed after it was checked")
            replaced_head = self._head()
            kept = self._keep_replaced(database, group)
            self._s.engine.dispose()  # no pooled connection holds the old pages
            self._copy_into(plan.source, database)
            self._check_live()
            self._s.refresh_staff()
            with self._s.uow.write(self._s.staff, Action.DATA_ADMIN) as tx:
                tx.audit(
                    "database.restore",
                    detail={
                        "file": plan.source.name,
                        "backup_head": plan.verified.head_id,
                        "replaced_head": replaced_head,
                        "kept": kept.name,
                    },
                )
            head = self._reanchor(plan)
        needs_init = plan.verified.revision != HEAD
        return Restored(database, kept, head, needs_init)

    def _head(self) -> int:
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            return int(
                session.connection()
                .exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit_event")
                .scalar()
                or 0
            )

    def _keep_replaced(self, database: Path, group: str | None) -> Path:
        stamp = self._s.clock.now().in_timezone("UTC").format("YYYYMMDD-HHmmss")
        kept = database.with_name(f"{database.name}.replaced-{stamp}Z")
        if os.path.lexists(kept):
            raise ServiceError(f"{kept.name} already exists; wait a second and restore again")
        os.close(outputs.create(kept, group))  # never through a link planted at that name
        live = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            copy = sqlite3.connect(kept)
            try:
                live.backup(copy, pages=-1)
                copy.execute("PRAGMA journal_mode=DELETE")
            finally:
                copy.close()
        finally:
            live.close()
        private_file(kept, group)
        return kept

    def _copy_into(self, source: Path, database: Path) -> None:
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            live = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
            try:
                backup.backup(live, pages=-1)  # one transaction into the live file
                live.execute("PRAGMA journal_mode=WAL")
            finally:
                live.close()
        finally:
            backup.close()

    def _check_live(self) -> None:
        with Session(self._s.engine) as session:
            check = session.connection().exec_driver_sql("PRAGMA integrity_check").scalar()
            result = audit.verify(session)
        if check != "ok" or not result.ok:
            raise VerificationFailed(
                "the restored database failed its checks; the replaced one is kept beside it"
            )

    def _reanchor(self, plan: RestorePlan) -> int:
        """The live anchor onto this restore, whatever later event it named before."""
        mark = self._s.audit_log.reanchor(f"restored from the backup {plan.source.name}")
        return mark.event_id or 0
