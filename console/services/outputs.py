"""Files the commands write for a person to take away: backups, exports, letters, reports.

One rule for all of them: never through a symbolic link (a link planted at the target
name, or one left dangling, would send patient data wherever it points), and created
0600, or 0640 owned by the configured group on a shared surgery server.
"""

from __future__ import annotations

import grp
import os
from pathlib import Path

from console.services.errors import ServiceError


class UnsafeOutput(ServiceError):
    """The output path is a symbolic link (exit status 3): nothing was written."""


def refuse_link(*paths: Path) -> None:
    """Refuse a target that is a symbolic link, dangling or not (lstat, never followed)."""
    for path in paths:
        if path.is_symlink():
            raise UnsafeOutput(
                f"{path} is a symbolic link; give the path of a plain file (nothing was written)"
            )


def mode_for(group: str | None) -> int:
    return 0o640 if group else 0o600


def create(path: Path, group: str | None = None) -> int:
    """A new file at `path` (never an existing name, never through a link), mode exact."""
    mode = mode_for(group)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        if group:
            os.fchown(fd, -1, grp.getgrnam(group).gr_gid)
        os.fchmod(fd, mode)  # the umask may have taken bits off
    except BaseException:
        os.close(fd)
        raise
    return fd


def set_private(path: Path, group: str | None = None) -> None:
    """Give a file something else created (SQLite's backup target) the output mode."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    try:
        if group:
            os.fchown(fd, -1, grp.getgrnam(group).gr_gid)
        os.fchmod(fd, mode_for(group))
    finally:
        os.close(fd)


def readable_by(group: str | None) -> str:
    return f"readable by you and the group {group}" if group else "readable by you only"
