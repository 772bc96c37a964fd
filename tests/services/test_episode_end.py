"""Ending an episode: what it will do to the prescription, said before saving by the same
rule `end` applies (H28, H43), and the exit review the episode just closed may take."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlmodel import Session

from console.services import Services
from console.services.dto import PatientInput, PrescriptionInput, PrescriptionOutcome
from console.services.errors import Invalid
from console.services.review_dto import ReviewInput
from db.models import Patient
from tests.conftest import StaffFactory
from tests.services.review_setup import top_values

JO = PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")
METHADONE = PrescriptionInput(
    "methadone_oral", 75, "daily", "supervised", "Westgate", start_date=dt.date(2025, 2, 1)
)
END = dt.date(2026, 11, 20)


@pytest.fixture
def clin(as_staff: StaffFactory) -> Services:
    return as_staff("clinician")


@pytest.fixture
def jo(services: Services, clin: Services) -> int:
    pid = services.patients.register(JO).id
    clin.episodes.start(pid, dt.date(2025, 1, 10))
    return pid


def test_the_outcome_is_said_before_and_is_what_happens(
    clin: Services, as_staff: StaffFactory, jo: int
) -> None:
    worker = as_staff("recovery_worker")
    assert clin.episodes.end_outcome(jo, "80").outcome is PrescriptionOutcome.NONE
    clin.episodes.change_prescription(jo, METHADONE)
    said = {
        (who, code): (o.outcome, o.prescription)
        for who, services in (("clinician", clin), ("worker", worker))
        for code in ("80", "83", "85", "89")
        for o in [services.episodes.end_outcome(jo, code)]
    }
    dose = "Methadone 75 mg daily"
    assert said == {
        ("clinician", "80"): (PrescriptionOutcome.STOPS, dose),
        ("clinician", "83"): (PrescriptionOutcome.LEAVES, dose),
        ("clinician", "85"): (PrescriptionOutcome.LEAVES, dose),
        ("clinician", "89"): (PrescriptionOutcome.STOPS, dose),
        ("worker", "80"): (PrescriptionOutcome.REFUSED, dose),
        ("worker", "83"): (PrescriptionOutcome.LEAVES, dose),
        ("worker", "85"): (PrescriptionOutcome.LEAVES, dose),
        ("worker", "89"): (PrescriptionOutcome.STOPS, dose),
    }
    with pytest.raises(Invalid):  # what REFUSED said
        worker.episodes.end(jo, END, "80")
    left = worker.episodes.end(jo, END, "85")  # what LEAVES said
    assert not left.prescription_stopped
    with Session(clin.engine) as s:
        p = s.get(Patient, jo)
        assert p is not None and p.current_medicine == "methadone_oral"


def test_the_end_screen_sentence_names_the_dose_and_the_end_date(
    clin: Services, as_staff: StaffFactory, jo: int
) -> None:
    worker = as_staff("recovery_worker")
    assert clin.episodes.end_outcome(jo, "80", END).words == (
        "No prescription is open: ending the episode stops nothing."
    )
    clin.episodes.change_prescription(jo, METHADONE)
    assert clin.episodes.end_outcome(jo, "80", END).words == (
        "Ending the episode stops Methadone 75 mg daily on 20 Nov 2026."
    )
    assert clin.episodes.end_outcome(jo, "83", END).words == (
        "Ending the episode leaves Methadone 75 mg daily open: a clinician must stop or"
        " transfer it."
    )
    assert worker.episodes.end_outcome(jo, "80", END).words == (
        "A completed treatment stops Methadone 75 mg daily: a clinician must record this exit."
    )
    assert clin.episodes.end_outcome(jo, "", END).words == ""  # no reason chosen yet


def _exit_review(**changes: object) -> ReviewInput:
    data = ReviewInput(top=top_values(), barc10=(4,) * 10, ost_decision="pending")
    return replace(data, **changes)  # type: ignore[arg-type]


def test_the_episode_just_closed_takes_its_exit_review_once(
    clin: Services, as_staff: StaffFactory, jo: int
) -> None:
    worker = as_staff("recovery_worker")
    clin.episodes.change_prescription(jo, METHADONE)
    clin.episodes.end(jo, END, "80")

    draft = worker.reviews.start(jo, "exit")

    assert draft.kind == "exit" and draft.values.next_review_date is None
    with pytest.raises(Invalid) as dated:
        worker.reviews.finalise(
            draft.id, draft.version, _exit_review(next_review_date=dt.date(2027, 5, 20))
        )
    assert "episode has ended" in dated.value.errors["next_review_date"]
    done = worker.reviews.finalise(draft.id, draft.version, _exit_review())
    assert done.finalised
    with Session(clin.engine) as s:
        p = s.get(Patient, jo)
        assert p is not None
        assert (p.status, p.next_review_due) == ("post_exit_checkups", None)
    with pytest.raises(Invalid) as again:
        worker.reviews.start(jo, "exit")
    assert "already has its exit review" in again.value.errors["kind"]
    for kind in ("strategic", "interim", "start"):
        with pytest.raises(Invalid):
            worker.reviews.start(jo, kind)
