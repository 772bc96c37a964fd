"""The command line's data commands: `init`, `demo`, `staff`, `import`, `export`,
`letters` and `audit` (SPEC §6), and the exit statuses and checks every command shares.

console/cli.py parses and dispatches; each handler here takes the open services, the
machine settings and the parsed arguments and returns the exit status, or raises
`CliError` with it. The services do the work; their imports wait until a command runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.config import MachineSettings
    from console.services import Services

OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3


class CliError(Exception):
    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def init(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    print(f"Database ready: {where(settings)}")
    return OK


def demo(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.errors import Forbidden, Invalid, Refused

    try:
        summary = services.demo.load(args.patients, seed=args.seed)
    except Invalid as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    except (Refused, Forbidden) as exc:
        raise CliError(str(exc), REFUSED) from exc
    print(
        f"Demonstration data loaded: {summary.patients:,} patients, {summary.reviews:,} reviews "
        f"in {where(settings)}"
    )
    return OK


def staff(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.errors import Forbidden, Invalid, NotFound

    try:
        if args.staff_command == "list":
            for member in services.staff_admin.list():
                state = "" if member.active else "  (inactive)"
                title = f"  [{member.title}]" if member.title else ""
                print(f"{member.login:<16} {member.name:<28} {member.roles_text}{title}{state}")
        elif args.staff_command == "add":
            member = services.staff_admin.add(args.login, args.name, args.roles, args.title)
            print(f"Added {member.login} ({member.roles_text})")
        else:
            if args.active and args.inactive:
                raise CliError("choose --active or --inactive, not both", BAD_INPUT)
            if not (args.roles or args.active or args.inactive or args.title is not None):
                raise CliError(
                    "say what to change: --role ROLE, --title TITLE, --active or --inactive",
                    BAD_INPUT,
                )
            active = True if args.active else (False if args.inactive else None)
            member = services.staff_admin.set(
                args.login, roles=args.roles, active=active, title=args.title
            )
            state = "" if member.active else ", inactive"
            print(f"Updated {member.login} ({member.roles_text}{state})")
    except (Invalid, NotFound) as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    except Forbidden as exc:
        raise CliError(str(exc), REFUSED) from exc
    return OK


def import_(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.errors import Forbidden
    from console.services.transfer import ImportRejected

    if not args.file.is_file():
        raise CliError(f"no such file: {args.file}", BAD_INPUT)
    try:
        added = services.transfer.import_patients(args.file)
    except ImportRejected as exc:
        for error in exc.errors:
            print(error, file=sys.stderr)
        raise CliError(str(exc), BAD_INPUT) from exc
    except Forbidden as exc:
        raise CliError(str(exc), REFUSED) from exc
    print(f"Imported {added:,} patients.")
    return OK


def export(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    if args.what == "record":
        from console import cli_operations

        return cli_operations.export_record(services, settings, args)
    if args.record_file is not None:
        raise CliError("export patients takes one FILE", BAD_INPUT)
    from console.services.errors import Forbidden
    from console.services.outputs import UnsafeOutput, readable_by
    from console.services.transfer import OutputExists

    output_file(args.file, args.force)
    try:
        written = services.transfer.export_patients(
            args.file, force=args.force, group=settings.group
        )
    except OutputExists as exc:
        raise CliError(f"{exc}; add --force to replace it", BAD_INPUT) from exc
    except (Forbidden, UnsafeOutput) as exc:
        raise CliError(str(exc), REFUSED) from exc
    print(f"Exported {written:,} patients to {args.file} ({readable_by(settings.group)}).")
    return OK


def letters(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    """`letters recall`: signed by whoever runs it; skipped patients on stderr."""
    from console.format import nhs
    from console.services.errors import Forbidden, Refused
    from console.services.letters import LetterOutput, NothingToProduce
    from console.services.outputs import UnsafeOutput

    if args.out is not None and output_file(args.out, args.force):
        args.out.unlink()  # --force: the batch is then written as a new private file
    services.letters.output = LetterOutput(settings.letters_dir, settings.printer, settings.group)
    try:
        ids = services.worklist.recall_ids(args.due_within)
        if not ids:
            print(f"No reviews or check-ups due within {args.due_within} days: no letters.")
            return OK
        again = set(ids) if args.include_recent else ()
        produced = services.letters.recall_batch(ids, send=args.print, out=args.out, again=again)
    except NothingToProduce as exc:
        for s in exc.skipped:
            print(f"skipped {s.name} ({nhs(s.nhs_number)}): {s.reason}", file=sys.stderr)
        raise CliError(str(exc), REFUSED) from exc
    except (Forbidden, Refused, UnsafeOutput) as exc:
        raise CliError(str(exc), REFUSED) from exc
    for s in produced.skipped:
        print(f"skipped {s.name} ({nhs(s.nhs_number)}): {s.reason}", file=sys.stderr)
    print(f"{produced.letters:,} letters in {produced.path} ({len(produced.skipped):,} skipped).")
    if args.print and not produced.printed:
        print(produced.print_message, file=sys.stderr)
        return PROBLEM if settings.printer else OK
    if produced.printed:
        print(produced.print_message)
    return OK


def audit(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console.services.anchor import AnchorError
    from console.services.errors import Forbidden, Refused

    try:
        if args.audit_command == "anchor":
            mark = services.audit_log.reanchor(args.reason)
            print(f"Audit head anchored at event {mark.event_id:,}.")
            return OK
        result = services.audit_log.verify()
    except (Forbidden, Refused, AnchorError) as exc:
        raise CliError(str(exc), REFUSED) from exc
    if not result.ok:
        print(f"Audit log damaged: {result.problem}.", file=sys.stderr)
        return PROBLEM
    print(f"Audit log intact: {result.events:,} events.")
    if result.anchored_at is not None and result.anchored_at != result.last_id:
        print(f"Anchored at event {result.anchored_at:,} of {result.last_id:,}.")
    if result.notice:
        print(f"Note: {result.notice}.", file=sys.stderr)
    return OK


def anchor_for(settings: MachineSettings):  # type: ignore[no-untyped-def]
    """Beside a SQLite file, or in the state_dir named in /etc (service account, server)."""
    from console.services import anchor
    from db.engine import to_url

    return anchor.for_database(
        to_url(settings.database), state_dir=settings.state_dir, group=settings.group
    )


def output_file(path: Path, force: bool) -> bool:
    """Refuse an output path that is unsafe or taken; True when --force will replace it."""
    if path.is_symlink():
        raise CliError(f"{path} is a symbolic link; give the path of a plain file", REFUSED)
    if not path.parent.is_dir():
        raise CliError(f"no such folder: {path.parent}", BAD_INPUT)
    if path.exists() and not path.is_file():
        raise CliError(f"{path} exists and is not a file", BAD_INPUT)
    if path.exists() and not force:
        raise CliError(f"{path} already exists; add --force to replace it", BAD_INPUT)
    return path.exists()


def where(settings: MachineSettings) -> str:
    from db.engine import sqlite_path, to_url

    path = sqlite_path(to_url(settings.database))
    return str(path) if path else "the configured database"


HANDLERS = {
    "init": init,
    "demo": demo,
    "staff": staff,
    "import": import_,
    "export": export,
    "audit": audit,
    "letters": letters,
}
