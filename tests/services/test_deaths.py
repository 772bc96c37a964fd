"""Death recorded from the patient record whatever the status (SPEC §2, §4): it closes an
open episode with exit 89, stops the prescription whoever records it, stops every recall,
check-up, alert, letter and worklist entry; a death recorded in error can be corrected."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from console.services import Services
from console.services.dto import PatientInput, PrescriptionInput
from console.services.errors import Forbidden, Invalid, Refused
from console.services.letters_dto import NothingToProduce
from db.models import AuditEvent, Episode, Patient, Prescription
from tests.conftest import StaffFactory

JO = PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961", consent_letters_home=True)
METHADONE = PrescriptionInput(
    "methadone_oral", 75, "daily", "supervised", "Westgate", start_date=dt.date(2025, 2, 1)
)
DIED = dt.date(2026, 11, 20)


@pytest.fixture
def clin(as_staff: StaffFactory) -> Services:
    return as_staff("clinician")


@pytest.fixture
def worker(as_staff: StaffFactory) -> Services:
    return as_staff("recovery_worker")


@pytest.fixture
def jo(services: Services) -> int:
    return services.patients.register(JO).id


def _patient(services: Services, pid: int) -> Patient:
    with Session(services.engine) as s:
        p = s.get(Patient, pid)
        assert p is not None
        return p


def _actions(services: Services, pid: int) -> list[str]:
    with Session(services.engine) as s:
        rows = s.exec(select(AuditEvent.action).where(AuditEvent.patient_id == pid)).all()
        return list(rows)


def _open_prescriptions(services: Services, pid: int) -> list[Prescription]:
    with Session(services.engine) as s:
        return list(
            s.exec(
                select(Prescription).where(
                    Prescription.patient_id == pid,
                    Prescription.end_date.is_(None),  # type: ignore[union-attr]
                )
            )
        )


def _on_worklist(services: Services, pid: int) -> bool:
    return any(i.patient_id == pid for i in services.worklist.items(limit=None).items)


def test_death_on_post_exit_checkups_stops_checkups_worklist_and_letters(
    clin: Services, worker: Services, jo: int
) -> None:
    # Completed treatment in 2024: on check-ups, one due, so on the worklist with a recall.
    clin.episodes.start(jo, dt.date(2023, 1, 10))
    clin.episodes.end(jo, dt.date(2024, 8, 31), "80")
    assert _patient(clin, jo).status == "post_exit_checkups"
    assert _on_worklist(worker, jo)
    with pytest.raises(Invalid):  # no open episode: exit 89 cannot record this death
        worker.episodes.end(jo, DIED, "89")

    change = worker.deaths.record(jo, DIED)

    assert (change.status, change.date_of_death, change.episode_closed) == (
        "deceased",
        DIED,
        False,
    )
    p = _patient(worker, jo)
    assert (p.status, p.date_of_death, p.next_checkup_due, p.next_review_due) == (
        "deceased",
        DIED,
        None,
        None,
    )
    assert not _on_worklist(worker, jo)
    assert worker.summary.open(jo).alerts == ()
    with pytest.raises(Refused, match="deceased"):
        worker.letters.produce(jo, "checkup_invitation")
    with pytest.raises(NothingToProduce) as batch:
        worker.letters.recall_batch([jo])
    assert [s.reason for s in batch.value.skipped] == ["recorded as deceased"]
    with pytest.raises(Invalid):
        worker.reviews.start(jo, "post_exit_checkup")
    with pytest.raises(Refused):
        worker.checkups.renew(jo)
    assert "patient.death" in _actions(worker, jo)


def test_death_in_treatment_closes_the_episode_and_stops_the_prescription_whoever_records_it(
    clin: Services, worker: Services, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.change_prescription(jo, METHADONE)

    change = worker.deaths.record(jo, DIED)  # a recovery worker: not a prescribing decision

    assert change.episode_closed and change.prescription_stopped
    with Session(worker.engine) as s:
        episode = s.exec(select(Episode).where(Episode.patient_id == jo)).one()
        dose = s.exec(select(Prescription).where(Prescription.patient_id == jo)).one()
    assert (episode.end_date, episode.exit_reason) == (DIED, "89")
    assert dose.end_date == DIED
    p = _patient(worker, jo)
    assert (p.status, p.current_medicine, p.current_dose_mg, p.episode_start) == (
        "deceased",
        "",
        None,
        None,
    )
    assert _actions(worker, jo)[-2:] == ["episode.end", "patient.death"]


def test_exit_89_records_the_date_of_death_by_the_same_function(
    worker: Services, clin: Services, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.change_prescription(jo, METHADONE)
    change = worker.episodes.end(jo, DIED, "89")
    assert change.prescription_stopped
    p = _patient(worker, jo)
    assert (p.status, p.date_of_death, p.status_before_death) == ("deceased", DIED, "in_treatment")
    assert _open_prescriptions(worker, jo) == []


def test_death_is_checked_and_role_limited(
    services: Services, as_staff: StaffFactory, worker: Services, clin: Services, jo: int
) -> None:
    for role in ("reception", "admin"):
        with pytest.raises(Forbidden) as refused:
            as_staff(role).deaths.record(jo, DIED)
        assert "record a death" in str(refused.value) and "Smith" not in str(refused.value)
    with pytest.raises(Invalid) as future:
        worker.deaths.record(jo, dt.date(2026, 11, 24))
    assert "future" in future.value.errors["date_of_death"]
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.end(jo, dt.date(2025, 6, 1), "85")
    with pytest.raises(Invalid) as early:
        worker.deaths.record(jo, dt.date(2025, 5, 1))
    assert "last episode ended" in early.value.errors["date_of_death"]
    worker.deaths.record(jo, DIED)
    with pytest.raises(Refused):
        worker.deaths.record(jo, DIED)


def test_a_death_recorded_in_error_is_corrected_and_audited(
    clin: Services, worker: Services, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.change_prescription(jo, METHADONE)
    worker.deaths.record(jo, DIED)
    with pytest.raises(Invalid) as no_reason:
        worker.deaths.correct(jo, "  ")
    assert "why" in no_reason.value.errors["reason"]

    change = worker.deaths.correct(jo, "wrong patient chosen")

    assert change.status == "in_treatment" and change.episode_reopened
    p = _patient(worker, jo)
    assert (p.status, p.date_of_death, p.episode_start) == (
        "in_treatment",
        None,
        dt.date(2025, 1, 10),
    )
    assert p.next_review_due == dt.date(2025, 2, 7)  # no start review yet: start + 28 days
    # The stop was not a prescribing decision, and neither is undoing it: a clinician
    # records the prescription again.
    assert _open_prescriptions(worker, jo) == []
    assert _actions(worker, jo)[-1] == "patient.death_corrected"
    with pytest.raises(Refused):
        worker.deaths.correct(jo, "again")
    clin.episodes.change_prescription(jo, METHADONE)  # prescribing works again


def test_correcting_a_death_on_checkups_resumes_the_schedule_from_the_exit(
    clin: Services, worker: Services, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2023, 1, 10))
    clin.episodes.end(jo, dt.date(2024, 8, 31), "80")
    due = _patient(worker, jo).next_checkup_due
    worker.deaths.record(jo, DIED)
    worker.deaths.correct(jo, "another patient's death")
    p = _patient(worker, jo)
    assert (p.status, p.next_checkup_due) == ("post_exit_checkups", due)
    assert _on_worklist(worker, jo)
