"""Output files (issue 18): no command writes through a symbolic link, dangling or not, and
what they create is 0600, or 0640 with the configured group."""

from __future__ import annotations

import grp
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from db import locks
from tests.cli.helpers import cli

OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3
NHS = "{nhs}"


@pytest.fixture(scope="module")
def pristine_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    path = tmp_path_factory.mktemp("out") / "practice.db"
    assert cli("--db", str(path), "demo", "--patients", "8").returncode == OK
    locks.release_all()
    import sqlite3

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    nhs = conn.execute("SELECT nhs_number FROM patient ORDER BY id LIMIT 1").fetchone()[0]
    conn.close()
    yield str(path), nhs


def copy_practice(db: str, dest: Path, mode: int = 0o600) -> str:
    """A copy of the demo practice with its audit anchor: a letter sent by one test must
    not make the next one skip that patient (a recall letter within 14 days)."""
    dest.write_bytes(Path(db).read_bytes())
    dest.chmod(mode)
    anchor = Path(f"{db}.audit-head")
    if anchor.exists():
        Path(f"{dest}.audit-head").write_bytes(anchor.read_bytes())
        Path(f"{dest}.audit-head").chmod(mode)
    return str(dest)


@pytest.fixture
def demo_db(pristine_db: tuple[str, str], tmp_path: Path) -> tuple[str, str]:
    db, nhs = pristine_db
    return copy_practice(db, tmp_path / "practice.db"), nhs


def run(db: str, nhs: str, args: tuple[str, ...], target: Path) -> tuple[int, str]:
    try:
        result = cli("--db", db, *(a.format(out=target, nhs=nhs) for a in args))
    finally:
        locks.release_all()
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    return result.returncode, result.stderr


COMMANDS = [
    ("backup", "{out}"),
    ("backup", "{out}", "--force"),
    ("export", "record", NHS, "{out}"),
    ("export", "record", NHS, "{out}", "--format", "json", "--force"),
    ("export", "patients", "{out}", "--force"),
    ("letters", "recall", "--due-within", "400", "--out", "{out}", "--force"),
    ("report", "indicators", "--out", "{out}", "--force"),
]


@pytest.mark.parametrize("args", COMMANDS)
@pytest.mark.parametrize("dangling", [True, False])
def test_no_command_writes_through_a_symbolic_link(
    demo_db: tuple[str, str], tmp_path: Path, args: tuple[str, ...], dangling: bool
) -> None:
    folder = tmp_path / "outputs"
    folder.mkdir()
    victim = folder / "victim"
    if not dangling:
        victim.write_text("keep me\n")
    link = folder / "out"
    link.symlink_to(victim)
    status, err = run(*demo_db, args, link)
    assert status == REFUSED, err
    assert "is a symbolic link" in err
    assert link.is_symlink()  # the link itself is left alone, not replaced
    if dangling:
        assert not victim.exists()
    else:
        assert victim.read_text() == "keep me\n"
    left = sorted(p.name for p in folder.iterdir())  # no partial file left behind either
    assert left == (["out"] if dangling else ["out", "victim"])


def test_a_link_planted_at_a_backup_side_file_is_refused(
    demo_db: tuple[str, str], tmp_path: Path
) -> None:
    victim = tmp_path / "victim"
    (tmp_path / "b.db.audit-head").symlink_to(victim)
    status, err = run(*demo_db, ("backup", "{out}", "--force"), tmp_path / "b.db")
    assert status == REFUSED and "b.db.audit-head is a symbolic link" in err
    assert not victim.exists() and not (tmp_path / "b.db").exists()


MADE = [
    (("backup", "{out}"), ("", ".audit-head", ".sha256")),
    (("export", "record", NHS, "{out}"), ("",)),
    (("export", "patients", "{out}"), ("",)),
    (("letters", "recall", "--due-within", "400", "--out", "{out}"), ("",)),
]


@pytest.mark.parametrize(("args", "files"), MADE)
def test_outputs_are_private_to_their_owner(
    demo_db: tuple[str, str], tmp_path: Path, args: tuple[str, ...], files: tuple[str, ...]
) -> None:
    os.umask(0o000)  # even a careless umask gives nobody else a way in
    out = tmp_path / "out"
    try:
        status, err = run(*demo_db, args, out)
    finally:
        os.umask(0o022)
    assert status == OK, err
    for suffix in files:
        assert (Path(f"{out}{suffix}").stat().st_mode & 0o777) == 0o600, suffix


@pytest.mark.parametrize(("args", "files"), MADE)
def test_outputs_follow_the_configured_group(
    demo_db: tuple[str, str],
    tmp_path: Path,
    system_config: Callable[[str], Path],
    args: tuple[str, ...],
    files: tuple[str, ...],
) -> None:
    group = grp.getgrgid(os.getgid()).gr_name
    system_config(f'group = "{group}"\n')
    db, nhs = demo_db
    # a group database: the configured group may read it
    shared = copy_practice(db, tmp_path / "shared.db", 0o660)
    out = tmp_path / "out"
    status, err = run(shared, nhs, args, out)
    assert status == OK, err
    for suffix in files:
        st = Path(f"{out}{suffix}").stat()
        assert (st.st_mode & 0o777) == 0o640, suffix
        assert st.st_gid == grp.getgrnam(group).gr_gid
