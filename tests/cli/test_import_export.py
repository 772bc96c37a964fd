"""`import patients` / `export patients` (reference/patients-import.md) through the real CLI."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.cli.test_cli import BAD_INPUT, OK, REFUSED, run

HEADER = (
    "nhs_number,family_name,given_name,date_of_birth,sex,address_line_1,address_line_2,"
    "town,postcode,phone,email,letters_to_home,recovery_start"
)
GOOD = [
    "943 476 5919,Ó Súilleabháin,Seán,12/03/1980,male,1 High Street,,Wakefield,wf1 1aa,"
    "01924 123456,sean@example.org,yes,2024-02-19",
    "999-000-0018,Kowalczyk,Anna,1975-07-01,female,,,Leeds,LS1 4AP,,,no,",
    "9990000026,O'Brien,Kieran,01/01/1990,,,,,,,,,",
]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "practice.db"
    assert run("--db", str(path), "init").returncode == OK
    return path


def write(tmp_path: Path, lines: list[str], name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(db: Path) -> int:
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM patient").scalar()
    engine.dispose()
    return int(n or 0)


def test_good_file_imports_every_row_in_one_audit_event(db: Path, tmp_path: Path) -> None:
    result = run("--db", str(db), "import", "patients", str(write(tmp_path, [HEADER, *GOOD])))
    assert result.returncode == OK, result.stderr
    assert "Imported 3 patients" in result.stdout
    assert count(db) == 3
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        events = conn.exec_driver_sql(
            "SELECT id, patient_ids FROM audit_event WHERE action = 'patient.import'"
        ).all()
        listed = conn.exec_driver_sql(
            "SELECT p.nhs_number FROM audit_patient a JOIN patient p ON p.id = a.patient_id"
            " WHERE a.event_id = ?",
            (events[0][0],),
        ).scalars()
        postcode = conn.exec_driver_sql(
            "SELECT postcode FROM patient WHERE family_name = 'Ó Súilleabháin'"
        ).scalar()
        numbers = set(listed)
    engine.dispose()
    assert len(events) == 1  # SPEC §2: a batch is one event listing its patients
    assert numbers == {"9434765919", "9990000018", "9990000026"}
    assert postcode == "WF1 1AA"
    checked = run("--db", str(db), "check")
    assert checked.returncode == OK, checked.stdout + checked.stderr


def test_bad_rows_import_nothing_and_every_bad_line_is_reported(db: Path, tmp_path: Path) -> None:
    lines = [
        HEADER,
        GOOD[0],
        "9434765918,Smith,Jo,01/01/1961,,,,,,,,,",  # check digit
        "943476591,Smith,Jo,01/01/1961,,,,,,,,,",  # length
        "94347A5919,Smith,Jo,01/01/1961,,,,,,,,,",  # non-digit
        "9990000034,,Jo,31/02/1961,alien,,,,XYZ,12,jo@,maybe,",  # many at once
        "943 476 5919,Twice,Again,01/01/1970,,,,,,,,,",  # duplicate in file
        "9990000042,Future,Born,01/01/2030,,,,,,,,,",
    ]
    result = run("--db", str(db), "import", "patients", str(write(tmp_path, lines)))
    assert result.returncode == BAD_INPUT
    assert count(db) == 0
    err = result.stderr
    assert "line 3: nhs_number: NHS number check digit is wrong" in err
    assert "line 4: nhs_number: NHS number must have 10 digits, not 9" in err
    assert "line 5: nhs_number: NHS number must be digits only" in err
    for column in (
        "family_name",
        "date_of_birth",
        "sex",
        "postcode",
        "phone",
        "email",
        "letters_to_home",
    ):
        assert f"line 6: {column}:" in err, column
    assert "line 7: nhs_number: also on line 2 of this file" in err
    assert "line 8: date_of_birth: date cannot be in the future" in err
    assert "line 2:" not in err
    assert "Traceback" not in err


def test_number_already_in_the_database_is_a_bad_row(db: Path, tmp_path: Path) -> None:
    assert (
        run(
            "--db", str(db), "import", "patients", str(write(tmp_path, [HEADER, GOOD[0]]))
        ).returncode
        == OK
    )
    again = run(
        "--db",
        str(db),
        "import",
        "patients",
        str(write(tmp_path, [HEADER, GOOD[1], GOOD[0]], "b.csv")),
    )
    assert again.returncode == BAD_INPUT
    assert "line 3: nhs_number: already registered in this database" in again.stderr
    assert count(db) == 1


def test_unknown_and_missing_columns(db: Path, tmp_path: Path) -> None:
    path = write(tmp_path, ["nhs_number,family_name,shoe_size", "9434765919,Smith,9"])
    result = run("--db", str(db), "import", "patients", str(path))
    assert result.returncode == BAD_INPUT
    assert "line 1: shoe_size: unknown column" in result.stderr
    assert "line 1: given_name: required column is missing" in result.stderr


def test_export_then_import_round_trip(db: Path, tmp_path: Path) -> None:
    source = write(tmp_path, [HEADER, *GOOD])
    assert run("--db", str(db), "import", "patients", str(source)).returncode == OK
    exported = tmp_path / "out.csv"
    result = run("--db", str(db), "export", "patients", str(exported))
    assert result.returncode == OK, result.stderr
    assert exported.stat().st_mode & 0o077 == 0
    rows = list(csv.DictReader(exported.open(encoding="utf-8")))
    assert [r["nhs_number"] for r in rows] == ["9434765919", "9990000018", "9990000026"]
    assert rows[0]["family_name"] == "Ó Súilleabháin" and rows[0]["letters_to_home"] == "yes"
    assert rows[0]["recovery_start"] == "2024-02-19"
    fresh = tmp_path / "fresh.db"
    assert run("--db", str(fresh), "init").returncode == OK
    assert run("--db", str(fresh), "import", "patients", str(exported)).returncode == OK
    second = tmp_path / "second.csv"
    assert run("--db", str(fresh), "export", "patients", str(second)).returncode == OK
    assert second.read_text(encoding="utf-8") == exported.read_text(encoding="utf-8")


def test_import_needs_admin(db: Path, tmp_path: Path) -> None:
    from console.identity import os_login

    # Another admin takes over; this account (the first) becomes a clinician.
    added = run("--db", str(db), "staff", "add", "pm", "--name", "P. Manager", "--role", "admin")
    assert added.returncode == OK, added.stderr
    demoted = run("--db", str(db), "staff", "set", os_login(""), "--role", "clinician")
    assert demoted.returncode == OK, demoted.stderr
    result = run("--db", str(db), "import", "patients", str(write(tmp_path, [HEADER, *GOOD])))
    assert result.returncode == REFUSED
    assert count(db) == 0
