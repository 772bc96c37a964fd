"""`backup FILE` and `backup --keep N DIR`: online, verified, anchored, private (SPEC §6–§7)."""

from __future__ import annotations

import grp
import io
import os
import pwd
import sqlite3
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa

from console.cli import main
from console.clock import FixedClock
from console.services import Services
from console.services.backup import NotSqlite, OutputExists, read_backup_anchor
from console.services.errors import Forbidden
from db import locks
from db.engine import make_engine, writer
from tests.cli.test_cli import BAD_INPUT, OK, PROBLEM, REFUSED, run
from tests.conftest import StaffFactory

ME = pwd.getpwuid(os.getuid()).pw_name


def cli(*args: str) -> tuple[int, str, str]:
    """The command line in this process (each subprocess costs seconds of start-up)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(args))
    finally:
        locks.release_all()  # the command is over, as its process would be
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.db"
    assert cli("--db", str(path), "demo", "--patients", "30")[0] == OK
    return path


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_backup_is_verified_private_and_anchored(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "nightly.db"
    result = run("--db", str(db), "backup", str(target))
    assert result.returncode == OK, result.stderr
    assert "Backup good" in result.stdout and "integrity check passed" in result.stdout
    assert (target.stat().st_mode & 0o777) == 0o600
    anchor = Path(f"{target}.audit-head")
    assert (anchor.stat().st_mode & 0o777) == 0o600
    head_id, head_hash = rows(target, "SELECT last_id, last_hash FROM audit_head")[0]
    assert read_backup_anchor(target) == (head_id, head_hash)
    assert rows(target, "PRAGMA journal_mode") == [("delete",)]  # one self-contained file
    assert rows(target, "SELECT count(*) FROM patient") == [(30,)]
    assert not Path(f"{target}-wal").exists()
    # The backup itself is audited in the live database, after the backup's head.
    actions = rows(db, "SELECT action FROM audit_event ORDER BY id DESC LIMIT 1")
    assert actions == [("database.backup",)]


def test_an_existing_file_is_refused_without_force(db: Path, tmp_path: Path) -> None:
    target = tmp_path / "b.db"
    target.write_text("an older file\n")
    refused = cli("--db", str(db), "backup", str(target))
    assert refused[0] == BAD_INPUT
    assert "--force" in refused[2]
    assert target.read_text() == "an older file\n"
    forced = cli("--db", str(db), "backup", "--force", str(target))
    assert forced[0] == OK, forced[2]
    assert rows(target, "PRAGMA integrity_check") == [("ok",)]


def test_backup_needs_the_admin_role(db: Path, tmp_path: Path) -> None:
    assert cli("--db", str(db), "staff", "add", "pm", "--name", "P. M.", "--role", "admin")[0] == OK
    assert cli("--db", str(db), "staff", "set", ME, "--role", "clinician")[0] == OK
    status, _, err = cli("--db", str(db), "backup", str(tmp_path / "b.db"))
    assert status == REFUSED
    assert "Not allowed" in err and "admin" in err
    assert not (tmp_path / "b.db").exists()


def test_a_damaged_audit_log_fails_verification_and_nothing_is_kept(
    db: Path, tmp_path: Path
) -> None:
    engine = make_engine(db, create=False)
    with writer(engine).begin() as conn:  # someone edits a row behind the console's back
        conn.exec_driver_sql("UPDATE audit_event SET login = 'nobody' WHERE id = 1")
    engine.dispose()
    target = tmp_path / "b.db"
    status, out, err = cli("--db", str(db), "backup", str(target))
    assert status == PROBLEM
    assert "failed verification" in err and "audit log" in err
    assert "Backup good" not in out
    assert list(tmp_path.glob("*b.db*")) == []


def test_group_mode_follows_the_configured_group(sqlite_url: str, tmp_path: Path) -> None:
    group = grp.getgrgid(os.getgid()).gr_name
    engine = make_engine(sqlite_url, create=False)
    services = Services(engine, login="tester")
    done = services.backups.backup(tmp_path / "b.db", group=group)
    engine.dispose()
    assert (done.path.stat().st_mode & 0o777) == 0o640
    assert (done.anchor.stat().st_mode & 0o777) == 0o640
    assert done.path.stat().st_gid == grp.getgrnam(group).gr_gid


def test_scheduled_backups_are_dated_and_pruned_to_the_newest(
    sqlite_url: str, tmp_path: Path
) -> None:
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup\n")
    engine = make_engine(sqlite_url, create=False)
    made = []
    for day in (1, 2, 3):
        at = pendulum.datetime(2026, 11, day, 2, 0, tz="UTC")
        services = Services(engine, login="tester", clock=FixedClock(at))
        done = services.backups.scheduled(folder, keep=2)
        made.append(done.path.name)
    engine.dispose()
    assert made[0] == "recovery-console-20261101-020000Z.db"
    kept = sorted(p.name for p in folder.iterdir())
    assert kept == [
        "notes.txt",
        f"{made[1]}",
        f"{made[1]}.audit-head",
        f"{made[1]}.sha256",
        f"{made[2]}",
        f"{made[2]}.audit-head",
        f"{made[2]}.sha256",
    ]


def test_keep_needs_a_folder_and_a_positive_count(db: Path, tmp_path: Path) -> None:
    missing = cli("--db", str(db), "backup", "--keep", "3", str(tmp_path / "absent"))
    assert missing[0] == BAD_INPUT and "no such folder" in missing[2]
    zero = cli("--db", str(db), "backup", "--keep", "0", str(tmp_path))
    assert zero[0] == BAD_INPUT and "1 or more" in zero[2]


def test_others_keep_writing_during_a_backup(sqlite_url: str, tmp_path: Path) -> None:
    engine = make_engine(sqlite_url, create=False)
    services = Services(engine, login="tester")
    services.identify()
    services.staff_admin.add("writer", "Writer", ["admin"])
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.services.concurrent_writer", sqlite_url, "writer", "1", "60"]
    )
    try:
        done = services.backups.backup(tmp_path / "b.db")
    finally:
        assert worker.wait(timeout=120) == 0
    assert done.verified.events >= 2
    later = rows(Path(sa.make_url(sqlite_url).database or ""), "SELECT count(*) FROM patient")
    assert later == [(60,)]
    engine.dispose()


def test_backup_refusals_in_the_service(
    services: Services, as_staff: StaffFactory, tmp_path: Path
) -> None:
    clinician = as_staff("clinician")
    with pytest.raises(Forbidden):
        clinician.backups.backup(tmp_path / "b.db")
    if services.engine.dialect.name == "postgresql":
        with pytest.raises(NotSqlite) as refused:
            services.backups.backup(tmp_path / "b.db")
        assert refused.value.command.startswith("pg_dump --format=custom")
        assert "docs/operations.md" in str(refused.value)
        return
    services.backups.backup(tmp_path / "b.db")
    with pytest.raises(OutputExists):
        services.backups.backup(tmp_path / "b.db")
