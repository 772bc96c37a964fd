"""Family members and supporters (SPEC §2), and the considered answer when there are none
("no one to involve" or "declines"), which the family-involvement indicator counts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, select

from console.services import caches
from console.services.errors import Invalid, NotFound
from console.services.health_dto import FamilyView, SupporterInput, SupporterRow
from console.services.opening import Opening, needs_opening, opens
from console.services.roles import Action, allowed
from console.services.validated import validated
from db.models import FamilyMember, Patient

if TYPE_CHECKING:
    from console.services import Services

NONE_TO_INVOLVE = "none_to_involve"
DECLINES = "declines"
INVOLVEMENT = ("", NONE_TO_INVOLVE, DECLINES)
AREA = "family"
LIMITS = {"name": 120, "relationship": 60, "contact": 120}


def check_supporter(data: SupporterInput) -> tuple[SupporterInput, dict[str, str]]:
    """(cleaned input, errors by field): name and relationship required, lengths capped."""
    clean = SupporterInput(
        " ".join(data.name.split()),
        " ".join(data.relationship.split()),
        " ".join(data.contact.split()),
        bool(data.consent_involvement),
        bool(data.support_offered),
    )
    errors: dict[str, str] = {}
    if not clean.name:
        errors["name"] = "name is required"
    if not clean.relationship:
        errors["relationship"] = "relationship is required (e.g. mother, partner, friend)"
    for field, limit in LIMITS.items():
        if len(getattr(clean, field)) > limit:
            errors[field] = f"at most {limit} characters"
    return clean, errors


def _row(m: FamilyMember) -> SupporterRow:
    assert m.id is not None
    return SupporterRow(
        m.id, m.name, m.relationship, m.contact, m.consent_involvement, m.support_offered, m.version
    )


def _detail(data: SupporterInput) -> dict[str, object]:
    # No names or contact details in the audit detail: the row itself holds them.
    return {"consent": data.consent_involvement, "support_offered": data.support_offered}


@validated
class FamilyService:
    def __init__(self, services: Services) -> None:
        self._s = services

    @opens(AREA)
    def open(self, patient_id: int) -> FamilyView:
        """The patient's family and supporters; the opening is audited (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            opening = self._s.openings.open(tx, patient_id, AREA)
            return self._view(tx.session, opening)

    @needs_opening(AREA)
    def for_patient(self, opening: Opening) -> FamilyView:
        """The list again (after a change) within an opening: no further event."""
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            return self._view(session, opening)

    def _view(self, session: Session, opening: Opening) -> FamilyView:
        patient = session.get(Patient, opening.patient_id)
        if patient is None:
            raise NotFound("no such patient")
        return FamilyView(
            opening.patient_id,
            tuple(_row(m) for m in _members(session, opening.patient_id)),
            patient.family_involvement,
            allowed(self._s.staff.roles, Action.EDIT_CARE),
            opening,
        )

    def add(self, patient_id: int, data: SupporterInput) -> SupporterRow:
        clean, errors = check_supporter(data)
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            patient = _patient(tx.session, patient_id)
            row = FamilyMember(
                patient_id=patient_id,
                name=clean.name,
                relationship=clean.relationship,
                contact=clean.contact,
                consent_involvement=clean.consent_involvement,
                support_offered=clean.support_offered,
                added_on=tx.at.date(),  # so a past date counts only what was there
            )
            tx.session.add(row)
            if patient.family_involvement == NONE_TO_INVOLVE:
                # Someone to involve after all: the old answer no longer holds.
                patient.family_involvement = ""
                patient.family_involvement_on = None
                patient.version += 1
            tx.session.flush()
            caches.refresh(tx.session, patient, tx.at.date())  # family considered
            tx.audit(
                "family.add",
                entity="family_member",
                entity_id=row.id,
                patient_id=patient_id,
                detail=_detail(clean),
            )
            return _row(row)

    def edit(self, member_id: int, version: int, data: SupporterInput) -> SupporterRow:
        clean, errors = check_supporter(data)
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            row = _member(tx.session, member_id)
            tx.check_version(row, version, "family member", self._s.clock.tz)
            row.name = clean.name
            row.relationship = clean.relationship
            row.contact = clean.contact
            row.consent_involvement = clean.consent_involvement
            row.support_offered = clean.support_offered
            tx.session.flush()
            tx.audit(
                "family.edit",
                entity="family_member",
                entity_id=member_id,
                patient_id=row.patient_id,
                detail=_detail(clean),
            )
            return _row(row)

    def remove(self, member_id: int, version: int) -> None:
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            row = _member(tx.session, member_id)
            tx.check_version(row, version, "family member", self._s.clock.tz)
            patient_id = row.patient_id
            tx.session.delete(row)
            tx.session.flush()
            caches.refresh(tx.session, _patient(tx.session, patient_id), tx.at.date())
            tx.audit(
                "family.remove",
                entity="family_member",
                entity_id=member_id,
                patient_id=patient_id,
            )

    def set_involvement(self, patient_id: int, value: str) -> str:
        """Record "no one to involve", "declines", or clear the answer ("")."""
        if value not in INVOLVEMENT:
            raise Invalid({"involvement": "choose no one to involve, declines, or clear"})
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            patient = _patient(tx.session, patient_id)
            if value == NONE_TO_INVOLVE and _members(tx.session, patient_id):
                raise Invalid(
                    {"involvement": "family or supporters are recorded: remove them first"}
                )
            if patient.family_involvement != value:
                patient.family_involvement = value
                patient.family_involvement_on = tx.at.date() if value else None
                patient.version += 1
            caches.refresh(tx.session, patient, tx.at.date())
            tx.audit(
                "family.involvement",
                entity="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                detail={"involvement": value},
            )
            return value


def _patient(session: Session, patient_id: int) -> Patient:
    row = session.get(Patient, patient_id, with_for_update=True)
    if row is None:
        raise NotFound("no such patient")
    return row


def _member(session: Session, member_id: int) -> FamilyMember:
    row = session.get(FamilyMember, member_id)
    if row is None:
        raise NotFound("no such family member")
    # Lock the patient too, so involvement and members change one at a time.
    _patient(session, row.patient_id)
    return row


def _members(session: Session, patient_id: int) -> list[FamilyMember]:
    return list(
        session.exec(
            select(FamilyMember)
            .where(FamilyMember.patient_id == patient_id)
            .order_by(FamilyMember.id)  # type: ignore[arg-type]
        ).all()
    )
