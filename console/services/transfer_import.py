"""`import patients` in one pass: each row is checked as it is read and written, a batch
at a time, inside the caller's one write transaction.

All-or-nothing (reference/patients-import.md): after the first bad row nothing more is
written, but the file is read to its end so that every bad row is named, and the caller's
transaction is rolled back by the ImportRejected raised here; nothing written before it is
ever committed. A row's NHS number is looked up in the database before its batch is
written, so a number already registered is a bad row, not a failed INSERT.

Checking (`checked`) reads only the file and asks the database nothing; `OnePass` looks
each checked batch's numbers up and writes it. The rows go to the driver through `db.bulk`
(no per-value processing), with ids assigned here under the write lock; every row's caches
are the one derivation's for a new patient (`console.rules.caches.for_new_patient`), so
`recovery-console check` agrees with them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path

import pendulum
import sqlalchemy as sa

from console.rules.caches import for_new_patient
from console.services.transfer_csv import (
    ImportRejected,
    RowError,
    check_header,
    clean_row,
    reading,
)
from db import bulk
from db.models import Patient, table_of

BATCH = 2_000  # rows per INSERT and NHS numbers per look-up: memory stays flat
NO_ROWS = "no rows to import, only a header"
RACED = "a patient in it was registered while it was being imported"


@contextmanager
def collections_held() -> Iterator[None]:
    """The interpreter's cyclic collections held off while the rows are read and written,
    then let run again as before. Each row makes a few dicts, tuples and strings that
    reference counting frees as soon as the row is written (no cycles), yet they set off
    hundreds of young collections and full ones that walk every object loaded at start-up
    (about an eighth of a second for 50,000 rows); held, memory stays as flat as before."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass
class Checked:
    """One batch of the file as checked, before the database is asked anything: the values
    of its rows in `names` order (none once any row of the file was bad), its NHS numbers
    first seen in the file with their lines, and the problems its rows have."""

    names: tuple[str, ...] = ()
    rows: list[tuple[object, ...]] = field(default_factory=list)
    numbers: list[tuple[str, int]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def checked(path: Path, today: pendulum.Date, batch: int = BATCH) -> Iterator[Checked]:
    """The file read once and every row checked (`clean_row`), a batch per `batch` new
    NHS numbers; a number twice in the file is a bad row. Reads only the file: the
    look-ups and the writes are the caller's (`OnePass`). Raises ImportRejected for a file
    refused whole (header, encoding, quoting, no rows)."""
    with reading(path) as file:
        errors = check_header(file.header)
        if errors:  # read on to the end all the same: a broken quote is named
            for _ in file.rows():
                pass
            raise ImportRejected(errors)
        first_line: dict[str, int] = {}  # NHS number → the line it is first on
        out = Checked()
        values = None  # itemgetter of the clean values, in the order of the first row's
        bad = False
        count = 0
        for number, row in file.rows():
            count += 1
            clean, problems = clean_row(number, row, today)
            if problems:
                out.errors += problems
                bad = True
            nhs = clean.get("nhs_number")
            if isinstance(nhs, str):
                if nhs in first_line:
                    also = f"also on line {first_line[nhs]} of this file"
                    out.errors.append(RowError(number, "nhs_number", also))
                    bad = True
                    continue
                first_line[nhs] = number
                out.numbers.append((nhs, number))
            if not bad:  # once a row is bad nothing more is written, only checked
                if values is None:
                    out.names = tuple(clean)
                    values = itemgetter(*out.names)
                out.rows.append(values(clean))
            if len(out.numbers) >= batch:
                yield out
                out = Checked(out.names)
        if not count:
            raise ImportRejected([RowError(1, "file", NO_ROWS)])
        yield out


class OnePass:
    """One import: `run` writes the checked rows and returns the new patients' ids."""

    def __init__(self, conn: sa.Connection, today: pendulum.Date, batch: int = BATCH) -> None:
        self.conn = conn
        self.today = today
        self.batch = batch
        self.table = table_of(Patient)
        self.errors: list[RowError] = []
        self.ids: list[int] = []
        self.writer: bulk.TableWriter | None = None
        status = str(Patient.model_fields["status"].default)
        self.fixed = {"is_demo": False, "status": status, **for_new_patient(status, today)}
        self.next_id = 0

    def run(self, path: Path) -> list[int]:
        with bulk.page_cache(self.conn), collections_held():
            for batch in checked(path, self.today, self.batch):
                self._batch(batch)
        if self.errors:
            raise ImportRejected(sorted(self.errors, key=lambda e: e.line))
        bulk.reset_sequences(self.conn, [self.table])
        return self.ids

    def _batch(self, batch: Checked) -> None:
        """Look the batch's numbers up, then write its rows if every row so far is good."""
        self.errors += batch.errors
        lines = dict(batch.numbers)
        existing = bulk.present(self.conn, self.table, "nhs_number", list(lines))
        self.errors += [
            RowError(lines[n], "nhs_number", "already registered in this database")
            for n in sorted(existing, key=lines.__getitem__)
        ]
        if not self.errors and batch.rows:
            self._write(batch.names, batch.rows)

    def _write(self, names: tuple[str, ...], rows: list[tuple[object, ...]]) -> None:
        if self.writer is None:
            self.writer = bulk.TableWriter(
                self.conn, self.table, ["id", *names], constants=self.fixed
            )
            self.next_id = bulk.next_id(self.conn, self.table)
        first = self.next_id
        ids = range(first, first + len(rows))
        # COPY on PostgreSQL raises the driver's own error, not SQLAlchemy's
        integrity = (sa.exc.IntegrityError, self.conn.dialect.loaded_dbapi.IntegrityError)
        try:
            self.writer.insert([(i, *r) for i, r in zip(ids, rows, strict=True)])
        except integrity as exc:  # registered meanwhile; never the values
            raise ImportRejected([RowError(1, "file", RACED)]) from exc
        self.ids += ids
        self.next_id = first + len(rows)
