"""Loading demonstration data: only into an empty database, as one audited transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import func, select

from console.rules.vocab import Role
from console.services import history_tallies, tallies
from console.services.caches import refresh
from console.services.errors import Invalid, Refused
from console.services.roles import Action
from console.services.validated import validated
from db.models import Patient, Staff
from db.queries.caches import patient_ids

if TYPE_CHECKING:
    from console.demo import DemoSummary
    from console.services import Services

# The 999 test range holds about 909,000 valid NHS numbers.
MAX_PATIENTS = 900_000


@validated
class DemoService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def load(self, patients: int, seed: int = 1) -> DemoSummary:
        if not 1 <= patients <= MAX_PATIENTS:
            raise Invalid({"patients": f"must be between 1 and {MAX_PATIENTS:,}"})
        from console.demo import generate

        staff = self._s.staff
        with self._s.uow.write(staff, Action.ADMINISTER) as tx:
            if tx.session.exec(select(func.count()).select_from(Patient)).one():
                raise Refused(
                    "Demonstration data goes only into an empty database; this one has patients."
                )
            summary = generate(
                tx.session.connection(),
                patients=patients,
                seed=seed,
                today=self._s.clock.today(),
                owner_staff_id=staff.id,
            )
            # Every row cache by the one derivation the write paths use, whatever the
            # size, so `check` finds the caseload clean and a benchmark measures the
            # caches a practice would have.
            today = self._s.clock.today()
            tallies.untracked(tx.session)  # rebuilt once below
            for pid in patient_ids(session=tx.session):
                patient = tx.session.get(Patient, pid)
                assert patient is not None
                refresh(tx.session, patient, today, tallies=False)
            tallies.rebuild(tx.session, today)  # once, from every patient's caches
            history_tallies.rebuild(tx.session)  # and every patient's history
            # The loader may try everything: clinician as well as admin (SPEC §1).
            row = tx.session.get(Staff, staff.id)
            assert row is not None
            roles = set(row.roles.split(",")) | {Role.CLINICIAN.value}
            row.roles = ",".join(sorted(roles))
            tx.audit(
                "demo.load",
                detail={"patients": summary.patients, "reviews": summary.reviews, "seed": seed},
            )
        self._s.refresh_staff()
        if self._s.engine.dialect.name == "sqlite":
            # A big load passes through the WAL; give the disk back now, not at last close.
            raw = self._s.engine.raw_connection()  # outside the engine's BEGIN
            try:
                # Planner statistics: without them an equality filter (status, keyworker)
                # looks selective and thousands of rows get sorted.
                raw.driver_connection.execute("ANALYZE")  # type: ignore[union-attr]
                raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
            finally:
                raw.close()
        return summary
