"""Reviews that start OST: the start prescription kept in a draft, prescribed at
finalise with the chosen medicine, and named when a pending start is decided."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Invalid
from db.models import Patient, Prescription
from tests.conftest import StaffFactory
from tests.services.review_setup import TODAY, complete, keyworker


@pytest.fixture
def clinician(as_staff: StaffFactory) -> Services:
    return as_staff("clinician")


def _without_prescription(services: Services) -> int:
    record = services.patients.register(PatientInput("401 023 2137", "Nobody", "Al", "01/01/1970"))
    keyworker(services).episodes.start(record.id, dt.date(2026, 11, 1))
    return record.id


def test_a_draft_keeps_the_start_prescription(clinician: Services, services: Services) -> None:
    """A dropped connection loses nothing: the medicine, interval and dispensing of a
    start decision come back with the reopened draft."""
    pid = _without_prescription(services)
    draft = clinician.reviews.start(pid, "start")
    values = replace(
        draft.values,
        ost_decision="start",
        new_dose_mg=30.0,
        new_dose_from=TODAY,
        new_medicine="methadone_oral",
        new_interval="daily",
        new_dispensing="supervised",
    )
    clinician.reviews.save_draft(draft.id, draft.version, values)
    again = clinician.reviews.get(draft.id).values
    assert (again.new_medicine, again.new_interval, again.new_dispensing) == (
        "methadone_oral",
        "daily",
        "supervised",
    )
    assert again.new_dose_mg == 30.0


def test_ost_start_prescribes_the_chosen_medicine(clinician: Services, services: Services) -> None:
    pid = _without_prescription(services)
    draft = clinician.reviews.start(pid, "start")
    start = complete(
        goals={},
        ost_decision="start",
        ost_rationale="",
        new_dose_mg=8.0,
        new_dose_from=TODAY,
        next_review_date=dt.date(2027, 5, 23),
    )
    with pytest.raises(Invalid) as caught:  # no medicine: never "other" by default
        clinician.reviews.finalise(draft.id, draft.version, start)
    assert caught.value.errors == {
        "new_medicine": "choose methadone, buprenorphine, buprenorphine PR or other"
    }
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(
            draft.id,
            draft.version,
            replace(start, new_medicine="buprenorphine_prolonged_release", new_interval="daily"),
        )
    assert caught.value.errors == {"new_interval": "this medicine is given weekly or monthly"}
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(
            draft.id,
            draft.version,
            replace(start, new_medicine="methadone_oral", new_dose_mg=800.0),
        )
    assert caught.value.errors["new_dose_mg"].startswith("800 mg daily is outside 1–300 mg")
    assert caught.value.errors["new_dispensing"] == "oral medicines need a dispensing arrangement"
    # A draft is saved before the medicine is chosen; once chosen, it is checked.
    saved = clinician.reviews.save_draft(draft.id, draft.version, start)
    saved = clinician.reviews.save_draft(
        draft.id, saved.version, replace(start, new_medicine="methadone_oral")
    )  # kept, and marked: finalise refuses it
    assert saved.marks == {"new_dispensing": "oral medicines need a dispensing arrangement"}
    assert clinician.reviews.get(draft.id).values.new_medicine == "methadone_oral"
    done = clinician.reviews.finalise(
        draft.id,
        saved.version,
        replace(start, new_medicine="buprenorphine_sublingual", new_dispensing="supervised"),
    )
    assert done.finalised
    with Session(clinician.engine) as s:
        rx = s.exec(select(Prescription).where(Prescription.patient_id == pid)).one()
        assert (rx.medicine, rx.dose_mg, rx.interval, rx.dispensing, rx.start_date) == (
            "buprenorphine_sublingual",
            8.0,
            "daily",
            "supervised",
            TODAY,
        )
        p = s.get(Patient, pid)
        assert p is not None
        assert (p.current_medicine, p.current_dose_mg) == ("buprenorphine_sublingual", 8.0)
        assert p.ost_continuous_start == TODAY


def test_pending_start_names_the_medicine_when_decided(
    clinician: Services, as_staff: StaffFactory, services: Services
) -> None:
    pid = _without_prescription(services)
    worker = as_staff("recovery_worker")
    draft = worker.reviews.start(pid, "start")
    done = worker.reviews.finalise(
        draft.id, draft.version, complete(goals={}, ost_decision="", ost_rationale="")
    )
    with pytest.raises(Invalid) as caught:
        clinician.reviews.record_ost_decision(done.id, "start", "", 7.5, TODAY)
    assert "new_medicine" in caught.value.errors
    clinician.reviews.record_ost_decision(
        done.id,
        "start",
        "",
        64.0,
        TODAY,
        new_medicine="buprenorphine_prolonged_release",
        new_interval="monthly",
    )
    with Session(clinician.engine) as s:
        rx = s.exec(select(Prescription).where(Prescription.patient_id == pid)).one()
        assert (rx.medicine, rx.dose_mg, rx.interval) == (
            "buprenorphine_prolonged_release",
            64.0,
            "monthly",
        )
