"""Reviews (SPEC §2): start or reopen a draft, save it, finalise it (writing the
prescription change and the patient's caches in the same transaction), a clinician's
later OST decision on a pending review, and addenda to finalised reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import review as rules
from console.rules.vocab import OstDecision, PatientStatus, ReviewKind, ReviewStatus, Role
from console.services import caches, checkups
from console.services import review_checks as checks
from console.services import review_draft as draft
from console.services import review_dto as d
from console.services import review_views as v
from console.services.episodes import exit_review_of
from console.services.errors import Invalid, NotFound, Refused
from console.services.opening import opens
from console.services.review_store import (
    check_new_medicine,
    goal_events,
    needs_new_medicine,
    prescribe,
    store,
)
from console.services.review_store import new_medicine as new_medicine_of
from console.services.roles import Action
from console.services.validated import validated
from db.models import Patient, Review, ReviewAddendum
from db.queries import reviews as q

if TYPE_CHECKING:
    from console.services import Services
    from console.services.base import Tx


@validated
class ReviewService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def warm_up(self) -> None:
        """A draft's reads run once for no patient (id -1: no row matches, nothing is
        read or shown), so that their SQL is compiled after start-up rather than while
        the first review form opens (~35 ms of it; issue 19)."""
        today = self._s.clock.today()
        with Session(self._s.engine) as session:
            session.get(Patient, -1)
            q.open_draft(session=session, patient_id=-1, kind=ReviewKind.STRATEGIC)
            q.latest_episode(session=session, patient_id=-1)
            row = Review(id=-1, patient_id=-1, kind=ReviewKind.STRATEGIC, review_date=today)
            nobody = Patient(id=-1, nhs_number="", family_name="", given_name="")
            v.to_draft(session, row, nobody, frozenset())
            session.rollback()

    # -- reading ----------------------------------------------------------------------
    @opens("review")
    def start(self, patient_id: int, kind: str = ReviewKind.STRATEGIC) -> d.ReviewDraft:
        """A new draft review, or the open draft of this kind if there is one. A check-up
        needs a patient on post-exit check-ups; the other kinds an open episode."""
        if kind not in {k.value for k in ReviewKind}:
            raise Invalid({"kind": "not a review kind"})
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            patient = tx.session.get(Patient, patient_id)
            if patient is None:
                raise NotFound("no such patient")
            if patient.status == PatientStatus.DECEASED:
                raise Invalid({"kind": "this patient is recorded as deceased: no review"})
            row = q.open_draft(session=tx.session, patient_id=patient_id, kind=kind)
            action = "review.open"
            if row is None:
                episode_id = self._may_start(tx.session, patient, kind)
                today = self._s.clock.today()
                checkup = kind == ReviewKind.POST_EXIT_CHECKUP
                due, reason = (None, "") if checkup else checks.carried(kind, today, patient)
                if checks.after_exit(row_kind=kind, patient=patient):
                    due, reason = None, ""  # the episode has ended: no next review
                row = Review(
                    patient_id=patient_id,
                    episode_id=episode_id,
                    kind=kind,
                    review_date=today,
                    held_by=self._s.staff.id,
                    next_review_date=due,
                    next_review_reason=reason,
                )
                tx.session.add(row)
                tx.session.flush()
                action = "review.start"
            assert row.id is not None
            tx.audit(action, entity="review", entity_id=row.id, patient_id=patient_id)
            return v.to_draft(tx.session, row, patient, self._s.staff.roles)

    @staticmethod
    def _may_start(session: Session, patient: Patient, kind: str) -> int | None:
        """The episode a new review belongs to, or Invalid when this kind cannot start."""
        assert patient.id is not None
        if kind == ReviewKind.POST_EXIT_CHECKUP:
            if patient.status != PatientStatus.POST_EXIT_CHECKUPS:
                raise Invalid({"kind": "a check-up is for a patient on post-exit check-ups"})
            return None
        episode = q.latest_episode(session=session, patient_id=patient.id)
        if kind == ReviewKind.EXIT and episode is not None and episode["end_date"] is not None:
            # The episode just closed takes its exit review, once.
            if exit_review_of(session, int(episode["id"])) is not None:
                raise Invalid({"kind": "the last episode already has its exit review"})
            return int(episode["id"])
        if episode is None or episode["end_date"] is not None:
            raise Invalid({"kind": "this patient is not in treatment (no open episode)"})
        return int(episode["id"])

    @opens("review")
    def get(self, review_id: int) -> d.ReviewDraft:
        """A review with the previous one's values; viewing it is audited."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            row = self._row(tx.session, review_id)
            tx.audit("review.open", entity="review", entity_id=review_id, patient_id=row.patient_id)
            patient = tx.session.get(Patient, row.patient_id)
            assert patient is not None
            return v.to_draft(tx.session, row, patient, self._s.staff.roles)

    # -- writing ----------------------------------------------------------------------
    def save_draft(self, review_id: int, version: int, data: d.ReviewInput) -> d.SavedReview:
        """Always saves what was typed (SPEC §2): a value that is out of range, does not
        parse, or breaks a rule only finalise enforces is kept as its text, marked."""
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            row, patient = self._editable(tx, review_id, version)
            texts = draft.bounded(data.raw)
            errors = checks.errors(*self._who(), tx.session, row, patient, data, final=False)
            if "ost_decision" in errors and data.ost_decision in {o.value for o in OstDecision}:
                raise Invalid({"ost_decision": errors["ost_decision"]})  # the role, not a value
            data, demoted = draft.demote(data, errors, row.review_date)
            data, undated = draft.undated_test(data)
            data = replace(data, review_date=data.review_date or row.review_date)
            texts |= undated | demoted
            marks = {k: v for k, v in errors.items() if k in demoted or k in draft.KEEP}
            if "next_review_reason" in errors:
                marks["next_review_date"] = errors["next_review_reason"]
            store(tx.session, row, data)
            row.draft_texts = draft.texts_json(texts, marks)
            tx.audit("review.save", entity="review", entity_id=review_id, patient_id=row.patient_id)
            return replace(self._saved(row), marks=marks)

    def check_finalise(self, review_id: int, data: d.ReviewInput) -> dict[str, str]:
        """Everything that would stop `finalise`, without writing (empty = complete)."""
        with self._s.uow.read(self._s.staff, Action.EDIT_CARE) as session:
            row = self._row(session, review_id)
            patient = session.get(Patient, row.patient_id)
            assert patient is not None
            if row.status != ReviewStatus.DRAFT:
                raise Refused("This review is finalised: a correction is an addendum.")
            return checks.final_errors(*self._who(), session, row, patient, data)[1]

    def finalise(self, review_id: int, version: int, data: d.ReviewInput) -> d.SavedReview:
        staff = self._s.staff
        with self._s.uow.write(staff, Action.EDIT_CARE) as tx:
            row, patient = self._editable(tx, review_id, version)
            if row.kind == ReviewKind.POST_EXIT_CHECKUP:
                data = self._checked(tx.session, row, patient, data, final=True)
                if data.raw:
                    raise Invalid({k: checks.NOT_A_VALUE for k in data.raw})
                row.draft_texts = ""
                offers = checkups.finalise_checkup(tx, row, patient, data)
                return replace(self._saved(row), offers_reentry=offers)
            data, errors, goals = checks.final_errors(*self._who(), tx.session, row, patient, data)
            if errors:
                raise Invalid(errors)
            data = replace(data, review_date=data.review_date or row.review_date)
            row.draft_texts = ""
            store(tx.session, row, data)
            at = tx.at.in_timezone("UTC").isoformat()
            row.status = ReviewStatus.FINALISED.value
            row.finalised_at = at
            goal_events(tx, row, goals, data, at)
            if data.ost_decision != OstDecision.PENDING:
                row.ost_decided_by, row.ost_decided_at = staff.id, at
                start = new_medicine_of(data) if data.new_medicine else None
                prescribe(tx, row, patient, start)
            caches.refresh(tx.session, patient, tx.at.date())
            tx.audit(
                "review.finalise",
                entity="review",
                entity_id=review_id,
                patient_id=row.patient_id,
                detail={"kind": row.kind, "ost_decision": row.ost_decision},
            )
            return self._saved(row)

    def record_ost_decision(
        self,
        review_id: int,
        decision: str,
        rationale: str = "",
        new_dose_mg: float | None = None,
        new_dose_from: dt.date | None = None,
        new_medicine: str = "",
        new_interval: str = "",
        new_dispensing: str = "",
    ) -> d.ReviewDraft:
        """A clinician records the decision a recovery worker left pending (who, when); a
        `start` (or a first dose) names the medicine, interval and dispensing."""
        with self._s.uow.write(self._s.staff, Action.OST_DECISION) as tx:
            row = self._row(tx.session, review_id, lock=True)
            if row.status != ReviewStatus.FINALISED or row.ost_decision != OstDecision.PENDING:
                raise Refused("This review has no pending OST decision to record.")
            choice = rules.OstChoice(decision, rationale, new_dose_mg, new_dose_from)
            errors = rules.check_ost(choice, row.review_date)
            if decision in ("", OstDecision.PENDING):
                errors["ost_decision"] = "choose the decision"
            given = d.ReviewInput(
                new_dose_mg=new_dose_mg,
                new_medicine=new_medicine,
                new_interval=new_interval,
                new_dispensing=new_dispensing,
            )
            start = None
            if needs_new_medicine(tx.session, row.patient_id, decision):
                for key, message in check_new_medicine(given, final=True).items():
                    errors.setdefault(key, message)
                start = new_medicine_of(given)
            if errors:
                raise Invalid(errors)
            patient = tx.session.get(Patient, row.patient_id, with_for_update=True)
            assert patient is not None
            row.ost_decision, row.ost_rationale = decision, rationale.strip()
            row.new_dose_mg, row.new_dose_from = new_dose_mg, new_dose_from
            row.ost_decided_by = self._s.staff.id
            row.ost_decided_at = tx.at.in_timezone("UTC").isoformat()
            row.version += 1
            prescribe(tx, row, patient, start)
            caches.refresh(tx.session, patient, tx.at.date())
            tx.audit(
                "review.ost_decision",
                entity="review",
                entity_id=review_id,
                patient_id=row.patient_id,
                detail={"ost_decision": decision},
            )
            return v.to_draft(tx.session, row, patient, self._s.staff.roles)

    def add_addendum(
        self, review_id: int, field: str, new_value: str, reason: str
    ) -> d.ReviewDraft:
        """Correct one value of a finalised review; the original stays as it was."""
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            row = self._row(tx.session, review_id, lock=True)
            if row.status != ReviewStatus.FINALISED:
                raise Refused("A draft is edited directly; addenda are for finalised reviews.")
            new_value = new_value.strip()
            error = v.check_field(field, new_value)
            errors = {field: error} if error else {}
            if not reason.strip():
                errors["reason"] = "say why the value is corrected"
            if errors:
                raise Invalid(errors)
            old = v.current_value(tx.session, review_id, field)
            tx.session.add(
                ReviewAddendum(
                    review_id=review_id,
                    at=tx.at.in_timezone("UTC").isoformat(),
                    by_staff=self._s.staff.id,
                    field=field,
                    old_value=old,
                    new_value=new_value,
                    reason=reason.strip(),
                )
            )
            tx.session.flush()
            patient = tx.session.get(Patient, row.patient_id, with_for_update=True)
            assert patient is not None
            caches.refresh(tx.session, patient, tx.at.date())
            row.version += 1
            tx.audit(
                "review.addendum",
                entity="review",
                entity_id=review_id,
                patient_id=row.patient_id,
                detail={"field": field},
            )
            return v.to_draft(tx.session, row, patient, self._s.staff.roles)

    # -- helpers ----------------------------------------------------------------------
    def _who(self) -> tuple[dt.date, frozenset[Role]]:
        """Today and the staff member's roles, which the checks depend on."""
        return self._s.clock.today(), self._s.staff.roles

    def _saved(self, row: Review) -> d.SavedReview:
        assert row.id is not None
        decided = row.ost_decided_by is not None and row.ost_decided_by == self._s.staff.id
        return d.SavedReview(
            id=row.id,
            version=row.version,
            status=row.status,
            ost_decision=row.ost_decision,
            ost_decided_by=self._s.staff.name if decided else "",
            finalised_at=row.finalised_at,
        )

    @staticmethod
    def _row(session: Session, review_id: int, lock: bool = False) -> Review:
        row = session.get(Review, review_id, with_for_update=lock)
        if row is None:
            raise NotFound("no such review")
        return row

    def _editable(self, tx: Tx, review_id: int, version: int) -> tuple[Review, Patient]:
        row = self._row(tx.session, review_id, lock=True)
        if row.status != ReviewStatus.DRAFT:
            raise Refused("This review is finalised: a correction is an addendum.")
        tx.check_version(row, version, "review", self._s.clock.tz)
        with tx.session.no_autoflush:  # the version bump goes with the review's other changes
            patient = tx.session.get(Patient, row.patient_id, with_for_update=True)
        assert patient is not None
        return row, patient

    def _checked(
        self,
        session: Session,
        row: Review,
        patient: Patient,
        data: d.ReviewInput,
        *,
        final: bool = False,
        goals: Sequence[sa.Row[Any]] | None = None,
    ) -> d.ReviewInput:
        """Every range and rule at once; Invalid maps each field to its message."""
        errors = checks.errors(
            self._s.clock.today(),
            self._s.staff.roles,
            session,
            row,
            patient,
            data,
            final=final,
            goals=goals,
        )
        if errors:
            raise Invalid(errors)
        if row.kind == ReviewKind.POST_EXIT_CHECKUP:
            return replace(
                data,
                review_date=data.review_date or row.review_date,
                next_review_date=None,
                next_review_reason="",
            )
        return replace(data, review_date=data.review_date or row.review_date)
