"""Treatment episodes and prescription changes (SPEC §2, §4), each one audited transaction.

Every call validates before it writes, and keeps the Patient row caches right in the
same transaction: episode_start, status, next_review_due, next_checkup_due,
ost_continuous_start, current_medicine and current_dose_mg.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import or_
from sqlmodel import Session, select

from console.rules.schedule import CHECKUPS, checkup_dates, start_review_due
from console.rules.vocab import (
    DEATH_EXIT_CODE,
    EXIT_REASONS,
    ExitGroup,
    PatientStatus,
    ReviewKind,
)
from console.services import caches
from console.services.base import Tx
from console.services.dto import (
    EndOutcome,
    EpisodeChange,
    PrescriptionInput,
    PrescriptionOutcome,
    PrescriptionSafety,
    SafetyInput,
)
from console.services.episode_outcome import dose_words, outcome_words, prescription_outcome
from console.services.errors import Invalid, NotFound, Refused
from console.services.opening import opens
from console.services.prescription_checks import check_prescription, check_safety
from console.services.prescription_rows import (
    current_row,
    end_open_rows,
    has_open_row,
    in_force,
    row_facts,
    safety_of,
)
from console.services.roles import Action, allowed
from console.services.validated import validated
from db.models import Episode, Patient, Prescription, Review

if TYPE_CHECKING:
    from console.services import Services


@validated
class EpisodeService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # -- episodes -------------------------------------------------------------------
    def start(
        self,
        patient_id: int,
        start_date: dt.date,
        referral_source: str = "",
        problem_substances: str = "",
    ) -> EpisodeChange:
        today = self._s.clock.today()
        errors: dict[str, str] = {}
        if start_date > today:
            errors["start_date"] = "the start date cannot be in the future"
        if len(referral_source.strip()) > 60:
            errors["referral_source"] = "at most 60 characters"
        if len(problem_substances.strip()) > 200:
            errors["problem_substances"] = "at most 200 characters"
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.MANAGE_EPISODES) as tx:
            patient = open_episode(
                tx, patient_id, start_date, referral_source.strip(), problem_substances.strip()
            )
            return _change(patient)

    def end(self, patient_id: int, end_date: dt.date, exit_reason: str) -> EpisodeChange:
        today = self._s.clock.today()
        errors: dict[str, str] = {}
        if end_date > today:
            errors["end_date"] = "the end date cannot be in the future"
        if exit_reason not in EXIT_REASONS:
            errors["exit_reason"] = "choose an NDTMS exit reason from the list"
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.MANAGE_EPISODES) as tx:
            ending = _open_episode(tx.session, patient_id)
            patient, stopped = close_episode(tx, patient_id, end_date, exit_reason, today)
            # The episode just closed may take its exit review: offered when it has none.
            offer = (
                ending is not None
                and ending.id is not None
                and patient.status != PatientStatus.DECEASED
                and exit_review_of(tx.session, ending.id) is None
            )
            return replace(_change(patient, prescription_stopped=stopped), offer_exit_review=offer)

    def end_outcome(
        self, patient_id: int, exit_reason: str, end_date: dt.date | None = None
    ) -> EndOutcome:
        """What ending the open episode with this reason would do to the prescription, by
        the same rule `end` applies, for the end screen to say before it asks (H43).

        `words` is the sentence the screen shows: "Ending the episode stops Methadone
        75 mg daily on 2 Dec 2026." The dose named is the one in force on the end date.
        """
        on = end_date or self._s.clock.today()
        with self._s.uow.read(self._s.staff, Action.MANAGE_EPISODES) as session:
            row = current_row(session, patient_id)
            named = in_force(session, patient_id, on) or row
        if exit_reason not in EXIT_REASONS:
            return EndOutcome(PrescriptionOutcome.NONE, "")
        may = allowed(self._s.staff.roles, Action.OST_DECISION)
        outcome = prescription_outcome(exit_reason, row is not None, may)
        text = "" if named is None else dose_words(named.medicine, named.dose_mg, named.interval)
        return EndOutcome(outcome, text, outcome_words(outcome, text, on))

    # -- prescriptions --------------------------------------------------------------
    def change_prescription(self, patient_id: int, data: PrescriptionInput) -> EpisodeChange:
        """A dose change is a new row; the previous open row ends the day the new one starts."""
        today = self._s.clock.today()
        start = data.start_date or today
        errors = check_prescription(data)
        if start > today:
            errors["start_date"] = "the start date cannot be in the future"
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.OST_DECISION) as tx:
            patient = _patient(tx.session, patient_id)
            if patient.status == PatientStatus.DECEASED:
                raise Refused("This patient is recorded as deceased: no prescription can start.")
            previous = tx.session.exec(
                select(Prescription).where(
                    Prescription.patient_id == patient_id,
                    # open, or ending later (a stop a review dated to come)
                    or_(Prescription.end_date.is_(None), Prescription.end_date > today),  # type: ignore[union-attr,operator]
                )
            ).all()
            facts = row_facts(tx.session, data)
            if any(all(getattr(r, k) == v for k, v in facts.items()) for r in previous):
                raise Invalid({"dose_mg": "this is the current prescription: nothing changed"})
            for row in previous:
                if start < row.start_date:
                    raise Invalid({"start_date": "the start date is before the current dose began"})
                row.end_date = start
                row.version += 1
            new = Prescription(
                patient_id=patient_id,
                **facts,  # type: ignore[arg-type]
                start_date=start,
                # what the pharmacy and the clinic know about this patient carries over
                sedatives=previous[-1].sedatives if previous else "",
                ecg_date=previous[-1].ecg_date if previous else None,
                qtc_ms=previous[-1].qtc_ms if previous else None,
            )
            tx.session.add(new)
            tx.session.flush()
            _refresh_ost(tx.session, patient, today)
            patient.version += 1
            tx.audit(
                "prescription.change",
                entity="prescription",
                entity_id=new.id,
                patient_id=patient_id,
                detail={
                    "medicine": data.medicine,
                    "dose_mg": data.dose_mg,
                    "interval": data.interval,
                    "product": facts["product"] or None,
                    "pickup_days": facts["pickup_days"],
                    "supervised_days": facts["supervised_days"],
                    "pharmacy_id": data.pharmacy_id,
                    "start": start.isoformat(),
                    "ended": [r.id for r in previous],
                },
            )
            return _change(patient)

    # -- prescription safety ----------------------------------------------------------
    @opens("prescription_safety")
    def safety(self, patient_id: int) -> PrescriptionSafety | None:
        """The current prescription's safety details, for the form (None: no prescription);
        the form calls it once as it opens, and the opening is audited (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            self._s.openings.open(tx, patient_id, "prescription_safety")
            row = in_force(tx.session, patient_id, self._s.clock.today())
            return None if row is None else safety_of(row)

    def record_safety(
        self, patient_id: int, data: SafetyInput, version: int | None = None
    ) -> EpisodeChange:
        """Record on the current prescription row the pharmacy's report of doses missed in a
        row, the latest ECG and QTc, and co-prescribed sedatives; each feeds an alert (§4).

        `version` is the row's version when the form opened (see `safety`); a newer save
        by someone else is then refused instead of overwritten.
        """
        clean, errors = check_safety(data, self._s.clock.today())
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.OST_DECISION) as tx:
            patient = _patient(tx.session, patient_id)
            if patient.status == PatientStatus.DECEASED:
                raise Refused("This patient is recorded as deceased: nothing can be recorded.")
            today = self._s.clock.today()
            row = in_force(tx.session, patient_id, today)
            if row is None:
                raise Refused("There is no current prescription: record one first (p).")
            if version is not None:
                tx.check_version(row, version, "prescription", self._s.clock.tz)
            else:
                row.version += 1
            changed = sorted(k for k, v in clean.items() if getattr(row, k) != v)
            for key, value in clean.items():
                setattr(row, key, value)
            # a dose change dated later carries the ECG and sedatives, as a new dose does
            for later in tx.session.exec(
                select(Prescription).where(
                    Prescription.patient_id == patient_id,
                    Prescription.start_date > row.start_date,
                )
            ):
                later.ecg_date, later.qtc_ms = row.ecg_date, row.qtc_ms
                later.sedatives = row.sedatives
                later.version += 1
            _refresh_ost(tx.session, patient, today)
            ecg = clean["ecg_date"]
            tx.audit(
                "prescription.safety",
                entity="prescription",
                entity_id=row.id,
                patient_id=patient_id,
                detail={
                    "fields": changed,
                    "missed_doses_in_row": clean["missed_doses_in_row"],
                    "ecg_date": ecg.isoformat() if isinstance(ecg, dt.date) else None,
                    "qtc_ms": clean["qtc_ms"],
                    "sedatives": clean["sedatives"],
                },
            )
            return _change(patient)


def open_episode(
    tx: Tx, patient_id: int, start_date: dt.date, referral_source: str, problem_substances: str
) -> Patient:
    """Open an episode inside the caller's write transaction (inputs already checked).

    Also used by a post-exit check-up whose patient agrees to re-enter treatment.
    """
    patient = _patient(tx.session, patient_id)
    if patient.status == PatientStatus.DECEASED:
        raise Refused("This patient is recorded as deceased: no episode can start.")
    if _open_episode(tx.session, patient_id) is not None:
        raise Invalid({"start_date": "this patient already has an open episode"})
    last_end = tx.session.exec(
        select(Episode.end_date)
        .where(Episode.patient_id == patient_id)
        .order_by(Episode.end_date.desc())  # type: ignore[union-attr]
        .limit(1)
    ).first()
    if last_end is not None and start_date < last_end:
        raise Invalid({"start_date": "the start date is before the last episode ended"})
    row = Episode(
        patient_id=patient_id,
        start_date=start_date,
        referral_source=referral_source,
        problem_substances=problem_substances,
    )
    tx.session.add(row)
    patient.status = PatientStatus.IN_TREATMENT.value
    patient.episode_start = start_date
    patient.next_review_due = start_review_due(start_date)
    patient.next_review_reason = ""
    patient.next_checkup_due = None  # re-entry stops the check-up schedule
    patient.version += 1
    tx.session.flush()
    _refresh_ost(tx.session, patient, tx.at.date())
    tx.audit(
        "episode.start",
        entity="episode",
        entity_id=row.id,
        patient_id=patient_id,
        detail={"start": start_date.isoformat()},
    )
    return patient


def close_episode(
    tx: Tx, patient_id: int, end_date: dt.date, exit_reason: str, today: dt.date
) -> tuple[Patient, bool]:
    """End the open episode inside the caller's write transaction (inputs already checked):
    the status, schedule and OST caches follow the exit reason. Returns the patient and
    whether an open prescription was stopped. Also used by recording a death."""
    patient = _patient(tx.session, patient_id)
    episode = _open_episode(tx.session, patient_id)
    if episode is None:
        raise Invalid({"end_date": "this patient has no open episode"})
    if end_date < episode.start_date:
        raise Invalid({"end_date": "the end date is before the episode started"})
    has_open = has_open_row(tx.session, patient_id)
    outcome = prescription_outcome(
        exit_reason, has_open, allowed(tx.staff.roles, Action.OST_DECISION)
    )
    if outcome == PrescriptionOutcome.REFUSED:
        # A completion ends substitute prescribing: the console must not go on showing
        # a dose as current, and only a prescriber may stop it (hazard H28).
        raise Invalid(
            {
                "exit_reason": "a completed treatment stops the current prescription:"
                " a clinician must record this exit"
            }
        )
    stops = outcome == PrescriptionOutcome.STOPS
    episode.end_date = end_date
    episode.exit_reason = exit_reason
    episode.version += 1
    patient.episode_start = None
    patient.next_review_due = None
    patient.next_review_reason = ""
    patient.next_checkup_due = None
    group = EXIT_REASONS[exit_reason][1]
    if exit_reason == DEATH_EXIT_CODE:
        mark_deceased(tx.session, patient, end_date)
    elif group is ExitGroup.SUCCESSFUL:
        if stops:
            end_open_rows(tx.session, patient_id, end_date)
        patient.status = PatientStatus.POST_EXIT_CHECKUPS.value
        patient.checkups_planned = CHECKUPS
        patient.next_checkup_due = checkup_dates(end_date)[0]
    else:  # unsuccessful (re-engagement alert from the exit) or a quiet transfer
        patient.status = PatientStatus.DISCHARGED.value
    _refresh_ost(tx.session, patient, today)
    patient.version += 1
    tx.audit(
        "episode.end",
        entity="episode",
        entity_id=episode.id,
        patient_id=patient_id,
        detail={
            "end": end_date.isoformat(),
            "exit_reason": exit_reason,
            "prescription_stopped": stops,
        },
    )
    return patient, stops


def mark_deceased(session: Session, patient: Patient, on: dt.date) -> None:
    """Everything that follows a living patient stops (used by exit 89 and by recording a
    death from the record, console/services/deaths.py): the status becomes `deceased`,
    which every alert, flag, worklist query and letter checks; the review and check-up
    dates clear; an open prescription ends on the date of death whoever records it (the
    patient can no longer take it: not a prescribing decision)."""
    if patient.status != PatientStatus.DECEASED:
        patient.status_before_death = patient.status
    patient.status = PatientStatus.DECEASED.value
    patient.date_of_death = on
    patient.next_review_due = None
    patient.next_review_reason = ""
    patient.next_checkup_due = None
    assert patient.id is not None
    end_open_rows(session, patient.id, on)


def exit_review_of(session: Session, episode_id: int) -> int | None:
    """The exit review (draft or finalised) of an episode, if one was started."""
    found = session.execute(
        sa.select(Review.id).where(
            Review.episode_id == episode_id,  # type: ignore[arg-type]
            Review.kind == ReviewKind.EXIT.value,  # type: ignore[arg-type]
        )
    ).first()
    return None if found is None else int(found[0])


def _patient(session: Session, patient_id: int) -> Patient:
    row = session.get(Patient, patient_id, with_for_update=True)
    if row is None:
        raise NotFound("no such patient")
    return row


def _open_episode(session: Session, patient_id: int) -> Episode | None:
    return session.exec(
        select(Episode).where(
            Episode.patient_id == patient_id,
            Episode.end_date.is_(None),  # type: ignore[union-attr]
        )
    ).first()


def _refresh_ost(session: Session, patient: Patient, today: dt.date) -> None:
    """Every row cache from the source rows (the one function every path calls)."""
    caches.refresh(session, patient, today)


def _change(patient: Patient, *, prescription_stopped: bool = False) -> EpisodeChange:
    assert patient.id is not None
    return EpisodeChange(
        patient_id=patient.id,
        status=patient.status,
        episode_start=patient.episode_start,
        next_review_due=patient.next_review_due,
        next_checkup_due=patient.next_checkup_due,
        prescription_stopped=prescription_stopped,
    )
