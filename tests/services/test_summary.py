"""The summary service: alerts from drug tests corrected by addenda, the review history
with drafts, and the post-exit check-up count."""

from __future__ import annotations

import datetime as dt

import pytest

from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput
from console.services.dto import PatientInput, PrescriptionInput
from console.services.review_dto import DrugTestInput
from tests.conftest import StaffFactory
from tests.services.review_setup import complete
from tests.services.test_checkups import answers

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def clinician(as_staff: StaffFactory) -> Services:
    return as_staff("clinician")


@pytest.fixture
def patient_id(services: Services, clinician: Services) -> int:
    """On methadone 40 mg since 2022, with an agreed plan of two goals (no episode yet)."""
    record = services.patients.register(
        PatientInput("943 476 5919", "Quarrington", "Leah", "12/03/1980")
    )
    clinician.episodes.change_prescription(
        record.id,
        PrescriptionInput(
            "methadone_oral", 40, dispensing="supervised", start_date=dt.date(2022, 1, 10)
        ),
    )
    view = clinician.careplans.open(record.id)
    for n, domain in enumerate(("substance_use", "housing"), start=1):
        view = clinician.careplans.add_goal(
            record.id, view.plan_id, view.row_version, GoalInput(domain, f"goal {n}", owner="Leah")
        )
    clinician.careplans.agree(
        record.id, view.plan_id, view.row_version, AgreeInput("01/06/2026", "Leah")
    )
    return record.id


@pytest.fixture
def in_treatment(clinician: Services, patient_id: int) -> int:
    clinician.episodes.start(patient_id, dt.date(2024, 1, 10))
    return patient_id


def _checkup(clinician: Services, patient_id: int, on: dt.date) -> None:
    draft = clinician.reviews.start(patient_id, "post_exit_checkup")
    clinician.reviews.finalise(draft.id, draft.version, answers(review_date=on))


def _tests(services: Services, patient_id: int) -> list[str]:
    return [a.text for a in services.summary.open(patient_id).alerts if a.letter == "T"]


def _finalise_with_test(clinician: Services, patient_id: int, results: dict[str, str]) -> int:
    draft = clinician.reviews.start(patient_id, "strategic")
    done = clinician.reviews.finalise(
        draft.id,
        draft.version,
        complete(drug_test=DrugTestInput("urine", TODAY, {"methadone": "positive", **results})),
    )
    return done.id


def test_an_addendum_correcting_an_unexpected_result_clears_the_alert(
    clinician: Services, in_treatment: int
) -> None:
    patient_id = in_treatment
    review = _finalise_with_test(clinician, patient_id, {"methadone": "negative"})
    assert _tests(clinician, patient_id) == [
        "Unexpected drug test result: methadone negative while prescribed (23 Nov 2026)"
    ]
    clinician.reviews.add_addendum(review, "drug_methadone", "positive", "lab re-read")
    assert _tests(clinician, patient_id) == []


def test_an_addendum_can_make_a_result_unexpected(clinician: Services, in_treatment: int) -> None:
    patient_id = in_treatment
    review = _finalise_with_test(clinician, patient_id, {"cocaine": "negative"})
    assert _tests(clinician, patient_id) == []
    clinician.reviews.add_addendum(review, "drug_cocaine", "positive", "confirmatory test")
    assert _tests(clinician, patient_id) == [
        "Unexpected drug test result: cocaine positive, not prescribed (23 Nov 2026)"
    ]
    # The latest correction counts: put back, the alert goes again.
    clinician.reviews.add_addendum(review, "drug_cocaine", "negative", "sample mix-up")
    assert _tests(clinician, patient_id) == []


def test_history_lists_drafts_newest_first_and_trends_only_finalised(
    clinician: Services, in_treatment: int
) -> None:
    patient_id = in_treatment
    finalised = _finalise_with_test(clinician, patient_id, {})
    draft = clinician.reviews.start(patient_id, "interim")
    summary = clinician.summary.open(patient_id)
    assert [(p.id, p.status) for p in summary.history] == [
        (draft.id, "draft"),
        (finalised, "finalised"),
    ]
    assert summary.history[0].draft and not summary.history[1].draft
    assert summary.history[1].held_by == draft.held_by
    assert summary.history[1].ost_decision == "continue_maintenance"
    assert summary.history[1].barc10_total == 40
    assert [p.id for p in summary.reviews] == [finalised]


def test_post_exit_checkups_are_counted_since_the_last_exit(
    clinician: Services, patient_id: int
) -> None:
    clinician.episodes.start(patient_id, dt.date(2024, 1, 10))
    clinician.episodes.end(patient_id, dt.date(2025, 11, 1), "80")
    _checkup(clinician, patient_id, dt.date(2026, 3, 1))  # after the first exit
    clinician.episodes.start(patient_id, dt.date(2026, 3, 10))  # back in treatment
    clinician.episodes.end(patient_id, dt.date(2026, 5, 20), "80")
    _checkup(clinician, patient_id, dt.date(2026, 8, 20))
    clinician.reviews.start(patient_id, "post_exit_checkup")  # a draft: not counted
    summary = clinician.summary.open(patient_id)
    assert summary.record.status == "post_exit_checkups"
    assert summary.next_checkup_due == dt.date(2026, 11, 20)  # exit + 6 months: one done
    assert (summary.checkups_done, summary.checkups_planned) == (1, 8)
