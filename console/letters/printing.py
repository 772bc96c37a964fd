"""Letters on disk (private files) and to the printer (CUPS `lp -d PRINTER`).

A letter PDF is created 0600, or 0640 owned by the configured group so that a colleague
can reprint it. It is never overwritten: a reprint sends the kept file again.
"""

from __future__ import annotations

import grp
import hashlib
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


class PrintError(Exception):
    """The letter was kept but could not be printed; the message says why."""


def checksum(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_private(path: Path, data: bytes, group: str | None = None) -> Path:
    """Create `path` with `data`: mode 0600, or 0640 with `group`. Refuses to overwrite."""
    with open_private(path, group) as fh:
        fh.write(data)
    return path


@contextmanager
def open_private(path: Path, group: str | None = None) -> Iterator[BinaryIO]:
    """A new file for writing: mode 0600, or 0640 with `group`; FileExistsError if taken.

    Leaving the block flushes it to disk (fsync), so a recorded letter is really there.
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o750 if group else 0o700)
    mode = 0o640 if group else 0o600
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        if group:
            os.fchown(fd, -1, grp.getgrnam(group).gr_gid)
        os.fchmod(fd, mode)  # the umask may have taken bits off; set exactly
        fh = os.fdopen(fd, "wb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def unique_path(folder: Path, stem: str) -> Path:
    """`folder/stem.pdf`, or `stem-2.pdf` … when taken. The stem carries no patient name."""
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "letter"
    path = folder / f"{safe}.pdf"
    n = 2
    while os.path.lexists(path):  # a dangling link is a taken name too
        path = folder / f"{safe}-{n}.pdf"
        n += 1
    return path


def job_title(what: str, count: int, stamp: str) -> str:
    """A distinct CUPS job title: what was printed, how many, when (never a name).

    cups-pdf names its output after the title, so two jobs with one title overwrite.
    """
    letters = "1 letter" if count == 1 else f"{count:,} letters"
    return f"{what}, {letters}, {stamp}"


def send_to_printer(path: Path, printer: str, title: str) -> str:
    """One CUPS job for the whole file; returns what `lp` said (the request id)."""
    lp = shutil.which("lp")
    if lp is None:
        raise PrintError("the 'lp' command is not installed (Debian package cups-client)")
    try:
        done = subprocess.run(
            [lp, "-d", printer, "-t", title, "--", str(path)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PrintError(f"lp failed: {type(exc).__name__}") from exc
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise PrintError(
            f"printer {printer} refused the job: {reason[-1] if reason else 'no reason given'}"
        )
    return done.stdout.strip()
