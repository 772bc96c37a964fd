"""Issue 14 items 5, 8, 9, 10: hostile files and arguments, output files, network
filesystems and the backup before an upgrade, through console.cli.main."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import db.engine as engine_module
from tests.cli.helpers import cli

OK, PROBLEM, BAD_INPUT, REFUSED = 0, 1, 2, 3
HEADER = "nhs_number,family_name,given_name,date_of_birth,phone"


@pytest.fixture
def db(tmp_path: Path) -> str:
    path = tmp_path / "practice.db"
    assert cli("--db", str(path), "init").returncode == OK
    return str(path)


def write(tmp_path: Path, lines: list[str], name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8", newline="")
    return path


def imported(db: str, path: Path) -> tuple[int, str]:
    result = cli("--db", db, "import", "patients", str(path))
    assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    return result.returncode, result.stderr


def test_a_header_only_file_says_no_rows(db: str, tmp_path: Path) -> None:
    code, err = imported(db, write(tmp_path, [HEADER]))
    assert code == BAD_INPUT
    assert "line 1: file: no rows to import, only a header" in err


def test_a_huge_field_is_refused_with_its_line(db: str, tmp_path: Path) -> None:
    huge = "A" * 10_000_000
    code, err = imported(
        db,
        write(
            tmp_path,
            [HEADER, "943 476 5919,Smith,Jo,1980-01-01,", f"9990000018,{huge},X,1980-01-01,"],
        ),
    )
    assert code == BAD_INPUT
    assert "line 3: row: a value is longer than 131,072 characters" in err
    code, err = imported(db, write(tmp_path, [HEADER, f"943 476 5919,{'B' * 600},Jo,1980-01-01,"]))
    assert code == BAD_INPUT and "line 2: family_name: longer than 500 characters" in err


@pytest.mark.parametrize("bad", ["\x00", "\x1b[2J", "\u202e", "\x7f"])
def test_control_characters_are_refused(db: str, tmp_path: Path, bad: str) -> None:
    code, err = imported(db, write(tmp_path, [HEADER, f"943 476 5919,Sm{bad}ith,Jo,1980-01-01,"]))
    assert code == BAD_INPUT
    assert f"line 2: family_name: contains a control character (U+{ord(bad[0]):04X})" in err
    assert bad not in err


@pytest.mark.parametrize("formula", ["=cmd|' /C calc'!A0", "@SUM(1+1)", "+1+1", "-2+3", " =1"])
def test_formula_text_is_refused_in_names(db: str, tmp_path: Path, formula: str) -> None:
    path = tmp_path / "f.csv"
    with path.open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(
            [HEADER.split(","), ["943 476 5919", "Smith", formula, "1980-01-01", ""]]
        )
    code, err = imported(db, path)
    assert code == BAD_INPUT
    assert "line 2: given_name: may not start with = + - or @" in err


def test_errors_name_the_physical_line(db: str, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        [
            "nhs_number,family_name,given_name,date_of_birth,address_line_1",
            '943 476 5919,Smith,Jo,1980-01-01,"1 High Street',
            'Flat 2"',
            "9990000018,Jones,,1980-01-01,",
        ],
    )
    code, err = imported(db, path)
    assert code == BAD_INPUT
    assert "line 4: given_name:" in err  # the row starts on physical line 4, not "row 3"


def test_export_escapes_formulas_and_import_round_trips_a_phone(db: str, tmp_path: Path) -> None:
    source = write(tmp_path, [HEADER, "943 476 5919,O'Brien,Seán,1980-01-01,+44 1924 123456"])
    assert imported(db, source)[0] == OK
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert cli("--db", db, "export", "patients", str(first)).returncode == OK
    rows = list(csv.DictReader(first.open(encoding="utf-8")))
    assert rows[0]["phone"] == "'+44 1924 123456"  # a spreadsheet shows it, never runs it
    assert rows[0]["family_name"] == "O'Brien"  # an apostrophe inside a name is untouched
    other = str(tmp_path / "other.db")
    assert cli("--db", other, "init").returncode == OK
    assert imported(other, first)[0] == OK
    assert cli("--db", other, "export", "patients", str(second)).returncode == OK
    assert second.read_bytes() == first.read_bytes()


def test_no_output_file_is_overwritten_without_force(db: str, tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("keep me\n")
    result = cli("--db", db, "export", "patients", str(out))
    assert result.returncode == BAD_INPUT and "add --force" in result.stderr
    assert out.read_text() == "keep me\n"
    assert cli("--db", db, "export", "patients", str(out), "--force").returncode == OK
    assert out.read_text().startswith("nhs_number,")
    pdf = tmp_path / "recall.pdf"
    pdf.write_text("keep me\n")
    result = cli("--db", db, "letters", "recall", "--due-within", "28", "--out", str(pdf))
    assert result.returncode == BAD_INPUT and "add --force" in result.stderr
    assert pdf.read_text() == "keep me\n"


@pytest.mark.parametrize(
    "args",
    [
        ("export", "patients", "{link}"),
        ("letters", "recall", "--due-within", "28", "--out", "{link}"),
    ],
)
def test_an_output_at_a_dangling_symlink_is_refused(
    db: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    link = tmp_path / "link"
    link.symlink_to(tmp_path / "elsewhere" / "target")
    result = cli("--db", db, *(a.format(link=link) for a in args))
    assert result.returncode == REFUSED, result.stderr
    assert "is a symbolic link" in result.stderr and "unexpected" not in result.stderr
    assert not (tmp_path / "elsewhere").exists()


@pytest.mark.parametrize("days", ["99999999999999999999", "-1", "36601", "soon"])
def test_a_huge_or_bad_due_within_is_a_usage_error(db: str, days: str) -> None:
    result = cli("--db", db, "letters", "recall", "--due-within", days)
    assert result.returncode == BAD_INPUT
    assert "--due-within" in result.stderr and "unexpected" not in result.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("init",),
        ("staff", "list"),
        ("staff", "add", "kross", "--name", "K", "--role", "clinician"),
        ("import", "patients", "{csv}"),
        ("export", "patients", "{out}"),
        ("letters", "recall", "--due-within", "28"),
        ("audit", "verify"),
        ("demo", "--patients", "5"),
    ],
)
def test_every_command_refuses_a_database_on_a_network_filesystem(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    source = write(tmp_path, [HEADER, "943 476 5919,Smith,Jo,1980-01-01,"])
    monkeypatch.setattr(engine_module, "filesystem_type", lambda _path: "nfs4")
    fill = {"csv": str(source), "out": str(tmp_path / "out.csv")}
    result = cli("--db", db, *(a.format(**fill) for a in args))
    assert result.returncode == REFUSED
    assert "network filesystem (nfs4)" in result.stderr
    assert not (tmp_path / "out.csv").exists()


def test_the_backup_before_an_upgrade_checks_the_audit_chain(tmp_path: Path) -> None:
    """What `init` does before migrating an older database (console.cli._upgrade_older)."""
    from console.cli import _audit_check
    from console.services import Services
    from db.engine import make_engine, writer
    from db.migrate import BackupCheckFailed, backup_before_upgrade, upgrade

    engine = make_engine(tmp_path / "practice.db")
    upgrade(engine)
    services = Services(engine, login="tester")
    services.identify()
    services.staff_admin.add("kross", "K. Ross", ["clinician"])
    assert backup_before_upgrade(engine, _audit_check(services)) is not None  # good
    with writer(engine).begin() as conn:  # someone with the file rewrites who it was
        conn.exec_driver_sql("UPDATE audit_event SET login = 'someone-else' WHERE id = 2")
    with pytest.raises(BackupCheckFailed, match=r"damaged audit log \(event 2 was edited"):
        backup_before_upgrade(engine, _audit_check(services))
    with writer(engine).begin() as conn:  # or cuts the tail, head row and all
        conn.exec_driver_sql("DELETE FROM audit_event WHERE id = 2")
        conn.exec_driver_sql(
            "UPDATE audit_head SET last_id = 1, last_hash = (SELECT hash FROM audit_event)"
        )
    with pytest.raises(BackupCheckFailed, match="events were cut from the end"):
        backup_before_upgrade(engine, _audit_check(services))
    engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ("staff", "add", "ab\udcff", "--name", "X", "--role", "reception"),
        ("staff", "add", "abc", "--name", "X\udc80", "--role", "reception"),
        ("export", "patients", "out\udcff.csv"),
    ],
)
def test_arguments_that_are_not_utf8_are_a_usage_error(
    db: str, tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Bytes that are not UTF-8 reach Python as lone surrogates; they used to crash the
    database driver ("unexpected UnicodeEncodeError")."""
    result = cli("--db", db, *args)
    assert result.returncode == BAD_INPUT
    assert result.stderr == "recovery-console: arguments must be UTF-8 text\n"
