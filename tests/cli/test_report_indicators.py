"""`report indicators`: text, CSV and a PDF read back; bad input exit 2; no patient
identifiers unless --patients; no Textual, and ReportLab only for a PDF (issue 17)."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from console.rules import indicators as rules
from tests.cli.helpers import cli

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = str(tmp_path / "ind.db")
    ran = cli("--db", path, "demo", "--patients", "30")
    assert ran.returncode == 0, ran.stderr
    return path


def _nhs_numbers(db: str) -> list[str]:
    import sqlite3

    with sqlite3.connect(db) as conn:  # reading to check: every demonstration NHS number
        return [r[0] for r in conn.execute("SELECT nhs_number FROM patient")]


def test_csv_header_order_and_no_identifiers(db: str, tmp_path: Path) -> None:
    ran = cli("--db", db, "report", "indicators", "--format", "csv")
    assert ran.returncode == 0, ran.stderr
    rows = list(csv.reader(io.StringIO(ran.stdout)))
    assert rows[0] == ["key", "title", "numerator", "denominator", "percent"]
    assert [r[0] for r in rows[1:]] == list(rules.KEYS)
    for key, _title, num, den, pct in rows[1:]:
        assert 0 <= int(num) <= int(den), key
        assert pct == ("" if int(den) == 0 else f"{100 * int(num) / int(den):.1f}")
    assert not any(n in ran.stdout for n in _nhs_numbers(db))
    text = cli("--db", db, "report", "indicators")
    assert text.returncode == 0
    assert "Naloxone supplied in 12 months" in text.stdout
    assert "Continuous time on OST" in text.stdout and "no longer injecting" in text.stdout
    assert not any(n in text.stdout for n in _nhs_numbers(db))
    listed = cli("--db", db, "report", "indicators", "--patients")
    assert any(n in listed.stdout for n in _nhs_numbers(db))
    past = cli("--db", db, "report", "indicators", "--format", "csv", "--as-at", "2025-01-31")
    assert past.returncode == 0 and past.stdout.startswith("key,title")


def test_bad_input_is_exit_2_with_a_reason(db: str, tmp_path: Path) -> None:
    for args, says in (
        (("--as-at", "31/01/2025"), "YYYY-MM-DD"),
        (("--as-at", "2999-01-01"), "after today"),
        (("--keyworker", "nobody-here"), "no member of staff"),
        (("--format", "pdf"), "--out"),
        (("--format", "xls"), "invalid choice"),
    ):
        ran = cli("--db", db, "report", "indicators", *args)
        assert ran.returncode == 2, args
        assert says in ran.stderr, args
    out = tmp_path / "taken.csv"
    out.write_text("keep me")
    ran = cli("--db", db, "report", "indicators", "--format", "csv", "--out", str(out))
    assert ran.returncode == 2 and "--force" in ran.stderr
    assert out.read_text() == "keep me"
    ran = cli("--db", db, "report", "indicators", "--format", "csv", "--out", str(out), "--force")
    assert ran.returncode == 0 and out.read_text().startswith("key,title")


def test_pdf_on_the_letterhead_with_a_chart(db: str, tmp_path: Path) -> None:
    out = tmp_path / "ind.pdf"
    ran = cli("--db", db, "report", "indicators", "--format", "pdf", "--out", str(out))
    assert ran.returncode == 0, ran.stderr
    reader = PdfReader(str(out))
    assert len(reader.pages) == 2  # the summary, then the trend
    words = reader.pages[0].extract_text()
    assert "Moorside Surgery" in words  # the demonstration practice's letterhead
    assert "Practice indicators" in words
    for ind in rules.INDICATORS:
        assert words.count(ind.title) >= 2, ind.key  # the table and the chart's axis
    for said in ("5+ years", "no longer using illicit opioids", "median BARC-10 change"):
        assert said in words
    trend = reader.pages[1].extract_text()
    assert "Trend: the last 12 month ends" in trend and "Moorside Surgery" in trend
    for ind in rules.INDICATORS:
        assert ind.title in trend, ind.key
    assert not any(n in words + trend for n in _nhs_numbers(db))
    with_lists = tmp_path / "lists.pdf"
    cli(
        "--db",
        db,
        "report",
        "indicators",
        "--format",
        "pdf",
        "--out",
        str(with_lists),
        "--patients",
    )
    assert len(PdfReader(str(with_lists)).pages) >= 2 + len(rules.KEYS)


def test_no_textual_and_reportlab_only_for_a_pdf(db: str, tmp_path: Path) -> None:
    probe = (
        "import sys; from console.cli import main; "
        f"code = main(['--db', {db!r}, 'report', 'indicators', '--format', 'csv']); "
        "assert code == 0; assert 'textual' not in sys.modules, 'textual'; "
        "assert 'reportlab' not in sys.modules, 'reportlab'"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_a_role_without_reports_is_refused_exit_3(db: str) -> None:
    """Reception may not see the indicators: refused by name (was "unexpected Forbidden")."""
    import os
    import pwd

    me = pwd.getpwuid(os.getuid()).pw_name
    assert (
        cli("--db", db, "staff", "add", "other-admin", "--name", "A", "--role", "admin").returncode
        == 0
    )
    assert cli("--db", db, "staff", "set", me, "--role", "reception").returncode == 0
    ran = cli("--db", db, "report", "indicators")
    assert ran.returncode == 3, ran.stderr
    assert "Not allowed: to view reports" in ran.stderr and "unexpected" not in ran.stderr
