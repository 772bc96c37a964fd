"""Post-exit recovery check-ups (SPEC §4, reference/recovery-checkups.md): where a patient
stands in the schedule, what a finalised check-up moves, re-entry to treatment after a
yes to a need-for-treatment question, and renewal for another year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from console.rules import barc10
from console.rules import review as rules
from console.rules.schedule import CHECKUPS, CHECKUPS_PER_RENEWAL, checkup_due_after
from console.rules.vocab import EXIT_REASONS, ExitGroup, PatientStatus, ReviewKind, ReviewStatus
from console.services import caches
from console.services import review_dto as d
from console.services.dto import EpisodeChange
from console.services.episodes import open_episode
from console.services.errors import Invalid, NotFound, Refused
from console.services.review_store import store
from console.services.roles import Action
from console.services.validated import validated
from db.models import Patient, Review
from db.queries import reviews as q

if TYPE_CHECKING:
    from sqlmodel import Session

    from console.services import Services
    from console.services.base import Tx

REENTRY_REFERRAL = "post-exit check-up"


@dataclass(frozen=True)
class Position:
    """A patient's place in the check-up schedule of their last exit."""

    exit_date: dt.date
    exit_reason: str
    done: int  # finalised check-ups since the exit
    planned: int
    problem_substances: str


def position(session: Session, patient: Patient) -> Position | None:
    """None while an episode is open or before any episode ended."""
    assert patient.id is not None
    ep = q.latest_episode(session=session, patient_id=patient.id)
    if ep is None or ep["end_date"] is None:
        return None
    done = q.checkups_done(session=session, patient_id=patient.id, since=ep["end_date"])
    return Position(
        exit_date=ep["end_date"],
        exit_reason=ep["exit_reason"],
        done=done,
        planned=patient.checkups_planned or CHECKUPS,
        problem_substances=ep["problem_substances"],
    )


def needs(data: d.ReviewInput | Review) -> dict[str, bool | None]:
    return {key: getattr(data, key) for key in rules.NEED_QUESTIONS}


def finalise_checkup(tx: Tx, row: Review, patient: Patient, data: d.ReviewInput) -> bool:
    """Finalise a checked check-up's short form and move the schedule (count-based: after
    the n-th the (n+1)-th planned date is due; after the last the patient is discharged).
    The review schedule (`next_review_due`) is not touched. True when it offers re-entry."""
    assert data.review_date is not None
    if patient.status != PatientStatus.POST_EXIT_CHECKUPS:
        raise Refused("This patient is no longer on post-exit check-ups.")
    pos = position(tx.session, patient)
    if pos is None:  # pragma: no cover - the status implies an ended episode
        raise Refused("This patient has no ended episode to check up after.")
    missing = rules.missing_for_checkup(
        top_values=data.top,
        top_not_answered=data.top_not_answered,
        barc_answers=data.barc10,
        barc_declined=data.barc10_declined,
        needs=needs(data),
    )
    if data.review_date < pos.exit_date:
        missing["review_date"] = f"a check-up cannot be before the exit ({pos.exit_date:%d/%m/%Y})"
    if missing:
        raise Invalid(missing)
    store(tx.session, row, data)
    row.status = ReviewStatus.FINALISED.value
    row.finalised_at = tx.at.in_timezone("UTC").isoformat()
    total = barc10.total(data.barc10)
    if total is not None:
        patient.last_barc10_total = total
    done = pos.done + 1
    due = checkup_due_after(pos.exit_date, pos.planned, done)
    patient.next_checkup_due = due
    if due is None:
        patient.status = PatientStatus.DISCHARGED.value
    patient.version += 1
    caches.refresh(tx.session, patient, tx.at.date())
    offers = rules.offers_reentry(needs(data))
    tx.audit(
        "review.finalise",
        entity="review",
        entity_id=row.id,
        patient_id=row.patient_id,
        detail={"kind": row.kind, "checkup": done, "offers_reentry": offers},
    )
    if due is None:
        tx.audit(
            "checkups.end",
            entity="patient",
            entity_id=patient.id,
            patient_id=patient.id,
            detail={"checkups": done, "planned": pos.planned},
        )
    return offers


@validated
class CheckupService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def reentry(
        self, review_id: int, accept: bool, start_date: dt.date | None = None
    ) -> EpisodeChange | None:
        """After a check-up's yes: accept opens a new episode (which stops the schedule);
        decline keeps the patient on check-ups, and the next check-up shows it."""
        today = self._s.clock.today()
        start = start_date or today
        if accept and start > today:
            raise Invalid({"start_date": "the start date cannot be in the future"})
        with self._s.uow.write(self._s.staff, Action.MANAGE_EPISODES) as tx:
            row = tx.session.get(Review, review_id, with_for_update=True)
            if row is None:
                raise NotFound("no such review")
            if row.kind != ReviewKind.POST_EXIT_CHECKUP or row.status != ReviewStatus.FINALISED:
                raise Refused("Re-entry is offered from a finalised post-exit check-up.")
            if not rules.offers_reentry(needs(row)):
                raise Refused("This check-up answered no to every need-for-treatment question.")
            if row.reentry:
                raise Refused(f"Re-entry was already {row.reentry} at this check-up.")
            patient = _patient(tx.session, row.patient_id)
            if patient.status != PatientStatus.POST_EXIT_CHECKUPS:
                raise Refused("This patient is no longer on post-exit check-ups.")
            change = None
            if accept:
                if start < row.review_date:
                    raise Invalid(
                        {"start_date": "the new episode cannot start before the check-up"}
                    )
                last = q.latest_episode(session=tx.session, patient_id=row.patient_id)
                substances = last["problem_substances"] if last else ""
                patient = open_episode(tx, row.patient_id, start, REENTRY_REFERRAL, substances)
                change = _change(patient)
            row.reentry = "accepted" if accept else "declined"
            row.version += 1
            detail: dict[str, object] = {"reentry": row.reentry}
            if accept:
                detail["start"] = start.isoformat()
            tx.audit(
                "checkups.reentry",
                entity="review",
                entity_id=review_id,
                patient_id=row.patient_id,
                detail=detail,
            )
            return change

    def renew(self, patient_id: int) -> EpisodeChange:
        """Four more check-ups (another year), counted on from the same exit date; for a
        patient on check-ups, or discharged when the schedule of a successful exit ended."""
        with self._s.uow.write(self._s.staff, Action.MANAGE_EPISODES) as tx:
            patient = _patient(tx.session, patient_id)
            pos = position(tx.session, patient)
            on_checkups = patient.status == PatientStatus.POST_EXIT_CHECKUPS
            ended = (
                patient.status == PatientStatus.DISCHARGED
                and pos is not None
                and pos.done >= pos.planned
                and EXIT_REASONS.get(pos.exit_reason, ("", None))[1] is ExitGroup.SUCCESSFUL
            )
            if pos is None or not (on_checkups or ended):
                raise Refused(
                    "Check-ups can be renewed while they run, or when the schedule after a "
                    "successful exit has ended."
                )
            planned = max(pos.planned, pos.done) + CHECKUPS_PER_RENEWAL
            patient.checkups_planned = planned
            patient.status = PatientStatus.POST_EXIT_CHECKUPS.value
            patient.next_checkup_due = checkup_due_after(pos.exit_date, planned, pos.done)
            patient.version += 1
            caches.refresh(tx.session, patient, tx.at.date())
            tx.audit(
                "checkups.renew",
                entity="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                detail={"planned": planned, "done": pos.done},
            )
            return _change(patient)


def _patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id, with_for_update=True)
    if patient is None:
        raise NotFound("no such patient")
    if patient.status == PatientStatus.DECEASED:
        raise Refused("This patient is recorded as deceased: no check-up follows.")
    return patient


def _change(patient: Patient) -> EpisodeChange:
    assert patient.id is not None
    return EpisodeChange(
        patient_id=patient.id,
        status=patient.status,
        episode_start=patient.episode_start,
        next_review_due=patient.next_review_due,
        next_checkup_due=patient.next_checkup_due,
    )
