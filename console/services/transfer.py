"""Patient import and export in the CSV format of reference/patients-import.md
(the file itself: `transfer_csv`).

Both run in constant memory whatever the caseload (SPEC §8). Export streams the patient
table in batches and writes as it reads. Import reads the file once, checking each row
and writing it in batches inside one write transaction that is rolled back whole if any
row is bad, every bad row named (`transfer_import`). An import or an export is one audit
event listing its patients (SPEC §2).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from console.rules import tallies as rules
from console.rules.caches import RowCaches, for_new_patient
from console.services import outputs
from console.services.roles import Action
from console.services.transfer_csv import (
    COLUMNS,
    ImportRejected,
    OutputExists,
    RowError,
    csv_row,
    escape,
    unescape,
    write_private,
)
from console.services.transfer_import import OnePass
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


@validated
class TransferService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def import_patients(self, path: Path) -> int:
        """Every row of the file, or none: checked and written in one pass inside one
        write transaction, rolled back whole if any row is bad (`transfer_import`)."""
        staff = self._s.staff
        self._s.uow.require(staff, Action.DATA_ADMIN)
        today = self._s.clock.today()
        status = str(Patient.model_fields["status"].default)
        # every new row holds the same indicator tally keys (no keyworker, no episode)
        keys = rules.contribution(RowCaches(status=status, **for_new_patient(status, today)), None)
        with self._s.uow.write(staff, Action.DATA_ADMIN) as tx:
            connection = tx.session.connection()
            ids = OnePass(connection, today, BATCH).run(path)
            tallies.move(connection, [(k, len(ids)) for k in sorted(keys)])
            tx.audit("patient.import", entity="patient", patient_ids=ids, detail={"rows": len(ids)})
        return len(ids)

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
