"""The command line as a user runs it: real processes, real files, exit codes of SPEC §6."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from db.engine import make_engine, writer

OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.db"
    assert run("--db", str(path), "init").returncode == OK
    return path


def test_init_creates_a_private_database_and_makes_the_first_account_admin(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    result = run("--db", str(path), "init")
    assert result.returncode == OK, result.stderr
    assert "made admin" in result.stderr
    assert (path.stat().st_mode & 0o777) == 0o600
    again = run("--db", str(path), "init")
    assert again.returncode == OK and "made admin" not in again.stderr


def test_database_precedence_env_over_default(tmp_path: Path) -> None:
    path = tmp_path / "from-env.db"
    result = run("init", env={"RECOVERY_CONSOLE_DB": str(path)})
    assert result.returncode == OK and path.exists()
    other = tmp_path / "from-option.db"
    result = run("--db", str(other), "init", env={"RECOVERY_CONSOLE_DB": str(path)})
    assert result.returncode == OK and other.exists()


def test_database_from_user_config_file(tmp_path: Path) -> None:
    path = tmp_path / "from-config.db"
    config = Path(os.environ["XDG_CONFIG_HOME"]) / "recovery-console" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(f'database = "{path}"\n')
    assert run("init").returncode == OK
    assert path.exists()


def test_staff_add_list_set(db: Path) -> None:
    added = run(
        "--db", str(db), "staff", "add", "kross", "--name", "K. Ross", "--role", "recovery_worker"
    )
    assert added.returncode == OK, added.stderr
    listed = run("--db", str(db), "staff", "list")
    assert "kross" in listed.stdout and "recovery_worker" in listed.stdout
    changed = run(
        "--db", str(db), "staff", "set", "kross", "--role", "clinician", "--role", "admin"
    )
    assert changed.returncode == OK and "admin, clinician" in changed.stdout
    gone = run("--db", str(db), "staff", "set", "kross", "--inactive")
    assert gone.returncode == OK and "inactive" in gone.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("staff", "add", "kross", "--name", "K. Ross", "--role", "wizard"),
        ("staff", "set", "nobody", "--role", "clinician"),
        ("staff", "set", "tester"),
        ("frobnicate",),
        ("demo", "--patients", "0"),
        ("demo", "--patients", "many"),
    ],
)
def test_bad_input_exits_2(db: Path, args: tuple[str, ...]) -> None:
    result = run("--db", str(db), *args)
    assert result.returncode == BAD_INPUT, result.stderr
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr


def test_unknown_account_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    from console.services import Services
    from db.migrate import upgrade

    # A database someone else set up: they are its first account, and this user is not staff.
    path = tmp_path / "theirs.db"
    engine = make_engine(path, create=True)
    upgrade(engine)
    Services(engine, login="someone-else").identify()
    engine.dispose()
    result = run("--db", str(path), "staff", "list")
    assert result.returncode == REFUSED
    assert "not an active member of staff" in result.stderr


def test_role_refusal_exits_3(db: Path) -> None:
    from console.identity import os_login

    # Another admin takes over; this account (the first) becomes reception.
    added = run("--db", str(db), "staff", "add", "pm", "--name", "P. Manager", "--role", "admin")
    assert added.returncode == OK, added.stderr
    demoted = run("--db", str(db), "staff", "set", os_login(""), "--role", "reception")
    assert demoted.returncode == OK, demoted.stderr
    result = run("--db", str(db), "audit", "verify")
    assert result.returncode == REFUSED
    assert "Not allowed" in result.stderr and "admin" in result.stderr


def test_newer_database_is_refused(db: Path) -> None:
    engine = make_engine(db, create=False)
    # Behind the product: simulates a database a newer version has migrated.
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    engine.dispose()
    result = run("--db", str(db), "staff", "list")
    assert result.returncode == REFUSED
    assert "newer version" in result.stderr


def test_world_readable_database_is_refused(db: Path) -> None:
    db.chmod(0o644)
    result = run("--db", str(db), "staff", "list")
    assert result.returncode == REFUSED
    assert "chmod" in result.stderr


def test_uninitialised_database_asks_for_init(tmp_path: Path) -> None:
    result = run("--db", str(tmp_path / "missing.db"), "staff", "list")
    assert result.returncode == BAD_INPUT
    assert "recovery-console init" in result.stderr


def test_audit_verify_finds_tampering(db: Path) -> None:
    assert run("--db", str(db), "audit", "verify").returncode == OK
    engine = make_engine(db, create=False)
    with writer(engine).begin() as conn:  # behind the product: tampering, as an attacker would
        conn.exec_driver_sql("UPDATE audit_event SET action = 'nothing.happened'")
    engine.dispose()
    result = run("--db", str(db), "audit", "verify")
    assert result.returncode == PROBLEM
    assert "damaged" in result.stderr


def test_audit_verify_finds_a_cut_tail(db: Path) -> None:
    run("--db", str(db), "staff", "add", "kross", "--name", "K. Ross", "--role", "clinician")
    assert run("--db", str(db), "audit", "verify").returncode == OK  # anchors the head
    engine = make_engine(db, create=False)
    with writer(engine).begin() as conn:  # behind the product: an attacker cuts the tail
        conn.exec_driver_sql("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
        conn.exec_driver_sql(
            "UPDATE audit_head SET last_id = (SELECT max(id) FROM audit_event), "
            "last_hash = (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1)"
        )
    engine.dispose()
    result = run("--db", str(db), "audit", "verify")
    assert result.returncode == PROBLEM
    assert "cut from the end" in result.stderr


def _older(tmp_path: Path) -> Path:
    from db.migrate import upgrade

    path = tmp_path / "older.db"
    engine = make_engine(path, create=True)
    upgrade(engine, "0004_checkups")
    engine.dispose()
    return path


def test_older_database_is_upgraded_by_the_admin_opening_the_console(tmp_path: Path) -> None:
    from console.cli import _open
    from console.config import MachineSettings
    from db.migrate import SchemaState, schema_state

    path = _older(tmp_path)
    result = run("--db", str(path), "staff", "list")  # a command never upgrades
    assert result.returncode == REFUSED and "needs upgrading" in result.stderr
    settings = MachineSettings(database=str(path), database_source="--db")
    services, _ = _open(settings, create=False, command=None)  # what the console does
    assert schema_state(services.engine) is SchemaState.CURRENT
    assert list(tmp_path.glob("older.db*.bak"))  # a checked copy from before the upgrade


def test_older_database_is_not_upgraded_by_other_staff(tmp_path: Path) -> None:
    from console.identity import os_login
    from console.services import Services

    path = _older(tmp_path)
    engine = make_engine(path, create=False)
    Services(engine, login=os_login("")).identify()  # the first account, then not admin
    # Written behind the product: an older version's schema, which today's services cannot write.
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("UPDATE staff SET roles = 'reception'")
    engine.dispose()
    result = run("--db", str(path))  # the console: refused before any screen opens
    assert result.returncode == REFUSED
    assert "ask the practice manager to run 'recovery-console init'" in result.stderr


def test_a_demo_caseload_has_every_row_cache_the_one_derivation_gives(tmp_path: Path) -> None:
    """Whatever its size, a demonstration (and so a benchmark) caseload holds the caches a
    practice's own writes would have made: `check` finds nothing to repair."""
    path = tmp_path / "demo.db"
    assert run("--db", str(path), "demo", "--patients", "120").returncode == OK
    checked = run("--db", str(path), "check")
    assert checked.returncode == OK, checked.stdout + checked.stderr
    assert "Row caches right for all 120 patients." in checked.stdout
