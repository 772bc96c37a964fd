"""Death (SPEC §2, §4): recorded from the patient record whatever the status, or by ending
an episode with exit 89; both go through `mark_deceased` in the caller's transaction. A
death recorded in error is corrected back to the status it replaced (hazards H40, H41)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlmodel import Session, select

from console.rules.schedule import CHECKUPS, checkup_due_after, next_strategic_due, start_review_due
from console.rules.vocab import DEATH_EXIT_CODE, PatientStatus
from console.services.dto import DeathChange
from console.services.episodes import (
    _open_episode,
    _patient,
    _refresh_ost,
    close_episode,
    mark_deceased,
)
from console.services.errors import Invalid, Refused
from console.services.prescription_rows import has_open_row
from console.services.roles import Action
from console.services.validated import validated
from db.models import Episode, Patient
from db.queries import reviews as q

if TYPE_CHECKING:
    from console.services import Services


@validated
class DeathService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def record(self, patient_id: int, date_of_death: dt.date) -> DeathChange:
        """Record a death whatever the status; an open episode closes with exit 89 by the
        same function as `episodes.end`. Clinician or recovery worker."""
        today = self._s.clock.today()
        if date_of_death > today:
            raise Invalid({"date_of_death": "the date of death cannot be in the future"})
        with self._s.uow.write(self._s.staff, Action.RECORD_DEATH) as tx:
            patient = _patient(tx.session, patient_id)
            if patient.status == PatientStatus.DECEASED:
                raise Refused("This patient is already recorded as deceased.")
            if date_of_death < patient.date_of_birth:
                raise Invalid({"date_of_death": "the date of death is before the birth"})
            episode = _open_episode(tx.session, patient_id)
            had_prescription = has_open_row(tx.session, patient_id)
            if episode is not None:
                if date_of_death < episode.start_date:
                    raise Invalid({"date_of_death": "the date is before the episode started"})
                close_episode(tx, patient_id, date_of_death, DEATH_EXIT_CODE, today)
            else:
                last_end = _last_episode_end(tx.session, patient_id)
                if last_end is not None and date_of_death < last_end:
                    raise Invalid({"date_of_death": "the date is before the last episode ended"})
                mark_deceased(tx.session, patient, date_of_death)
                _refresh_ost(tx.session, patient, today)
                patient.version += 1
            tx.audit(
                "patient.death",
                entity="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                detail={
                    "date_of_death": date_of_death.isoformat(),
                    "episode_closed": episode.id if episode is not None else None,
                    "prescription_stopped": had_prescription,
                },
            )
            return DeathChange(
                patient_id=patient_id,
                status=patient.status,
                date_of_death=date_of_death,
                episode_closed=episode is not None,
                prescription_stopped=had_prescription,
            )

    def correct(self, patient_id: int, reason: str) -> DeathChange:
        """Undo a death recorded in error: the status it replaced comes back, an episode
        the death closed reopens with the schedule's rule date, check-ups resume from the
        exit date. A stopped prescription stays stopped: a clinician records it again."""
        reason = " ".join(reason.split())
        if not reason:
            raise Invalid({"reason": "say why the death was recorded in error"})
        if len(reason) > 200:
            raise Invalid({"reason": "at most 200 characters"})
        today = self._s.clock.today()
        with self._s.uow.write(self._s.staff, Action.RECORD_DEATH) as tx:
            patient = _patient(tx.session, patient_id)
            if patient.status != PatientStatus.DECEASED:
                raise Refused("This patient is not recorded as deceased.")
            episode = _death_exit(tx.session, patient)
            if episode is not None:
                episode.end_date = None
                episode.exit_reason = ""
                episode.version += 1
                patient.status = PatientStatus.IN_TREATMENT.value
                patient.episode_start = episode.start_date
                last = patient.last_strategic_review
                patient.next_review_due = (
                    next_strategic_due(last)
                    if last is not None and last >= episode.start_date
                    else start_review_due(episode.start_date)
                )
            else:
                patient.status = patient.status_before_death or PatientStatus.DISCHARGED.value
                if patient.status == PatientStatus.POST_EXIT_CHECKUPS:
                    _resume_checkups(tx.session, patient)
            patient.date_of_death = None
            patient.status_before_death = ""
            _refresh_ost(tx.session, patient, today)
            patient.version += 1
            tx.audit(
                "patient.death_corrected",
                entity="patient",
                entity_id=patient_id,
                patient_id=patient_id,
                detail={
                    "reason": reason,
                    "status": patient.status,
                    "episode_reopened": episode.id if episode is not None else None,
                },
            )
            return DeathChange(
                patient_id=patient_id,
                status=patient.status,
                date_of_death=None,
                episode_reopened=episode is not None,
            )


def _last_episode_end(session: Session, patient_id: int) -> dt.date | None:
    return session.exec(
        select(Episode.end_date)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.end_date.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()


def _death_exit(session: Session, patient: Patient) -> Episode | None:
    """The episode the death closed (exit 89 on the date of death), if it did."""
    assert patient.id is not None
    latest = session.exec(
        select(Episode)
        .where(Episode.patient_id == patient.id)
        .order_by(Episode.start_date.desc(), Episode.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    if latest is None or latest.exit_reason != DEATH_EXIT_CODE:
        return None
    if patient.date_of_death is not None and latest.end_date != patient.date_of_death:
        return None
    return latest


def _resume_checkups(session: Session, patient: Patient) -> None:
    assert patient.id is not None
    ep = q.latest_episode(session=session, patient_id=patient.id)
    if ep is None or ep["end_date"] is None:
        patient.status = PatientStatus.DISCHARGED.value
        return
    done = q.checkups_done(session=session, patient_id=patient.id, since=ep["end_date"])
    planned = patient.checkups_planned or CHECKUPS
    if done >= planned:
        patient.status = PatientStatus.DISCHARGED.value
        return
    patient.next_checkup_due = checkup_due_after(ep["end_date"], planned, done)
