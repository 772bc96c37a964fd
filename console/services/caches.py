"""The patient row caches: one refresh every write path calls in its own transaction, and
the check that recomputes them all from the source rows (`recovery-console check`).

`refresh` derives every cache (`console.rules.caches.derive`) from the rows as they
stand in the caller's transaction, so no path keeps its own copy of a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session

from console.rules import caches as rules
from console.services import history_tallies as kept_history
from console.services import tallies as kept
from console.services.roles import Action
from console.services.validated import validated
from db.models import Patient
from db.queries import caches as q

if TYPE_CHECKING:
    from console.services import Services
    from console.services.base import Tx


def derived(session: Session, patient: Patient, today: dt.date) -> rules.RowCaches:
    """The caches derived from the patient's source rows in this session."""
    return rules.derive(q.sources(session=session, patient=patient), today)


def refresh(
    session: Session, patient: Patient, today: dt.date, *, tallies: bool = True
) -> list[str]:
    """Set every row cache of the patient from its source rows (inside the caller's
    write transaction); the row's version moves when one changed. The indicator tallies
    and the indicator history move with them (a bulk path passes `tallies=False` and
    rebuilds both once after). Returns the names."""
    held = kept.held_row(session, patient)
    expected = derived(session, patient, today)
    changed = [n for n in rules.CACHE_FIELDS if getattr(patient, n) != getattr(expected, n)]
    for name in changed:
        setattr(patient, name, getattr(expected, name))
    if changed:
        patient.version += 1
        session.add(patient)
    if tallies:
        kept.move(session, patient, held)
        assert patient.id is not None
        kept_history.move(session, patient.id)
    return changed


@dataclass(frozen=True)
class Mismatch:
    nhs_number: str
    cache: str
    stored: object
    expected: object

    def __str__(self) -> str:
        return f"{self.nhs_number}: {self.cache}: {_text(self.stored)} → {_text(self.expected)}"


@dataclass(frozen=True)
class CheckResult:
    patients: int
    mismatches: tuple[Mismatch, ...]
    repaired: int = 0  # patients whose caches were rewritten
    tallies: tuple[kept.TallyMismatch, ...] = ()  # indicator tallies against a recount
    history: tuple[kept_history.HistoryMismatch, ...] = ()  # the indicator history, likewise

    @property
    def clean(self) -> bool:
        return not self.mismatches and not self.tallies and not self.history


def mismatches_of(session: Session, patient: Patient, today: dt.date) -> list[Mismatch]:
    expected = derived(session, patient, today)
    stored = rules.effective(rules.from_row(patient), today)
    return [
        Mismatch(patient.nhs_number, name, getattr(stored, name), getattr(expected, name))
        for name in rules.mismatches(rules.from_row(patient), expected, today)
    ]


@validated
class CacheService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def check(self, *, repair: bool = False) -> CheckResult:
        """Recompute every cache of every patient from its source rows, and the indicator
        tallies from the caches; with `repair`, rewrite the wrong ones (and rebuild the
        tallies) in one audited transaction."""
        today = self._s.clock.today()
        if not repair:
            with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
                found, count = self._scan(session, today)
                tallies = kept.mismatches(session.connection())
                past = kept_history.mismatches(session)
            return CheckResult(count, tuple(found), tallies=tuple(tallies), history=tuple(past))
        with self._s.uow.write(self._s.staff, Action.DATA_ADMIN) as tx:
            kept.untracked(tx.session)  # every row is read; the tallies are rebuilt below
            found, count = self._scan(tx.session, today)
            tallies = kept.mismatches(tx.session.connection())
            fixed = sorted({m.nhs_number for m in found})
            ids: list[int] = []
            for pid in q.patient_ids(session=tx.session):
                patient = tx.session.get(Patient, pid, with_for_update=True)
                assert patient is not None
                if patient.nhs_number in fixed:
                    refresh(tx.session, patient, today, tallies=False)
                    ids.append(pid)
            past = kept_history.mismatches(tx.session)
            if ids or tallies:
                kept.rebuild(tx.session, today)
            if ids or past:
                kept_history.rebuild(tx.session)
            tx.audit(
                "caches.repair",
                entity="patient",
                patient_ids=ids,
                detail={
                    "patients": len(ids),
                    "caches": sorted({m.cache for m in found}),
                    "tallies": len(tallies),
                    "history": len(past),
                },
            )
        return CheckResult(
            count, tuple(found), repaired=len(ids), tallies=tuple(tallies), history=tuple(past)
        )

    @staticmethod
    def _scan(session: Session, today: dt.date) -> tuple[list[Mismatch], int]:
        found: list[Mismatch] = []
        ids = q.patient_ids(session=session)
        for pid in ids:
            patient = session.get(Patient, pid)
            assert patient is not None
            found += mismatches_of(session, patient, today)
        return found, len(ids)

    def tallies(self) -> list[kept.TallyMismatch]:
        """The indicator tallies against a recount from the caches (the check's second
        half alone)."""
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            return kept.mismatches(session.connection())

    def history(self) -> list[kept_history.HistoryMismatch]:
        """The indicator history against a recount from the records."""
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            return kept_history.mismatches(session)

    def patient(self, patient_id: int) -> list[Mismatch]:
        """One patient's mismatches (tests, and the check after each write)."""
        today = self._s.clock.today()
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            patient = session.get(Patient, patient_id)
            if patient is None:
                return []
            return mismatches_of(session, patient, today)


def _text(value: object) -> str:
    if value is None or value == "":
        return "(none)"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def refresh_patient(tx: Tx, patient_id: int) -> list[str]:
    """`refresh` for a patient by id, on the transaction's own date."""
    patient = tx.session.get(Patient, patient_id, with_for_update=True)
    assert patient is not None
    return refresh(tx.session, patient, tx.at.date())
