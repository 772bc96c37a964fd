"""`recovery-console [--db PATH|URL] [COMMAND]`: the console, or a command without a UI.

Exit status (SPEC §6): 0 success; 1 a check found a problem; 2 bad input or usage;
3 refused (role, a database newer than the code, an unsafe file). Reasons go to stderr.
Nothing here imports Textual except the branch that opens the console.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from console.cli_commands import (
    BAD_INPUT,
    OK,
    PROBLEM,
    REFUSED,
    CliError,
    anchor_for,
    output_file,
)
from console.services.errors import Invalid

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from console.config import MachineSettings
    from console.services import Services


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="recovery-console",
        description="Recovery-oriented care for people on opioid substitution treatment.",
    )
    parser.add_argument("--db", metavar="PATH|URL", help="database file or URL")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("init", help="create the database, or upgrade an older one")
    demo = sub.add_parser("demo", help="fill an empty database with a demonstration caseload")
    demo.add_argument("--patients", type=int, default=300, metavar="N")
    demo.add_argument("--seed", type=int, default=1, metavar="S")

    staff = sub.add_parser("staff", help="members of staff and their roles")
    staff_sub = staff.add_subparsers(dest="staff_command", metavar="ACTION", required=True)
    add = staff_sub.add_parser("add", help="add a member of staff")
    add.add_argument("login")
    add.add_argument("--name", required=True)
    add.add_argument("--role", action="append", required=True, dest="roles")
    add.add_argument("--title", default="", help="professional title, e.g. GP or Nurse")
    staff_sub.add_parser("list", help="list staff")
    set_ = staff_sub.add_parser("set", help="change roles, or make an account inactive")
    set_.add_argument("login")
    set_.add_argument("--role", action="append", dest="roles")
    set_.add_argument("--title", help="professional title printed under a signature")
    set_.add_argument("--inactive", action="store_true")
    set_.add_argument("--active", action="store_true")

    imp = sub.add_parser("import", help="import patients from a CSV file")
    imp.add_argument("what", choices=["patients"])
    imp.add_argument("file", type=Path)
    exp = sub.add_parser(
        "export",
        help="export patients to a CSV file, or one patient's record (subject access)",
        usage="%(prog)s patients FILE | record NHS_NUMBER FILE [options]",
    )
    exp.add_argument("what", choices=["patients", "record"])
    exp.add_argument("file", type=Path, metavar="FILE|NHS_NUMBER")
    exp.add_argument("record_file", type=Path, nargs="?", metavar="FILE", help=argparse.SUPPRESS)
    exp.add_argument("--force", action="store_true", help="replace an existing FILE")

    letters = sub.add_parser("letters", help="letters in batches")
    letters_sub = letters.add_subparsers(dest="letters_command", metavar="ACTION", required=True)
    recall = letters_sub.add_parser("recall", help="one PDF of recall and invitation letters")
    recall.add_argument("--due-within", type=_days, required=True, metavar="DAYS")
    recall.add_argument("--out", type=Path, metavar="FILE", help="default: the letters folder")
    recall.add_argument("--force", action="store_true", help="replace an existing --out FILE")
    recall.add_argument("--print", action="store_true", help="send it to the configured printer")
    recall.add_argument(
        "--include-recent",
        action="store_true",
        help="also patients sent a recall letter in the last 14 days (skipped otherwise)",
    )

    from console import cli_operations

    cli_operations.add_export_record_options(exp)
    cli_operations.add_backup_parser(sub)
    cli_operations.add_restore_parser(sub)

    from console import cli_check

    cli_check.add_parser(sub)
    from console import cli_report

    cli_report.add_parser(sub)
    audit = sub.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", help="check the whole hash chain against its anchor")
    anchor = audit_sub.add_parser(
        "anchor", help="anchor the head of a chain that has no anchor (checked; audited)"
    )
    anchor.add_argument("--reason", required=True, help="why it had none (kept in the log)")
    return parser


def _is_text(arg: str) -> bool:
    """False for bytes that were not UTF-8 (Python hands them over as lone surrogates)."""
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


MAX_DAYS = 36_600  # a hundred years: beyond that a number of days is a typing slip


def _days(text: str) -> int:
    """A number of days for argparse: a bad one is a usage error (exit 2), never a crash."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 0 <= value <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"a number of days from 0 to {MAX_DAYS:,}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    if not all(_is_text(arg) for arg in given):
        print("recovery-console: arguments must be UTF-8 text", file=sys.stderr)
        return BAD_INPUT
    try:
        args = parser.parse_args(given)
    except SystemExit as exc:  # argparse: usage errors are status 2, --help is 0
        return int(exc.code or 0)
    try:
        return _run(args)
    except CliError as exc:
        print(f"recovery-console: {exc}", file=sys.stderr)
        return exc.status
    except KeyboardInterrupt:
        return BAD_INPUT
    except Invalid as exc:  # the service's own check of what was given: names the field
        print(f"recovery-console: {exc}", file=sys.stderr)
        return BAD_INPUT
    except Exception as exc:
        # A database error's text can quote the row it choked on: name the kind only.
        print(
            f"recovery-console: unexpected {type(exc).__name__}; nothing was half-written "
            "(every change is one transaction). Please report it with the time it happened.",
            file=sys.stderr,
        )
        return PROBLEM


def _run(args: argparse.Namespace) -> int:
    from console import config

    try:
        settings = config.load(args.db)
    except config.UnsafeConfigError as exc:
        raise CliError(str(exc), REFUSED) from exc
    except config.ConfigError as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    # Files this process creates (database journals, letters, backups) stay private.
    os.umask(0o007 if settings.group else 0o077)
    creates = args.command in (None, "init", "demo")
    services, bootstrapped = _open(settings, create=creates, command=args.command)
    if bootstrapped:
        print(
            f"You ({services.staff.login}) are the first member of staff on this database "
            "and have been made admin.",
            file=sys.stderr,
        )
    if args.command is None:
        from console.app import RecoveryConsole

        RecoveryConsole(
            services, bootstrapped=bootstrapped, lock_minutes=settings.lock_minutes
        ).run()
        return OK
    from console import cli_commands

    handlers = {
        **cli_commands.HANDLERS,
        "check": _check,
        "report": _report,
        "backup": _operations("backup"),
        "restore": _operations("restore"),
    }
    handler = handlers[args.command]
    return handler(services, settings, args)


def _operations(name: str):  # type: ignore[no-untyped-def]
    from console import cli_operations

    return getattr(cli_operations, name)


def _report(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console import cli_report
    from console.services.errors import Forbidden

    try:
        return cli_report.run(services, settings, args, output_file)
    except cli_report.BadInput as exc:
        raise CliError(str(exc), BAD_INPUT) from exc
    except Forbidden as exc:  # a role without reports (reception): refused, exit 3
        raise CliError(str(exc), REFUSED) from exc


def _check(services: Services, settings: MachineSettings, args: argparse.Namespace) -> int:
    from console import cli_check

    return cli_check.run(services, repair=args.repair)


def _open(settings: MachineSettings, *, create: bool, command: str | None) -> tuple[Services, bool]:
    """Engine, schema check, identity; every refusal becomes a CliError with its status."""
    from console.identity import os_login
    from console.services import Services
    from console.services.errors import ServiceError, UnknownStaff
    from db.engine import UnsafeDatabaseError, make_engine
    from db.migrate import SchemaState, schema_state, upgrade

    try:
        engine = make_engine(settings.database, group=settings.group, create=create)
    except UnsafeDatabaseError as exc:
        raise CliError(str(exc), REFUSED) from exc
    except FileNotFoundError as exc:
        raise CliError(
            f"no database at {exc}; create one with: recovery-console init", BAD_INPUT
        ) from exc
    except Exception as exc:  # a URL that cannot be used: say which setting, not the password
        raise CliError(f"cannot open the database ({type(exc).__name__})", BAD_INPUT) from exc
    _hold_open(engine, settings)
    state = schema_state(engine)
    if state is SchemaState.NEWER:
        raise CliError(
            "this database was written by a newer version of Recovery Console; "
            "upgrade the console before using it",
            REFUSED,
        )
    # `init` upgrades; so does opening the console as the practice's admin (it is the
    # same decision, and `make run` after an update should not stop there).
    upgrades = command in ("init", None)
    if state is SchemaState.OLDER and not upgrades:
        raise CliError(
            "this database needs upgrading: ask the practice manager to run "
            "'recovery-console init'",
            REFUSED,
        )
    if state is SchemaState.EMPTY:
        if not create:
            raise CliError("the database is not set up yet: run 'recovery-console init'", BAD_INPUT)
        upgrade(engine)
    services = Services(engine, login=os_login(settings.service_account))
    services.uow.anchor = anchor_for(settings)
    try:
        identity = services.identify()
    except UnknownStaff as exc:
        raise CliError(str(exc), REFUSED) from exc
    except ServiceError as exc:
        raise CliError(str(exc), REFUSED) from exc
    if state is SchemaState.OLDER:
        _upgrade_older(services, engine)
        if command is None:
            print("Database upgraded to this version of Recovery Console.", file=sys.stderr)
    return services, identity.bootstrapped


def _hold_open(engine: Engine, settings: MachineSettings) -> None:
    """Count this process among those with the database open (a restore waits for none)."""
    from db import locks
    from db.engine import sqlite_path

    path = sqlite_path(str(engine.url))
    if path is None:
        return
    try:
        locks.hold(path, group=settings.group)
    except locks.RestoreUnderWay as exc:
        raise CliError(str(exc), REFUSED) from exc


def _upgrade_older(services: Services, engine: Engine) -> None:
    from console.services.errors import Forbidden
    from console.services.roles import Action
    from db.migrate import BackupCheckFailed, backup_before_upgrade, upgrade

    try:
        services.uow.require(services.staff, Action.DATA_ADMIN)
    except Forbidden as exc:
        raise CliError(
            "this database needs upgrading: ask the practice manager to run "
            "'recovery-console init'",
            REFUSED,
        ) from exc
    try:
        saved = backup_before_upgrade(engine, _audit_check(services))
    except BackupCheckFailed as exc:
        raise CliError(str(exc), PROBLEM) from exc
    if saved is not None:
        print(f"Backed up to {saved} before upgrading.", file=sys.stderr)
    upgrade(engine)


def _audit_check(services: Services):  # type: ignore[no-untyped-def]
    """The audit chain of a backup taken before an upgrade, against the live anchor."""
    from sqlmodel import Session

    from console.services import audit
    from console.services.anchor import AnchorError

    def check(copy: Engine) -> str:
        try:
            mark = services.uow.anchor.read() if services.uow.anchor else None
        except AnchorError as exc:
            return str(exc)
        with Session(copy) as session:
            return audit.verify(session, mark).problem

    return check
