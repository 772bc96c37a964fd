"""Who has a SQLite database open: one locked file per process, in a folder beside it.

Every console and command takes `hold(database)` when it opens the database: a file
`<db>.open/<pid>-<random>.lock` holding an exclusive `flock` for as long as the process
lives. The kernel drops the lock when the process ends, however it ends, so counting
the files whose lock is still held counts the processes that have the database open —
with no heartbeat writing all day. A file whose lock is free was left by a process that
has gone, and is removed by whoever counts.

A restore takes the folder's gate exclusively; a process opening the database meanwhile
waits for it (up to `GATE_WAIT` seconds) rather than opening a file being replaced.
"""

from __future__ import annotations

import contextlib
import fcntl
import grp
import os
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

SUFFIX = ".open"
GATE = "gate"
GATE_WAIT = 60.0
_HELD: list[Presence] = []


class RestoreUnderWay(Exception):
    """A restore holds the gate and did not finish within GATE_WAIT seconds."""


def folder_of(database: Path) -> Path:
    return database.with_name(f"{database.name}{SUFFIX}")


def _folder(database: Path, group: str | None) -> Path:
    folder = folder_of(database)
    if not folder.is_dir():
        with contextlib.suppress(FileExistsError):
            folder.mkdir(mode=0o770 if group else 0o700)
            if group:
                os.chown(folder, -1, grp.getgrnam(group).gr_gid)
                folder.chmod(0o2770)  # new lock files keep the group
    return folder


def _open_gate(folder: Path) -> int:
    return os.open(folder / GATE, os.O_RDWR | os.O_CREAT, 0o660)


@dataclass
class Presence:
    """This process's lock on the database; `release()` (or process exit) lets it go."""

    path: Path
    fd: int
    released: bool = field(default=False)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        if self in _HELD:
            _HELD.remove(self)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        os.close(self.fd)


def hold(database: Path, *, group: str | None = None, wait: float = GATE_WAIT) -> Presence:
    """Register this process as having `database` open (waits while a restore runs)."""
    folder = _folder(database, group)
    gate = _open_gate(folder)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(gate, fcntl.LOCK_SH | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RestoreUnderWay(
                        "the database is being restored from a backup; try again shortly"
                    ) from None
                time.sleep(0.2)
        name = f"{os.getpid()}-{secrets.token_hex(4)}.lock"
        # Locked before it gets its counted name, so a counter never takes it for stale.
        partial = folder / f".{name}"
        fd = os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o660 if group else 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        final = folder / name
        partial.rename(final)
        presence = Presence(final, fd)
        _HELD.append(presence)  # held until the process ends
        return presence
    finally:
        os.close(gate)  # closing drops the shared gate lock


def release_all() -> None:
    """Let go of every database this process registered (it closed them and goes on)."""
    for presence in list(_HELD):
        presence.release()


def others(database: Path) -> int:
    """How many other processes hold the database open; stale files are removed."""
    folder = folder_of(database)
    if not folder.is_dir():
        return 0
    count = 0
    mine = f"{os.getpid()}-"
    for entry in folder.iterdir():
        if not entry.name.endswith(".lock") or entry.name.startswith((".", mine)):
            continue
        try:
            fd = os.open(entry, os.O_RDONLY)
        except FileNotFoundError:
            continue
        except PermissionError:  # another account's file: assume its process is there
            count += 1
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            count += 1
        else:
            entry.unlink(missing_ok=True)  # its process has gone
        finally:
            os.close(fd)
    return count


@contextlib.contextmanager
def gate_closed(database: Path) -> Iterator[None]:
    """Keep newcomers out (they wait in `hold`) while the database file is replaced."""
    folder = _folder(database, None)
    gate = _open_gate(folder)
    try:
        fcntl.flock(gate, fcntl.LOCK_EX)
        yield
    finally:
        os.close(gate)
