"""`recovery-console letters recall` as a user runs it: a real process over a real file."""

from __future__ import annotations

import io
import os
import re
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from console import clock
from console.identity import os_login
from db.models import AuditEvent
from tests.cli.helpers import cli
from tests.conftest import TODAY
from tests.letters.conftest import Caseload

OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3


# The process's system clock stopped at the caseload's day: who is due moves with the date.
STOPPED = """
import sys, pendulum
from console import clock
at = pendulum.parse(sys.argv.pop(1))
clock.SystemClock.now = lambda self: at.in_timezone(self.tz)
from console.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(db: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", STOPPED, TODAY.isoformat(), "--db", db, "letters", "recall", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture(autouse=True)
def stopped(monkeypatch: pytest.MonkeyPatch) -> None:
    """The in-process CLI's clock too (`cli`), as STOPPED does for a real process."""
    monkeypatch.setattr(clock.SystemClock, "now", lambda self: TODAY.in_timezone(self.tz))


@pytest.fixture
def db(caseload: Caseload) -> str:
    caseload.services.staff_admin.add(os_login(), "Dr Ann Example", ["clinician"])
    return caseload.services.engine.url.render_as_string(hide_password=False)


def pages(path: Path) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(path.read_bytes())).pages]


def test_recall_writes_one_pdf_signed_with_the_practice_signature(
    caseload: Caseload, db: str, tmp_path: Path
) -> None:
    out = tmp_path / "recall.pdf"
    result = run(db, "--due-within", "28", "--out", str(out))
    assert result.returncode == OK, result.stderr
    assert "2 letters" in result.stdout and "1 skipped" in result.stdout
    text = pages(out)
    assert len(text) == 2
    # A batch is signed with the practice's signature default, not by whoever ran it.
    assert all("The Recovery Team" in page for page in text)
    assert not any("Dr Ann Example" in page or "Clinician" in page for page in text)
    assert "Ó Súilleabháin" in text[1] or "Ó Súilleabháin" in text[0]
    # skipped patients, and why, on stderr
    assert "Quarrington, Leah (943 476 5862): the patient has not consented" in result.stderr
    assert "Marsh, Tom" not in result.stderr  # deceased: never on a recall list at all
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    with Session(caseload.services.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "letter.batch")).one()
        assert event.login == os_login()
        assert (
            str(caseload.siobhan) in event.patient_ids
            and str(caseload.kowalczyk) in event.patient_ids
        )


def test_default_file_is_in_the_letters_folder(caseload: Caseload, db: str) -> None:
    result = run(db, "--due-within", "10")
    assert result.returncode == OK, result.stderr
    folder = Path(os.environ["XDG_DATA_HOME"]) / "recovery-console" / "letters"
    made = list(folder.glob("*.pdf"))
    assert len(made) == 1 and len(pages(made[0])) == 1  # Kowalczyk only (overdue)


def test_bad_input_and_nothing_due(caseload: Caseload, db: str, tmp_path: Path) -> None:
    assert run(db, "--due-within", "-1").returncode == BAD_INPUT
    assert run(db, "--due-within", "soon").returncode == BAD_INPUT
    taken = tmp_path / "taken.pdf"
    taken.write_text("x")
    assert run(db, "--due-within", "5", "--out", str(taken)).returncode == BAD_INPUT
    nothing = run(db, "--due-within", "0", "--out", str(tmp_path / "n.pdf"))
    assert nothing.returncode == OK, nothing.stderr  # Kowalczyk is overdue: still due
    assert (tmp_path / "n.pdf").exists()


def test_print_goes_to_the_configured_printer(
    caseload: Caseload,
    db: str,
    tmp_path: Path,
    system_config: Callable[[str], Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "lp.log"
    (bin_dir / "lp").write_text(
        f"#!{sys.executable}\nimport sys\nopen({str(log)!r}, 'a').write(' '.join(sys.argv[1:]))\n"
        "print('request id is Letters-1 (1 file(s))')\n"
    )
    (bin_dir / "lp").chmod(0o755)
    system_config('printer = "Letters"\n')  # a machine setting: /etc only (issue 14)
    out = tmp_path / "recall.pdf"
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    result = cli(
        "--db", db, "letters", "recall", "--due-within", "28", "--out", str(out), "--print"
    )
    assert result.returncode == OK, result.stderr
    sent = log.read_text()
    assert sent.startswith("-d Letters -t Recall letters, 2 letters, ") and sent.endswith(
        f" -- {out}"
    )
    assert "Letters-1" in result.stdout


def test_reception_may_run_the_batch(caseload: Caseload, tmp_path: Path) -> None:
    caseload.services.staff_admin.add(os_login(), "Front Desk", ["reception"])
    db = caseload.services.engine.url.render_as_string(hide_password=False)
    result = run(db, "--due-within", "28", "--out", str(tmp_path / "r.pdf"))
    assert result.returncode == OK, result.stderr


def test_a_second_recall_within_14_days_needs_include_recent(db: str, tmp_path: Path) -> None:
    assert run(db, "--due-within", "28", "--out", str(tmp_path / "1.pdf")).returncode == OK
    again = run(db, "--due-within", "28", "--out", str(tmp_path / "2.pdf"))
    assert again.returncode == REFUSED and not (tmp_path / "2.pdf").exists()
    assert re.search(
        r"Kowalczyk, Łukasz \(943 476 5870\): sent a recall letter on \d+ \w+ 20\d\d, within 14 days",
        again.stderr,
    )
    chosen = run(db, "--due-within", "28", "--out", str(tmp_path / "3.pdf"), "--include-recent")
    assert chosen.returncode == OK, chosen.stderr
    assert "2 letters" in chosen.stdout
