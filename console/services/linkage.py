"""A patient's links to recovery resources and their follow-up (SPEC §2, §4).

Each write keeps `Patient.next_linkage_followup` right in the same transaction: the
earliest follow-up among the patient's links still open (no outcome, or 'not yet').
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import sqlalchemy as sa

from console.rules.vocab import LinkageMethod, LinkageOutcome, PatientStatus
from console.services import caches
from console.services.base import Tx
from console.services.errors import Invalid, NotFound, Refused
from console.services.linkage_dto import LinkRow
from console.services.opening import Opening, needs_opening, opens
from console.services.roles import Action
from console.services.validated import validated
from db.models import Linkage, Patient, Resource
from db.queries import linkage as q

if TYPE_CHECKING:
    from console.services import Services

WHAT = "link"
AREA = "linkage"
YEAR = dt.timedelta(days=366)
CLOSING = frozenset({LinkageOutcome.ATTENDED, LinkageOutcome.DECLINED, LinkageOutcome.STOPPED})


def to_link(r: sa.RowMapping) -> LinkRow:
    return LinkRow(
        id=r["id"],
        patient_id=r["patient_id"],
        resource_id=r["resource_id"],
        resource_name=r["resource_name"],
        resource_kind=r["resource_kind"],
        method=r["method"],
        linked_on=r["linked_on"],
        follow_up_date=r["follow_up_date"],
        outcome=r["outcome"],
        first_attended=r["first_attended"],
        version=r["version"],
    )


def check_link(
    method: str, linked_on: dt.date, follow_up_date: dt.date | None, today: dt.date
) -> None:
    errors: dict[str, str] = {}
    if method not in {m.value for m in LinkageMethod}:
        errors["method"] = "choose how the patient was linked"
    if linked_on > today:
        errors["linked_on"] = "the link date cannot be in the future"
    if follow_up_date is None:
        errors["follow_up_date"] = "a follow-up date is required"
    elif follow_up_date < linked_on:
        errors["follow_up_date"] = "the follow-up cannot be before the link date"
    elif follow_up_date > linked_on + YEAR:
        errors["follow_up_date"] = "the follow-up must be within a year of the link date"
    if errors:
        raise Invalid(errors)


def check_outcome(
    outcome: str, first_attended: dt.date | None, next_follow_up: dt.date | None, today: dt.date
) -> None:
    """What can be checked without the link; the link date is checked in the write."""
    errors: dict[str, str] = {}
    if outcome not in {o.value for o in LinkageOutcome}:
        raise Invalid({"outcome": "choose an outcome"})
    if outcome == LinkageOutcome.ATTENDED:
        if first_attended is None:
            errors["first_attended"] = "attended needs the date first attended"
        elif first_attended > today:
            errors["first_attended"] = "the date first attended cannot be in the future"
    elif first_attended is not None:
        errors["first_attended"] = "only an attended link has a first-attended date"
    if outcome == LinkageOutcome.NOT_YET:
        if next_follow_up is None:
            errors["next_follow_up"] = "not yet needs the next follow-up date"
        elif next_follow_up <= today:
            errors["next_follow_up"] = "the next follow-up must be after today"
        elif next_follow_up > today + YEAR:
            errors["next_follow_up"] = "the next follow-up must be within a year"
    elif next_follow_up is not None:
        errors["next_follow_up"] = "only a 'not yet' outcome takes a next follow-up"
    if errors:
        raise Invalid(errors)


@validated
class LinkageService:
    def __init__(self, services: Services) -> None:
        self._s = services

    @opens(AREA)
    def open(self, patient_id: int) -> Opening:
        """Open a patient's links (the screen, once): the opening is audited (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            return self._s.openings.open(tx, patient_id, AREA)

    @needs_opening(AREA)
    def for_patient(self, opening: Opening) -> list[LinkRow]:
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            if session.get(Patient, opening.patient_id) is None:
                raise NotFound("no such patient")
            rows = q.links(session=session, patient_id=opening.patient_id)
            return [to_link(r) for r in rows]

    def link(
        self,
        patient_id: int,
        resource_id: int,
        method: str,
        linked_on: dt.date,
        follow_up_date: dt.date | None,
    ) -> LinkRow:
        check_link(method, linked_on, follow_up_date, self._s.clock.today())
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            patient = _patient(tx, patient_id)
            if patient.status == PatientStatus.DECEASED:
                raise Refused("This patient is recorded as deceased: no link can be added.")
            resource = tx.session.get(Resource, resource_id)
            if resource is None:
                raise Invalid({"resource": "choose a resource from the directory"})
            if not resource.active:
                raise Invalid({"resource": "this resource is retired: choose an active one"})
            row = Linkage(
                patient_id=patient_id,
                resource_id=resource_id,
                linked_on=linked_on,
                method=method,
                follow_up_date=follow_up_date,
                linked_by=self._s.staff.id,
            )
            tx.session.add(row)
            tx.session.flush()
            _refresh(tx, patient)
            assert follow_up_date is not None and row.id is not None
            tx.audit(
                "linkage.add",
                entity="linkage",
                entity_id=row.id,
                patient_id=patient_id,
                detail={
                    "resource_id": resource_id,
                    "method": method,
                    "linked_on": linked_on.isoformat(),
                    "follow_up": follow_up_date.isoformat(),
                },
            )
            return _read(tx, row.id)

    def record_outcome(
        self,
        link_id: int,
        version: int,
        outcome: str,
        first_attended: dt.date | None = None,
        next_follow_up: dt.date | None = None,
    ) -> LinkRow:
        check_outcome(outcome, first_attended, next_follow_up, self._s.clock.today())
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            row = tx.session.get(Linkage, link_id, with_for_update=True)
            if row is None:
                raise NotFound("no such link")
            patient = _patient(tx, row.patient_id)
            tx.check_version(row, version, WHAT, self._s.clock.tz)
            if first_attended is not None and first_attended < row.linked_on:
                raise Invalid({"first_attended": "first attended cannot be before the link date"})
            row.outcome = outcome
            if outcome == LinkageOutcome.ATTENDED:
                row.first_attended = first_attended
            if outcome == LinkageOutcome.NOT_YET:
                row.follow_up_date = next_follow_up
            elif outcome in CLOSING:
                row.follow_up_date = None  # closed: nothing left to follow up
            tx.session.flush()
            _refresh(tx, patient)
            detail: dict[str, object] = {"outcome": outcome}
            if first_attended is not None:
                detail["first_attended"] = first_attended.isoformat()
            if next_follow_up is not None:
                detail["follow_up"] = next_follow_up.isoformat()
            tx.audit(
                "linkage.outcome",
                entity="linkage",
                entity_id=link_id,
                patient_id=row.patient_id,
                detail=detail,
            )
            return _read(tx, link_id)


def _patient(tx: Tx, patient_id: int) -> Patient:
    row = tx.session.get(Patient, patient_id, with_for_update=True)
    if row is None:
        raise NotFound("no such patient")
    return row


def _refresh(tx: Tx, patient: Patient) -> None:
    """Recompute the row caches (the follow-up among them) from the source rows, and bump
    the row (an open link form sees the change)."""
    assert patient.id is not None
    if not caches.refresh(tx.session, patient, tx.at.date()):
        patient.version += 1  # (a refresh that changed a cache has moved it already)


def _read(tx: Tx, link_id: int) -> LinkRow:
    tx.session.flush()
    found = q.link(session=tx.session, link_id=link_id)
    assert found is not None
    return to_link(found)
