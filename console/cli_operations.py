"""The practice manager's commands: `backup`, `restore` and `export record` (SPEC §6).

Parsers and handlers live here so that console/cli.py stays a short dispatcher; the
work itself is in the services (console/services/backup.py, restore.py,
subject_access.py). Exit statuses are those of console.cli.
"""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import MachineSettings
    from console.services import Services

Handler = Callable[["Services", "MachineSettings", argparse.Namespace], int]


# The exit statuses of console/cli.py (SPEC §6); this module does not import it.
OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3


class CliError(Exception):
    """A refusal: its message goes to stderr, its status is the exit status."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def _reported(handler: Handler) -> Handler:
    @functools.wraps(handler)
    def run(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
        try:
            return handler(services, settings, args)
        except CliError as exc:
            print(f"recovery-console: {exc}", file=sys.stderr)
            return exc.status

    return run


def add_backup_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    backup = sub.add_parser("backup", help="a verified backup of the database")
    backup.add_argument("file", type=Path, metavar="FILE|DIR")
    backup.add_argument(
        "--keep",
        type=int,
        metavar="N",
        help="write a dated backup into the folder DIR and keep only the newest N",
    )
    backup.add_argument("--force", action="store_true", help="replace an existing FILE")


@_reported
def backup(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.backup import NotSqlite, OutputExists, VerificationFailed
    from console.services.errors import Forbidden, ServiceError
    from console.services.outputs import UnsafeOutput

    try:
        if args.keep is not None:
            done = services.backups.scheduled(args.file, args.keep, group=settings.group)
        else:
            if not args.file.parent.is_dir():
                raise CliError(f"no such folder: {args.file.parent}", BAD_INPUT)
            done = services.backups.backup(args.file, force=args.force, group=settings.group)
    except (Forbidden, NotSqlite, UnsafeOutput) as exc:
        raise CliError(str(exc), REFUSED) from exc
    except VerificationFailed as exc:
        raise CliError(f"backup failed verification, nothing was kept: {exc}", PROBLEM) from exc
    except (OutputExists, ServiceError) as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    megabytes = done.bytes / 1_000_000
    print(
        f"Backup good: {done.path} ({megabytes:,.1f} MB; integrity check passed; audit log "
        f"intact, {done.verified.events:,} events; head anchored in {done.anchor.name})."
    )
    for old in done.pruned:
        print(f"Removed the older backup {old.name}.")
    return OK


def add_export_record_options(export: argparse.ArgumentParser) -> None:
    """`export record NHS_NUMBER FILE`: the options beside `export patients FILE`."""
    export.add_argument(
        "--format", choices=["pdf", "json"], default="pdf", help="export record: pdf or json"
    )
    export.add_argument(
        "--include-third-parties",
        action="store_true",
        help="export record: include family and supporters' details and corroboration text",
    )


@_reported
def export_record(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.errors import Forbidden, Invalid, NotFound, ServiceError
    from console.services.outputs import UnsafeOutput, readable_by
    from console.services.subject_access import OutputExists

    if args.record_file is None:
        raise CliError("export record takes an NHS number and a FILE", BAD_INPUT)
    try:
        done = services.subject_access.export(
            str(args.file),
            args.record_file,
            fmt=args.format,
            third_parties=args.include_third_parties,
            force=args.force,
            group=settings.group,
        )
    except (Forbidden, UnsafeOutput) as exc:
        raise CliError(str(exc), REFUSED) from exc
    except (Invalid, NotFound, OutputExists, ServiceError) as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    withheld = (
        f"{done.withheld:,} third-party details withheld" if done.withheld else "nothing withheld"
    )
    print(
        f"Record exported to {done.path} ({done.format.upper()}, {readable_by(settings.group)}; "
        f"{withheld}). The export is recorded in the audit log."
    )
    return OK


def add_restore_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    restore = sub.add_parser("restore", help="replace the database with a verified backup")
    restore.add_argument("file", type=Path, metavar="FILE")
    restore.add_argument("--yes", action="store_true", help="confirm without asking (scripts)")


@_reported
def restore(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.backup import NotSqlite, VerificationFailed
    from console.services.errors import Forbidden, Refused, ServiceError

    try:
        plan = services.restores.check(args.file)
        if not args.yes:
            _confirm(plan.database, plan.source, plan.verified.events, plan.last_event_at)
        done = services.restores.restore(plan, group=settings.group)
    except VerificationFailed as exc:
        raise CliError(f"backup failed verification: {exc}", PROBLEM) from exc
    except (Forbidden, NotSqlite, Refused) as exc:
        raise CliError(str(exc), REFUSED) from exc
    except ServiceError as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    print(
        f"Restored {done.database} from {args.file}; the restore is audited there and the "
        f"audit head re-anchored at event {done.head:,}. The database it replaced is kept "
        f"as {done.kept}."
    )
    if done.needs_init:
        print("That backup is from an older version: run 'recovery-console init' now.")
    return OK


def _confirm(database: Path, source: Path, events: int, last_at: str) -> None:
    if not sys.stdin.isatty():
        raise CliError("a restore replaces the database: add --yes to confirm it", BAD_INPUT)
    when = last_at[:16].replace("T", " ") + " UTC" if last_at else "an unknown time"
    print(
        f"This replaces {database} with the backup {source} ({events:,} audit events, the "
        f"last at {when}). Everything written since that backup will be gone from the "
        "database (the replaced file is kept beside it).",
        file=sys.stderr,
    )
    answer = input("Type 'restore' to go ahead: ")
    if answer.strip().lower() != "restore":
        raise CliError("not confirmed; nothing was restored", BAD_INPUT)
