"""Patient import and export in the CSV format of reference/patients-import.md
(the file itself: `transfer_csv`).

Both run in constant memory whatever the caseload (SPEC §8). Export streams the patient
table in batches and writes as it reads. Import reads the file twice: first every row is
checked and nothing is written (one bad row and nothing is imported, every bad row
reported); then, in one write transaction, the rows are checked again as they are
inserted in batches, and the file's hash must match the one checked, or the transaction
is rolled back. An import or an export is one audit event listing its patients (SPEC §2).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from console.rules import tallies as rules
from console.rules.caches import RowCaches
from console.services import outputs
from console.services.caches import for_new_patient
from console.services.roles import Action
from console.services.transfer_csv import (
    COLUMNS,
    CsvFile,
    ImportRejected,
    OutputExists,
    RowError,
    check_header,
    clean_row,
    csv_row,
    escape,
    reading,
    unescape,
    write_private,
)
from console.services.validated import validated
from db.models import Patient, table_of
from db.queries import tallies

if TYPE_CHECKING:
    from console.services import Services

__all__ = [
    "COLUMNS",
    "ImportRejected",
    "OutputExists",
    "RowError",
    "TransferService",
    "escape",
    "unescape",
]

BATCH = 2_000  # rows per INSERT or fetch: memory stays flat, statements stay few
EXPORTED = ("id", *(c if c != "letters_to_home" else "consent_letters_home" for c in COLUMNS))
CHANGED = "the file changed while it was being imported"


@validated
class TransferService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def import_patients(self, path: Path) -> int:
        staff = self._s.staff
        self._s.uow.require(staff, Action.DATA_ADMIN)
        today = self._s.clock.today()
        checked, first_line = self._check(path, today)
        status = str(Patient.model_fields["status"].default)
        fixed = {"is_demo": False, "status": status, **for_new_patient(status, today)}
        # every new row holds the same indicator tally keys (no keyworker, no episode)
        keys = rules.contribution(RowCaches(status=status, **for_new_patient(status, today)), None)
        p = table_of(Patient)
        insert = sa.insert(p).returning(p.c.id)
        with self._s.uow.write(staff, Action.DATA_ADMIN) as tx:
            connection = tx.session.connection()
            ids: list[int] = []
            try:
                with reading(path) as file:
                    for batch in _batches(_rows_again(file, today, first_line)):
                        rows = [{**clean, **fixed} for clean in batch]
                        ids += connection.execute(insert, rows).scalars()
                    if file.digest() != checked or len(ids) != len(first_line):
                        raise ImportRejected([RowError(1, "file", CHANGED)])
            except sa.exc.IntegrityError as exc:  # registered meanwhile; never the values
                reason = "a patient in it was registered while it was being imported"
                raise ImportRejected([RowError(1, "file", reason)]) from exc
            tallies.move(connection, [(k, len(ids)) for k in sorted(keys)])
            tx.audit("patient.import", entity="patient", patient_ids=ids, detail={"rows": len(ids)})
        return len(ids)

    def _check(self, path: Path, today: pendulum.Date) -> tuple[str, dict[str, int]]:
        """Every row checked, nothing written: the file's hash and each NHS number's line,
        or ImportRejected naming every bad row."""
        first_line: dict[str, int] = {}
        with reading(path) as file:
            errors = check_header(file.header)
            header_ok = not errors
            count = 0
            for number, row in file.rows():  # read on to the end: a broken quote is named
                count += 1
                if not header_ok:
                    continue
                clean, problems = clean_row(number, row, today)
                errors += problems
                nhs = clean.get("nhs_number")
                if isinstance(nhs, str):
                    if nhs in first_line:
                        also = f"also on line {first_line[nhs]} of this file"
                        errors.append(RowError(number, "nhs_number", also))
                    else:
                        first_line[nhs] = number
            checked = file.digest()
        if not header_ok:
            raise ImportRejected(errors)
        if not count:
            raise ImportRejected([RowError(1, "file", "no rows to import, only a header")])
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            existing: set[str] = set()
            numbers = list(first_line)
            nhs_number = table_of(Patient).c.nhs_number
            for start in range(0, len(numbers), 500):
                query = sa.select(nhs_number).where(nhs_number.in_(numbers[start : start + 500]))
                existing |= set(session.connection().execute(query).scalars())
        errors += [
            RowError(first_line[n], "nhs_number", "already registered in this database")
            for n in sorted(existing, key=first_line.__getitem__)
        ]
        if errors:
            raise ImportRejected(sorted(errors, key=lambda e: e.line))
        return checked, first_line

    def export_patients(self, path: Path, *, force: bool = False, group: str | None = None) -> int:
        """Every patient to `path`, owner-only (or the group's); an existing file only with
        `force`; never through a symbolic link."""
        staff = self._s.staff
        outputs.refuse_link(path)
        ids: list[int] = []
        with self._s.uow.read(staff, Action.DATA_ADMIN) as session:
            p = table_of(Patient)
            query = sa.select(*(p.c[c] for c in EXPORTED)).order_by(p.c.id)
            # yield_per: fetched BATCH rows at a time (a server-side cursor on PostgreSQL)
            result = session.connection().execution_options(yield_per=BATCH).execute(query)

            def rows() -> Iterator[dict[str, str]]:
                for patient in result.mappings():
                    ids.append(patient["id"])
                    yield csv_row(patient)

            write_private(path, rows(), force=force, group=group)
        with self._s.uow.write(staff, Action.DATA_ADMIN) as tx:
            tx.audit("patient.export", patient_ids=ids, detail={"rows": len(ids)})
        return len(ids)


def _rows_again(
    file: CsvFile, today: pendulum.Date, first_line: dict[str, int]
) -> Iterator[dict[str, object]]:
    """The checked rows' clean values, read again; a row that no longer passes, or whose
    NHS number is not the one checked on its line, means the file changed."""
    for number, row in file.rows():
        clean, problems = clean_row(number, row, today)
        if problems or first_line.get(str(clean.get("nhs_number"))) != number:
            raise ImportRejected([RowError(1, "file", CHANGED)])
        yield clean


def _batches(rows: Iterator[dict[str, object]]) -> Iterator[list[dict[str, object]]]:
    batch: list[dict[str, object]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch
