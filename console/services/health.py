"""Health checks (SPEC §2): dated events, the injecting status, and the Patient row caches
they feed (last_naloxone, last_hcv_test, hbv_course_completed, injecting_status and
injecting_recorded), recomputed from the events in the transaction that changes them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlmodel import Session

from console.rules import health as rules
from console.rules.vocab import HealthCheckKind, InjectingStatus
from console.services import caches
from console.services.errors import Invalid, NotFound
from console.services.health_dto import HealthInput, HealthRow, HealthView
from console.services.opening import Opening, needs_opening, opens
from console.services.roles import Action, allowed
from console.services.validated import validated
from db.models import HealthCheck, Patient
from db.queries import health as q

if TYPE_CHECKING:
    from console.services import Services
    from console.services.base import Tx

REASON_LIMIT = 200
AREA = "health"


@validated
class HealthService:
    def __init__(self, services: Services) -> None:
        self._s = services

    @opens(AREA)
    def open(self, patient_id: int) -> HealthView:
        """The health record, newest first; the opening is audited (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            opening = self._s.openings.open(tx, patient_id, AREA)
            return self._view(tx.session, opening)

    @needs_opening(AREA)
    def for_patient(self, opening: Opening) -> HealthView:
        """The record again (after a change) within an opening: no further event."""
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            return self._view(session, opening)

    def record(self, patient_id: int, data: HealthInput) -> HealthRow:
        today = self._s.clock.today()
        detail = " ".join(data.detail.split())
        if data.kind == HealthCheckKind.NALOXONE:
            detail = rules.naloxone_detail(detail, data.family_trained)
        errors = rules.check_health(data.kind, data.check_date, data.result, detail, today)
        if errors:
            raise Invalid(errors)
        assert data.check_date is not None
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            return self._add(tx, patient_id, data.kind, data.check_date, data.result, detail)

    def set_injecting_status(self, patient_id: int, status: str) -> HealthRow:
        """Record today's answer to "do you inject?" as an event, and the patient's status."""
        if status not in {s.value for s in InjectingStatus}:
            raise Invalid({"status": "choose never, previously, currently or declined to answer"})
        today = self._s.clock.today()
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            kind = HealthCheckKind.INJECTING_STATUS.value
            return self._add(tx, patient_id, kind, today, status, "")

    def remove(self, event_id: int, version: int, reason: str) -> None:
        """A correction: the event goes, the reason stays in the audit log."""
        why = " ".join(reason.split())
        if not why:
            raise Invalid({"reason": "say why the record is being removed"})
        if len(why) > REASON_LIMIT:
            raise Invalid({"reason": f"at most {REASON_LIMIT} characters"})
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            row = tx.session.get(HealthCheck, event_id)
            if row is None:
                raise NotFound("no such health record")
            patient = _patient(tx.session, row.patient_id)
            tx.check_version(row, version, "health record", self._s.clock.tz)
            kept = {"kind": row.kind, "date": row.check_date.isoformat(), "result": row.result}
            tx.session.delete(row)
            tx.session.flush()
            _refresh(tx, patient, row.kind)
            tx.audit(
                "health.remove",
                entity="health_check",
                entity_id=event_id,
                patient_id=row.patient_id,
                detail={**kept, "reason": why},
            )

    # -- helpers ------------------------------------------------------------------------
    def _add(
        self, tx: Tx, patient_id: int, kind: str, on: dt.date, result: str, detail: str
    ) -> HealthRow:
        patient = _patient(tx.session, patient_id)
        row = HealthCheck(
            patient_id=patient_id,
            kind=kind,
            check_date=on,
            result=result,
            detail=detail,
            recorded_by=tx.staff.id,
        )
        tx.session.add(row)
        tx.session.flush()
        _refresh(tx, patient, kind)
        assert row.id is not None
        tx.audit(
            "health.injecting" if kind == HealthCheckKind.INJECTING_STATUS else "health.record",
            entity="health_check",
            entity_id=row.id,
            patient_id=patient_id,
            detail={"kind": kind, "date": on.isoformat(), "result": result},
        )
        return HealthRow(row.id, kind, on, result, detail, tx.staff.name, row.version)

    def _view(self, session: Session, opening: Opening) -> HealthView:
        patient_id = opening.patient_id
        patient = session.get(Patient, patient_id)
        if patient is None:
            raise NotFound("no such patient")
        events = tuple(
            HealthRow(
                r["id"],
                r["kind"],
                r["check_date"],
                r["result"],
                r["detail"],
                r["recorded_by_name"] or "",
                r["version"],
            )
            for r in q.events(session=session, patient_id=patient_id)
        )
        return HealthView(
            patient_id=patient_id,
            events=events,
            injecting_status=patient.injecting_status,
            injecting_recorded=patient.injecting_recorded,
            last_naloxone=patient.last_naloxone,
            last_hcv_test=patient.last_hcv_test,
            hbv_course_completed=patient.hbv_course_completed,
            can_edit=allowed(self._s.staff.roles, Action.EDIT_CARE),
            opening=opening,
        )


def _patient(session: Session, patient_id: int) -> Patient:
    row = session.get(Patient, patient_id, with_for_update=True)
    if row is None:
        raise NotFound("no such patient")
    return row


def _refresh(tx: Tx, patient: Patient, kind: str) -> None:
    """The injecting status from the events, then every row cache (the naloxone, hepatitis
    and injecting dates among them) from the source rows (`caches.refresh`).

    The injecting status is left alone while no injecting event exists (it may have come
    from an import), unless the event just added or removed was one.
    """
    assert patient.id is not None
    events = [
        rules.Event(r["kind"], _as_date(r["check_date"]), r["result"])
        for r in q.facts(session=tx.session, patient_id=patient.id)
    ]
    injecting = HealthCheckKind.INJECTING_STATUS
    if kind == injecting or any(e.kind == injecting for e in events):
        status, _ = rules.injecting(events)
        if patient.injecting_status != status:
            patient.injecting_status = status
            patient.version += 1
    caches.refresh(tx.session, patient, tx.at.date())


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
