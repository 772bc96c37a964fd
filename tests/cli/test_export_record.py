"""`export record NHS_NUMBER FILE`: a subject access export, third parties withheld (SPEC §6)."""

from __future__ import annotations

import io
import json
import os
import pwd
import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from pypdf import PdfReader

from console.cli import main
from console.services import Services
from console.services.errors import Forbidden
from console.services.subject_access import SECTIONS, WITHHELD
from db import locks
from tests.cli.test_cli import BAD_INPUT, OK, REFUSED, run
from tests.conftest import StaffFactory

ME = pwd.getpwuid(os.getuid()).pw_name
KEYS = ["patient", *SECTIONS, "withheld"]
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with redirect_stdout(out), redirect_stderr(err):
            status = main(list(args))
    finally:
        locks.release_all()  # the command is over, as its process would be
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One demonstration caseload per module; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("demo")
    home = folder / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
    path = folder / "demo.db"
    result = run("--db", str(path), "demo", "--patients", "60", env=env)
    assert result.returncode == OK, result.stderr
    yield path


@pytest.fixture
def db(demo: Path, tmp_path: Path) -> Path:
    target = tmp_path / "practice.db"
    shutil.copyfile(demo, target)
    target.chmod(0o600)
    anchor = Path(f"{demo}.audit-head")
    if anchor.exists():
        shutil.copyfile(anchor, f"{target}.audit-head")
    return target


def query(db: Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def richest(db: Path) -> tuple[int, str]:
    """The patient with family members and corroborated reviews, most reviews first."""
    row = query(
        db,
        "SELECT p.id, p.nhs_number FROM patient p "
        "WHERE EXISTS (SELECT 1 FROM family_member f WHERE f.patient_id = p.id AND f.name <> '') "
        "AND EXISTS (SELECT 1 FROM corroboration c JOIN review r ON r.id = c.review_id "
        "WHERE r.patient_id = p.id AND c.said <> '') "
        "ORDER BY (SELECT count(*) FROM review r WHERE r.patient_id = p.id) DESC LIMIT 1",
    )
    assert row, "the demonstration caseload should have someone with family and corroboration"
    return int(row[0][0]), str(row[0][1])  # type: ignore[call-overload]


def third_party_texts(db: Path, patient_id: int) -> list[str]:
    family = query(
        db,
        "SELECT name, contact FROM family_member WHERE patient_id = ?",
        patient_id,
    )
    said = query(
        db,
        "SELECT c.said FROM corroboration c JOIN review r ON r.id = c.review_id "
        "WHERE r.patient_id = ?",
        patient_id,
    )
    texts = [str(v) for row in family + said for v in row if v]
    return [t for t in texts if len(t) > 3]


def test_json_has_every_section_and_withholds_third_parties(db: Path, tmp_path: Path) -> None:
    pid, number = richest(db)
    out = tmp_path / "sar.json"
    status, printed, err = cli(
        "--db", str(db), "export", "record", number, str(out), "--format", "json"
    )
    assert status == OK, err
    assert "withheld" in printed
    assert (out.stat().st_mode & 0o777) == 0o600
    text = out.read_text(encoding="utf-8")
    record = json.loads(text)
    assert list(record) == KEYS
    assert all(isinstance(record[k], list) for k in KEYS[1:])
    assert record["patient"]["nhs_number"] == number
    assert ISO_DATE.match(record["patient"]["date_of_birth"])
    reviews = query(db, "SELECT count(*) FROM review WHERE patient_id = ?", pid)[0][0]
    assert len(record["reviews"]) == reviews
    assert all(ISO_DATE.match(r["review_date"]) for r in record["reviews"])
    assert {"top", "drug_test", "barc10", "corroboration", "addenda"} <= set(record["reviews"][0])
    for secret in third_party_texts(db, pid):
        assert secret not in text
    family = record["family"]
    assert family and all(f["name"] == WITHHELD for f in family)
    withheld = {(w["section"], w["field"]): w["count"] for w in record["withheld"]}
    assert withheld[("family", "name")] == len(family)
    said = [c for r in record["reviews"] for c in r["corroboration"]]
    assert withheld[("reviews", "corroboration.said")] == sum(c["said"] == WITHHELD for c in said)


def test_include_third_parties_exports_them_and_withholds_nothing(db: Path, tmp_path: Path) -> None:
    pid, number = richest(db)
    out = tmp_path / "sar.json"
    args = ("export", "record", number, str(out), "--format", "json", "--include-third-parties")
    assert cli("--db", str(db), *args)[0] == OK
    text = out.read_text(encoding="utf-8")
    record = json.loads(text)
    assert record["withheld"] == []
    assert WITHHELD not in text
    for secret in third_party_texts(db, pid):
        assert json.dumps(secret, ensure_ascii=False)[1:-1] in text


def test_pdf_is_readable_and_the_export_is_audited(db: Path, tmp_path: Path) -> None:
    pid, number = richest(db)
    out = tmp_path / "sar.pdf"
    result = run("--db", str(db), "export", "record", number, str(out))
    assert result.returncode == OK, result.stderr
    text = "\n".join(page.extract_text() for page in PdfReader(out).pages)
    family, given = query(db, "SELECT family_name, given_name FROM patient WHERE id = ?", pid)[0]
    assert f"{given} {family}" in text
    for heading in (
        "Demographics",
        "Episodes of treatment",
        "Prescriptions and dose history",
        "Reviews",
        "Care-plan versions",
        "Recovery support linkage",
        "Family and supporters",
        "Health checks",
        "Letters sent",
        "Information withheld",
    ):
        assert heading in text, heading
    for secret in third_party_texts(db, pid):
        assert secret not in text
    event = query(
        db, "SELECT action, patient_id, detail FROM audit_event ORDER BY id DESC LIMIT 1"
    )[0]
    assert event[0] == "patient.subject_access_export" and event[1] == pid
    assert json.loads(str(event[2]))["third_parties"] is False
    assert run("--db", str(db), "audit", "verify").returncode == OK


def test_an_unknown_or_mistyped_nhs_number_is_refused(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "sar.pdf"
    unknown = cli("--db", str(db), "export", "record", "943 476 5919", str(out))
    assert unknown[0] == BAD_INPUT
    assert "no patient is registered with that NHS number" in unknown[2]
    mistyped = cli("--db", str(db), "export", "record", "943 476 5918", str(out))
    assert mistyped[0] == BAD_INPUT and "check digit" in mistyped[2]
    assert list(tmp_path.glob("*sar.pdf*")) == []
    exports = query(
        db, "SELECT count(*) FROM audit_event WHERE action = 'patient.subject_access_export'"
    )
    assert exports == [(0,)]


def test_an_existing_output_file_is_refused_without_force(db: Path, tmp_path: Path) -> None:
    _, number = richest(db)
    out = tmp_path / "sar.json"
    out.write_text("an earlier request\n")
    refused = cli("--db", str(db), "export", "record", number, str(out), "--format", "json")
    assert refused[0] == BAD_INPUT and "--force" in refused[2]
    assert out.read_text() == "an earlier request\n"
    forced = cli(
        "--db", str(db), "export", "record", number, str(out), "--format", "json", "--force"
    )
    assert forced[0] == OK
    assert list(json.loads(out.read_text(encoding="utf-8"))) == KEYS


def test_export_record_needs_the_admin_role(db: Path, tmp_path: Path) -> None:
    _, number = richest(db)
    assert cli("--db", str(db), "staff", "add", "pm", "--name", "P. M.", "--role", "admin")[0] == OK
    assert cli("--db", str(db), "staff", "set", ME, "--role", "clinician")[0] == OK
    status, _, err = cli("--db", str(db), "export", "record", number, str(tmp_path / "x.pdf"))
    assert status == REFUSED and "admin" in err
    assert not (tmp_path / "x.pdf").exists()


def test_export_record_in_the_service_on_each_backend(
    services: Services, as_staff: StaffFactory, tmp_path: Path
) -> None:
    from console.services.dto import PatientInput

    patient = services.patients.register(
        PatientInput("943 476 5919", "Ó Súilleabháin", "Seán", "12/03/1980")
    )
    assert patient
    with pytest.raises(Forbidden):
        as_staff("clinician").subject_access.export("9434765919", tmp_path / "x.json")
    done = services.subject_access.export("9434765919", tmp_path / "x.json", fmt="json")
    record = json.loads(done.path.read_text(encoding="utf-8"))
    assert record["patient"]["family_name"] == "Ó Súilleabháin"
    assert all(record[k] == [] for k in SECTIONS) and record["withheld"] == []
