"""The patient CSV file of reference/patients-import.md: reading it a row at a time,
checking each row, and writing rows out.

Hostile files (issue 14): control characters (NUL, escapes, bidirectional overrides) and
values over MAX_CELL characters are refused in every column, and a name may not start
like a spreadsheet formula. On export any value starting with = + - @, tab or carriage
return gets a leading apostrophe (OWASP's CSV-injection advice), and import takes off
exactly that apostrophe, so a phone number `+44 …` survives export → import → export.

The file is read as a stream (never whole), once, so memory stays flat whatever its size.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar, cast

import pendulum

from console.rules import validate
from console.services import outputs
from console.services.errors import ServiceError

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


Row = dict[str | None, object]
T = TypeVar("T")


class CsvFile:
    """An open import file: its header, then its rows one at a time."""

    def __init__(self, text: io.TextIOWrapper) -> None:
        # universal newlines, as a whole-file read_text gave the parser before
        self._reader = csv.reader(text)
        self.header: list[str] = self._guard(lambda: next(self._reader, []), 1)

    @staticmethod
    def _guard(step: Callable[[], T], start: int) -> T:
        """Run one read; a file that is not UTF-8 or not CSV is refused whole."""
        try:
            return step()
        except (UnicodeDecodeError, csv.Error) as exc:
            raise _refused(exc, start) from exc

    def rows(self) -> Iterator[tuple[int, Row]]:
        """(physical starting line, values by column) for every row; a blank line is none."""
        header, reader = self.header, self._reader
        width = len(header)
        start = reader.line_num + 1
        try:  # around the whole loop, not each read: the reader is the import's inner loop
            for cells in reader:
                if len(cells) == width:  # the usual row
                    yield start, dict(zip(header, cells, strict=True))
                elif cells:
                    row: Row = {
                        col: cells[i] if i < len(cells) else None for i, col in enumerate(header)
                    }
                    if len(cells) > width:
                        row[None] = cells[width:]
                    yield start, row
                start = reader.line_num + 1
        except (UnicodeDecodeError, csv.Error) as exc:  # raised by the reader, never a yield
            raise _refused(exc, start) from exc


def _refused(exc: UnicodeDecodeError | csv.Error, start: int) -> ImportRejected:
    """The whole file refused for what the reader raised at the row starting on `start`."""
    if isinstance(exc, UnicodeDecodeError):
        return ImportRejected([RowError(1, "file", "not UTF-8 text")])
    reason = f"a value is longer than {csv.field_size_limit():,} characters"
    if "field limit" not in str(exc):
        reason = "not readable as CSV (check the quotes)"
    return ImportRejected([RowError(start, "row", reason)])


@contextmanager
def reading(path: Path) -> Iterator[CsvFile]:
    with path.open(encoding="utf-8-sig") as text:
        yield CsvFile(text)


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


def _joined(values: dict[str, object]) -> str:
    """A row's text values joined (a short row's missing cells are None)."""
    try:
        return "".join(values.values())  # type: ignore[arg-type]  # the usual row: all text
    except TypeError:
        return "".join(v for v in values.values() if isinstance(v, str))


def _plainly_clean(values: dict[str, object], joined: str) -> bool:
    """No cell has a problem (`_cell_problem`), found with one search of the whole row
    (`joined`: its text values joined)."""
    if not joined:
        return True
    if validate.control_character(joined) is not None:
        return False
    # no cell is longer than the whole row: each cell is measured only when that is long
    if (
        len(joined) > MAX_CELL
        and max(len(v) for v in values.values() if isinstance(v, str)) > MAX_CELL
    ):
        return False
    for column in NAMES:
        v = values.get(column)
        if isinstance(v, str) and v.lstrip(" ").startswith(FORMULA_START):
            return False
    return True


def check_header(header: list[str]) -> list[RowError]:
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


def clean_row(
    number: int, row: Row, today: pendulum.Date
) -> tuple[dict[str, object], list[RowError]]:
    """A row's clean values and its problems; the values are for writing only when there
    are no problems (with problems they hold whatever was valid, the NHS number perhaps)."""
    if None in row:  # more cells than the header has columns
        return {}, [RowError(number, "row", "more values than columns")]
    errors: list[RowError] = []
    values = cast(dict[str, object], dict(row))  # no None key: every key is a column
    joined = _joined(values)
    if "'" in joined:  # export's escape comes off before anything is checked
        for column, raw in values.items():
            if isinstance(raw, str) and raw[:1] == "'":
                values[column] = unescape(raw)
        joined = _joined(values)
    if not _plainly_clean(values, joined):  # then find each bad cell
        for column, value in values.items():
            problem = _cell_problem(column, value) if isinstance(value, str) and value else ""
            if problem:
                errors.append(RowError(number, column, problem))
        if errors:
            return {}, errors
    consent = str(values.get("letters_to_home") or "no").strip().lower()
    if consent not in ("yes", "no"):
        errors.append(RowError(number, "letters_to_home", "must be yes or no"))
    values["consent_letters_home"] = consent == "yes"
    clean, problems = validate.patient_fields(values, today=today)
    errors += [RowError(number, col, msg) for col, msg in problems.items()]
    return clean, errors


def csv_row(p: Mapping[str, object]) -> dict[str, str]:
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


class OutputExists(ServiceError):
    """The output file is there already and --force was not given."""


def write_private(
    path: Path, rows: Iterable[dict[str, str]], *, force: bool, group: str | None = None
) -> None:
    """Write owner-only as the rows come, through a temporary file, so a failed export
    leaves nothing half-made; without `force` the file is linked into place, which fails
    if the name is taken."""
    temporary = path.with_name(f".{path.name}.partial")
    temporary.unlink(missing_ok=True)
    fd = outputs.create(temporary, group)  # no link followed; 0600, or 0640 for the group
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
