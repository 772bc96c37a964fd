"""`import patients` in one pass: each row is checked as it is read and written, a batch
at a time, inside the caller's one write transaction.

All-or-nothing (reference/patients-import.md): after the first bad row nothing more is
written, but the file is read to its end so that every bad row is named, and the caller's
transaction is rolled back by the ImportRejected raised here; nothing written before it is
ever committed. A row's NHS number is looked up in the database before its batch is
written, so a number already registered is a bad row, not a failed INSERT.

The rows go to the driver through `db.bulk` (no per-value processing), with ids assigned
here under the write lock; every row's caches are the one derivation's for a new patient
(`console.rules.caches.for_new_patient`), so `recovery-console check` agrees with them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
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


class OnePass:
    """One import: `run` reads the file once and returns the new patients' ids."""

    def __init__(self, conn: sa.Connection, today: pendulum.Date, batch: int = BATCH) -> None:
        self.conn = conn
        self.today = today
        self.batch = batch
        self.table = table_of(Patient)
        self.errors: list[RowError] = []
        self.first_line: dict[str, int] = {}  # NHS number → the line it is first on
        self.numbers: list[str] = []  # first-seen numbers not yet looked up
        self.pending: list[dict[str, object]] = []  # clean rows not yet written
        self.ids: list[int] = []
        self.writer: bulk.TableWriter | None = None
        self.values = itemgetter("nhs_number")  # set with the writer: its column order
        status = str(Patient.model_fields["status"].default)
        self.fixed = {"is_demo": False, "status": status, **for_new_patient(status, today)}
        self.next_id = 0

    def run(self, path: Path) -> list[int]:
        with bulk.page_cache(self.conn), collections_held(), reading(path) as file:
            self.errors = check_header(file.header)
            if self.errors:  # read on to the end all the same: a broken quote is named
                for _ in file.rows():
                    pass
                raise ImportRejected(self.errors)
            count = 0
            for number, row in file.rows():
                count += 1
                self._row(number, row)
                if len(self.numbers) >= self.batch:
                    self._flush()
            self._flush()
        if not count:
            raise ImportRejected([RowError(1, "file", NO_ROWS)])
        if self.errors:
            raise ImportRejected(sorted(self.errors, key=lambda e: e.line))
        bulk.reset_sequences(self.conn, [self.table])
        return self.ids

    def _row(self, number: int, row: dict[str | None, object]) -> None:
        clean, problems = clean_row(number, row, self.today)
        self.errors += problems
        nhs = clean.get("nhs_number")
        if isinstance(nhs, str):
            if nhs in self.first_line:
                also = f"also on line {self.first_line[nhs]} of this file"
                self.errors.append(RowError(number, "nhs_number", also))
                return
            self.first_line[nhs] = number
            self.numbers.append(nhs)
        if not self.errors:  # once a row is bad nothing more is written, only checked
            self.pending.append(clean)

    def _flush(self) -> None:
        """Look the batch's numbers up, then write its rows if every row so far is good."""
        existing = bulk.present(self.conn, self.table, "nhs_number", self.numbers)
        self.errors += [
            RowError(self.first_line[n], "nhs_number", "already registered in this database")
            for n in sorted(existing, key=self.first_line.__getitem__)
        ]
        self.numbers = []
        if self.errors:
            self.pending = []
            return
        if self.pending:
            self._write(self.pending)
            self.pending = []

    def _write(self, rows: list[dict[str, object]]) -> None:
        if self.writer is None:
            names = list(rows[0])
            self.values = itemgetter(*names)
            self.writer = bulk.TableWriter(
                self.conn, self.table, ["id", *names], constants=self.fixed
            )
            self.next_id = bulk.next_id(self.conn, self.table)
        values = self.values
        first = self.next_id
        ids = range(first, first + len(rows))
        # COPY on PostgreSQL raises the driver's own error, not SQLAlchemy's
        integrity = (sa.exc.IntegrityError, self.conn.dialect.loaded_dbapi.IntegrityError)
        try:
            self.writer.insert([(i, *values(c)) for i, c in zip(ids, rows, strict=True)])
        except integrity as exc:  # registered meanwhile; never the values
            raise ImportRejected([RowError(1, "file", RACED)]) from exc
        self.ids += ids
        self.next_id = first + len(rows)
