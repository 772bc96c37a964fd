"""Patient import and export in the CSV format of reference/patients-import.md.

Every row is validated before anything is written; one bad row and nothing is imported.
Errors name the physical line a row starts on (a quoted value may span lines).

Hostile files (issue 14): control characters (NUL, escapes, bidirectional overrides) and
values over MAX_CELL characters are refused in every column, and a name may not start
like a spreadsheet formula. On export any value starting with = + - @, tab or carriage
return gets a leading apostrophe (OWASP's CSV-injection advice), and import takes off
exactly that apostrophe, so a phone number `+44 …` survives export → import → export.
"""

from __future__ import annotations

import csv
import io
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import select

from console.rules import validate
from console.services.errors import ServiceError
from console.services.roles import Action
from console.services.validated import validated
from db.models import Patient

if TYPE_CHECKING:
    from console.services import Services

COLUMNS = (
    "nhs_number",
    "family_name",
    "given_name",
    "date_of_birth",
    "sex",
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "phone",
    "email",
    "letters_to_home",
    "recovery_start",
)
REQUIRED = ("nhs_number", "family_name", "given_name", "date_of_birth")
NAMES = ("family_name", "given_name")
MAX_CELL = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = re.compile(r"'+[=+\-@\t\r]")  # what export_patients escaped (one more ')


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.column}: {self.reason}"


class ImportRejected(ServiceError):
    """The file was refused whole; `errors` lists every bad row."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} problem(s) found; nothing was imported")
        self.errors = errors


class OutputExists(ServiceError):
    """The output file is there already and --force was not given."""


Row = dict[str | None, object]


def _read(path: Path) -> tuple[list[str], list[tuple[int, Row]]]:
    """The header and (physical starting line, values by column) for every row."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRejected([RowError(1, "file", "not UTF-8 text")]) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 1
    try:
        header = next(reader, [])
        rows: list[tuple[int, Row]] = []
        start = reader.line_num + 1
        for cells in reader:
            if cells:  # a blank line is no row
                row: Row = {
                    col: cells[i] if i < len(cells) else None for i, col in enumerate(header)
                }
                if len(cells) > len(header):
                    row[None] = cells[len(header) :]
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        reason = f"a value is longer than {csv.field_size_limit():,} characters"
        if "field limit" not in str(exc):
            reason = "not readable as CSV (check the quotes)"
        raise ImportRejected([RowError(start, "row", reason)]) from exc
    return header, rows


def unescape(value: str) -> str:
    """Take off the one apostrophe export_patients put before a formula-like value."""
    return value[1:] if _ESCAPED.match(value) else value


def escape(value: str) -> str:
    return "'" + value if _ESCAPED.match("'" + value) else value


def _cell_problem(column: str, value: str) -> str:
    bad = validate.control_character(value)
    if bad is not None:
        return f"contains a control character (U+{ord(bad):04X}); nothing like it may be imported"
    if len(value) > MAX_CELL:
        return f"longer than {MAX_CELL:,} characters"
    if column in NAMES and value.lstrip(" ").startswith(FORMULA_START):
        return "may not start with = + - or @ (text a spreadsheet would run as a formula)"
    return ""


def _check_header(header: list[str]) -> list[RowError]:
    errors = [RowError(1, col, "unknown column") for col in header if col not in COLUMNS]
    errors += [
        RowError(1, col, "required column is missing") for col in REQUIRED if col not in header
    ]
    seen: set[str] = set()
    for col in header:
        if col in seen:
            errors.append(RowError(1, col, "column appears twice"))
        seen.add(col)
    return errors


@validated
class TransferService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def import_patients(self, path: Path) -> int:
        staff = self._s.staff
        self._s.uow.require(staff, Action.DATA_ADMIN)
        header, rows = _read(path)
        errors = _check_header(header)
        if errors:
            raise ImportRejected(errors)
        if not rows:
            raise ImportRejected([RowError(1, "file", "no rows to import, only a header")])
        today = self._s.clock.today()
        cleaned: list[dict[str, object]] = []
        first_line: dict[str, int] = {}
        for number, row in rows:
            if None in row:  # more cells than the header has columns
                errors.append(RowError(number, "row", "more values than columns"))
                continue
            values: dict[str, object] = {}
            refused = False
            for column, raw in row.items():
                value = unescape(str(raw)) if raw is not None else None
                problem = _cell_problem(str(column), value) if value else ""
                if problem:
                    errors.append(RowError(number, str(column), problem))
                    refused = True
                values[str(column)] = value
            if refused:
                continue
            consent = str(values.get("letters_to_home") or "no").strip().lower()
            if consent not in ("yes", "no"):
                errors.append(RowError(number, "letters_to_home", "must be yes or no"))
            values["consent_letters_home"] = consent == "yes"
            clean, problems = validate.patient_fields(values, today=today)
            errors += [RowError(number, col, msg) for col, msg in problems.items()]
            nhs = clean.get("nhs_number")
            if isinstance(nhs, str):
                if nhs in first_line:
                    errors.append(
                        RowError(
                            number, "nhs_number", f"also on line {first_line[nhs]} of this file"
                        )
                    )
                else:
                    first_line[nhs] = number
            if not problems:
                cleaned.append(clean)
        with self._s.uow.read(staff, Action.DATA_ADMIN) as session:
            existing: set[str] = set()
            numbers = list(first_line)
            for start in range(0, len(numbers), 500):
                chunk = numbers[start : start + 500]
                query = select(Patient.nhs_number).where(sa.column("nhs_number").in_(chunk))
                existing |= set(session.exec(query))
        errors += [
            RowError(first_line[n], "nhs_number", "already registered in this database")
            for n in sorted(existing, key=first_line.__getitem__)
        ]
        if errors:
            raise ImportRejected(sorted(errors, key=lambda e: e.line))
        with self._s.uow.write(staff, Action.DATA_ADMIN) as tx:
            for clean in cleaned:
                row = Patient(**clean)
                tx.session.add(row)
                tx.session.flush()
                tx.audit("patient.import", entity="patient", entity_id=row.id, patient_id=row.id)
        return len(cleaned)

    def export_patients(self, path: Path, *, force: bool = False) -> int:
        """Every patient to `path`, owner-only; an existing file only with `force`."""
        staff = self._s.staff
        with self._s.uow.read(staff, Action.DATA_ADMIN) as session:
            patients = (
                session.connection()
                .execute(
                    sa.select(Patient.__table__).order_by(Patient.id)  # type: ignore[attr-defined]
                )
                .mappings()
                .all()
            )
        _write_private(path, [_csv_row(p) for p in patients], force=force)
        with self._s.uow.write(staff, Action.DATA_ADMIN) as tx:
            tx.audit(
                "patient.export",
                patient_ids=[p["id"] for p in patients],
                detail={"rows": len(patients)},
            )
        return len(patients)


def _csv_row(p: sa.RowMapping) -> dict[str, str]:
    def day(value: object) -> str:
        return value.isoformat() if value is not None else ""  # type: ignore[attr-defined]

    row = {
        "nhs_number": p["nhs_number"],
        "family_name": p["family_name"],
        "given_name": p["given_name"],
        "date_of_birth": day(p["date_of_birth"]),
        "sex": p["sex"],
        "address_line_1": p["address_line_1"],
        "address_line_2": p["address_line_2"],
        "town": p["town"],
        "postcode": p["postcode"],
        "phone": p["phone"],
        "email": p["email"],
        "letters_to_home": "yes" if p["consent_letters_home"] else "no",
        "recovery_start": day(p["recovery_start"]),
    }
    return {column: escape(str(value or "")) for column, value in row.items()}


def _write_private(path: Path, rows: list[dict[str, str]], *, force: bool) -> None:
    """Write owner-only, through a temporary file, so a failed export leaves nothing half-made;
    without `force` the file is linked into place, which fails if the name is taken."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with open(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
        if force:
            temporary.replace(path)
            return
        try:
            os.link(temporary, path)
        except FileExistsError:
            raise OutputExists(f"{path} already exists") from None
    finally:
        temporary.unlink(missing_ok=True)
