"""The audit chain's head, anchored in a file outside the database (SPEC §7, issue 14).

The anchor file holds one line, `<event id> <hash>`. After every committed write the unit
of work moves it forward (`Anchor.advance`): under an exclusive file lock, through a
temporary file and an atomic rename, and only to a higher event id, so writers that
commit in any order leave it at the newest event. It is never created for a chain that
already has events (a deleted anchor stays missing and `audit verify` says so); the one
way to put it anywhere else is `Anchor.replace`, which AuditService.reanchor calls after
appending an audited `audit.reanchor` event.

Where: beside a SQLite database (`<db>.audit-head`, with the database's own mode and
group, so every admin can check it); in `state_dir` from /etc when one is named (the
service-account deployment, where staff cannot write it; PostgreSQL needs one).
"""

from __future__ import annotations

import fcntl
import grp
import hashlib
import logging
import os
import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from console.services.errors import ServiceError

SUFFIX = ".audit-head"
_HASH = re.compile(r"[0-9a-f]{64}")
log = logging.getLogger(__name__)


class AnchorError(ServiceError):
    """The anchor file cannot be read or written; the message names it, never patient data."""


@dataclass(frozen=True)
class Mark:
    """An audit event the anchor points at; `event_id` None for an old hash-only anchor."""

    event_id: int | None
    hash: str

    def __str__(self) -> str:
        return f"event {self.event_id}" if self.event_id is not None else "a hash-only anchor"


def parse(text: str, path: Path) -> Mark:
    words = text.split()
    if len(words) == 1 and _HASH.fullmatch(words[0]):
        return Mark(None, words[0])
    if len(words) == 2 and words[0].isdigit() and _HASH.fullmatch(words[1]):
        return Mark(int(words[0]), words[1])
    raise AnchorError(f"the audit anchor {path} is not readable as an anchor")


@dataclass(frozen=True)
class Anchor:
    path: Path
    like: Path | None = None  # the database file whose mode and group the anchor follows
    group: str | None = None  # else: the configured shared group (0660), or owner-only

    # -- reading ---------------------------------------------------------------------
    def read(self) -> Mark | None:
        """The anchored event, or None when there is no anchor file."""
        try:
            text = self.path.read_text(encoding="ascii")
        except FileNotFoundError:
            return None
        except PermissionError as exc:
            raise AnchorError(
                f"cannot read the audit anchor {self.path}: permission denied. It should have "
                f"the database's mode and group (chmod/chgrp it to match {self.like or 'it'})"
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise AnchorError(f"cannot read the audit anchor {self.path}") from exc
        return parse(text, self.path)

    # -- writing ---------------------------------------------------------------------
    def advance(self, mark: Mark, *, create: bool = False, after: Mark | None = None) -> bool:
        """Move the anchor to `mark` if that is a later event; True when it moved.

        `after` is the chain's head when the writer began: if that is behind the anchor,
        or at its id with another hash, the chain was cut or rewritten under the anchor,
        and writing on must not carry the anchor past the damage (AnchorError)."""
        assert mark.event_id is not None
        with self._locked():
            current = self.read()
            if current is None and not create:
                return False
            if current is not None and current.event_id is not None:
                if current.event_id >= mark.event_id:
                    return False
                if after is not None and after.event_id is not None:
                    behind = after.event_id < current.event_id
                    if behind or (after.event_id == current.event_id and after != current):
                        raise AnchorError(
                            f"the chain's head (event {after.event_id}) does not continue "
                            f"from the anchored event {current.event_id}; the anchor stays"
                        )
            self._write(mark)
            return True

    def replace(self, mark: Mark) -> None:
        """Put the anchor at `mark` whatever it held: only for an audited re-anchor."""
        with self._locked():
            self._write(mark)

    def _mode_and_gid(self) -> tuple[int, int]:
        if self.like is not None:
            try:
                st = self.like.stat()
            except FileNotFoundError:
                pass
            else:
                return (st.st_mode & 0o660) | 0o600, st.st_gid
        if self.group:
            return 0o660, grp.getgrnam(self.group).gr_gid
        return 0o600, -1

    def _fit(self, fd: int) -> None:
        mode, gid = self._mode_and_gid()
        os.fchmod(fd, mode)  # the umask may have taken bits away
        if gid != -1 and os.fstat(fd).st_gid != gid:
            os.fchown(fd, -1, gid)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        lock = self.path.with_name(self.path.name + ".lock")
        try:
            fd = os.open(lock, os.O_RDONLY | os.O_CREAT, 0o600)
        except OSError as exc:
            raise AnchorError(f"cannot lock the audit anchor {self.path}") from exc
        try:
            if os.fstat(fd).st_uid == os.geteuid():
                self._fit(fd)
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)  # closing releases the lock

    def _write(self, mark: Mark) -> None:
        partial = self.path.with_name(f".{self.path.name}.{secrets.token_hex(6)}.partial")
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                self._fit(fd)
                os.write(fd, f"{mark.event_id} {mark.hash}\n".encode("ascii"))
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(partial, self.path)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise AnchorError(f"cannot write the audit anchor {self.path}") from exc


def beside(database: Path) -> Anchor:
    return Anchor(Path(f"{database}{SUFFIX}"), like=database)


def for_database(
    url: str, *, state_dir: Path | None = None, group: str | None = None
) -> Anchor | None:
    """Where this database's anchor lives; None for a server database with no state_dir."""
    parsed = sa.engine.make_url(url)
    is_file = parsed.drivername.startswith("sqlite") and parsed.database not in (
        None,
        "",
        ":memory:",
    )
    database = Path(str(parsed.database)) if is_file else None
    if state_dir is None:
        return beside(database) if database is not None else None
    key = parsed.render_as_string(hide_password=True) if database is None else str(database)
    name = f"{Path(str(parsed.database or 'database')).name}-"
    name += f"{hashlib.sha256(key.encode()).hexdigest()[:12]}{SUFFIX}"
    return Anchor(state_dir / name, like=database, group=None if database else group)


def advance_quietly(
    anchor: Anchor | None, mark: Mark | None, *, create: bool, after: Mark | None = None
) -> None:
    """The hook after a commit: the write stands whatever happens to its anchor."""
    if anchor is None or mark is None:
        return
    try:
        anchor.advance(mark, create=create, after=after)
    except (AnchorError, OSError, KeyError) as exc:
        # `audit verify` then shows the anchor behind the chain; the reason is here.
        log.warning("audit anchor not advanced: %s", exc)
