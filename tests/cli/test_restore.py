"""`restore FILE`: the backup → restore drill, and every refusal (SPEC §6–§7, issue 18)."""

from __future__ import annotations

import io
import os
import pty
import pwd
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from console.cli import main
from console.services import Services
from console.services.backup import NotSqlite, VerificationFailed
from console.services.errors import Forbidden, Refused, ServiceError
from db import locks
from tests.cli.test_cli import BAD_INPUT, OK, PROBLEM, REFUSED, run
from tests.conftest import StaffFactory

ME = pwd.getpwuid(os.getuid()).pw_name
HOLD = (
    "import sys, time; from pathlib import Path; from db import locks\n"
    "for _ in range(int(sys.argv[2])): locks.hold(Path(sys.argv[1]))\n"
    "print('open', flush=True); time.sleep(120)\n"
)


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(args))
    finally:
        locks.release_all()  # the command is over, as its process would be
    return status, out.getvalue(), err.getvalue()


def query(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def logins(path: Path) -> set[str]:
    return {str(r[0]) for r in query(path, "SELECT login FROM staff")}


@pytest.fixture
def backed_up(tmp_path: Path) -> tuple[Path, Path]:
    """A database with one clinician, backed up; then another clinician added after."""
    db = tmp_path / "practice.db"
    assert cli("--db", str(db), "init")[0] == OK
    assert (
        cli("--db", str(db), "staff", "add", "before", "--name", "B", "--role", "clinician")[0]
        == OK
    )
    backup = tmp_path / "b.db"
    status, _, err = cli("--db", str(db), "backup", str(backup))
    assert status == OK, err
    assert (
        cli("--db", str(db), "staff", "add", "after", "--name", "A", "--role", "clinician")[0] == OK
    )
    return db, backup


@pytest.fixture
def others(backed_up: tuple[Path, Path]) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the database open twice, as two consoles would."""
    db, _ = backed_up
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), "2"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
    yield holder
    holder.kill()
    holder.wait()


def test_drill_backup_write_restore_and_the_later_writes_are_gone(
    backed_up: tuple[Path, Path],
) -> None:
    db, backup = backed_up
    assert "after" in logins(db)
    result = run("--db", str(db), "restore", "--yes", str(backup))
    assert result.returncode == OK, result.stderr
    assert "Restored" in result.stdout and "re-anchored" in result.stdout
    assert logins(db) == {ME, "before"}
    assert query(db, "PRAGMA integrity_check") == [("ok",)]
    assert query(db, "PRAGMA journal_mode") == [("wal",)]
    verify = run("--db", str(db), "audit", "verify")
    assert verify.returncode == OK, verify.stderr
    last = query(db, "SELECT action, login FROM audit_event ORDER BY id DESC LIMIT 2")
    assert ("database.restore", ME) in last
    kept = list(db.parent.glob("practice.db.replaced-*Z"))
    assert len(kept) == 1 and "after" in logins(kept[0])
    assert (kept[0].stat().st_mode & 0o777) == 0o600
    # Writing goes on from the restored chain, and still verifies.
    assert (
        cli("--db", str(db), "staff", "add", "later", "--name", "L", "--role", "clinician")[0] == OK
    )
    assert cli("--db", str(db), "audit", "verify")[0] == OK


def test_refused_while_others_have_the_database_open_saying_how_many(
    backed_up: tuple[Path, Path], others: subprocess.Popen[str]
) -> None:
    db, backup = backed_up
    status, _, err = cli("--db", str(db), "restore", "--yes", str(backup))
    assert status == REFUSED
    assert "2 other consoles or commands have the database open" in err
    assert "after" in logins(db)
    others.kill()
    others.wait()
    assert cli("--db", str(db), "restore", "--yes", str(backup))[0] == OK


def test_every_command_counts_while_it_runs_and_not_after(backed_up: tuple[Path, Path]) -> None:
    db, _ = backed_up
    assert run("--db", str(db), "staff", "list").returncode == OK  # ran, and has gone
    assert locks.others(db) == 0
    assert [p.name for p in locks.folder_of(db).iterdir() if p.name.endswith(".lock")] == []
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["--db", str(db), "staff", "list"]) == OK
    mine = [p for p in locks.folder_of(db).iterdir() if p.name.startswith(f"{os.getpid()}-")]
    assert len(mine) == 1, "a command holds its lock for as long as its process runs"
    locks.release_all()
    assert not mine[0].exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("audit", "audit log in b.db is damaged"),
        ("row", "does not match b.db.sha256"),
        ("anchor", "disagrees with b.db.audit-head"),
        ("no-anchor", "has no b.db.audit-head"),
        ("no-checksum", "does not match b.db.sha256"),
        ("corrupt", "b.db"),
    ],
)
def test_a_tampered_corrupt_or_unanchored_backup_is_refused(
    backed_up: tuple[Path, Path], damage: str, message: str
) -> None:
    db, backup = backed_up
    anchor, checksum = Path(f"{backup}.audit-head"), Path(f"{backup}.sha256")
    if damage in ("audit", "row"):  # behind the product: someone tampers with the backup file
        conn = sqlite3.connect(backup)
        table = "audit_event SET login = 'x'" if damage == "audit" else "staff SET name = 'x'"
        conn.execute(f"UPDATE {table} WHERE id = 1")
        conn.commit()
        conn.close()
    elif damage == "anchor":
        anchor.write_text(f"1 {'0' * 64}\n")
    elif damage == "no-anchor":
        anchor.unlink()
    elif damage == "no-checksum":
        checksum.unlink()
    else:
        with backup.open("r+b") as fh:
            fh.seek(0)
            fh.write(b"not a database at all" * 50)
    status, _, err = cli("--db", str(db), "restore", "--yes", str(backup))
    assert status == PROBLEM, err
    assert "failed verification" in err and message in err
    assert "after" in logins(db)
    assert not list(db.parent.glob("practice.db.replaced-*"))


def test_restore_needs_the_admin_role(backed_up: tuple[Path, Path]) -> None:
    db, backup = backed_up
    assert cli("--db", str(db), "staff", "add", "pm", "--name", "P", "--role", "admin")[0] == OK
    assert cli("--db", str(db), "staff", "set", ME, "--role", "clinician")[0] == OK
    status, _, err = cli("--db", str(db), "restore", "--yes", str(backup))
    assert status == REFUSED and "admin" in err
    assert "after" in logins(db)


def test_without_a_terminal_it_needs_yes(backed_up: tuple[Path, Path]) -> None:
    db, backup = backed_up
    status, _, err = cli("--db", str(db), "restore", str(backup))
    assert status == BAD_INPUT and "--yes" in err
    assert "after" in logins(db)


def test_on_a_terminal_it_asks_and_anything_but_restore_keeps_the_database(
    backed_up: tuple[Path, Path],
) -> None:
    db, backup = backed_up
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "console", "--db", str(db), "restore", str(backup)],
        stdin=follower,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(follower)
    os.write(leader, b"yes please\n")
    _, err = proc.communicate(timeout=60)
    os.close(leader)
    assert proc.returncode == BAD_INPUT
    assert "Everything written since that backup will be gone" in err
    assert "not confirmed; nothing was restored" in err
    assert "after" in logins(db)


def test_restore_refusals_in_the_service(
    services: Services, as_staff: StaffFactory, tmp_path: Path
) -> None:
    if services.engine.dialect.name == "postgresql":
        with pytest.raises(NotSqlite) as refused:
            services.restores.check(tmp_path / "b.db")
        assert refused.value.command.startswith("pg_restore")
        return
    backup = tmp_path / "b.db"
    services.backups.backup(backup)
    with pytest.raises(Forbidden):
        as_staff("clinician").restores.check(backup)
    newer_admin = as_staff("admin")  # added after the backup: unknown to it
    with pytest.raises(Refused, match="not an active admin in that backup"):
        newer_admin.restores.check(backup)
    with pytest.raises(ServiceError, match="live database itself"):
        services.restores.check(Path(str(services.engine.url.database)))
    with pytest.raises(VerificationFailed, match="has no"):
        Path(f"{backup}.audit-head").unlink()
        services.restores.check(backup)
