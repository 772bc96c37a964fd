"""Household and consent details on the patient record (SPEC §1, §2): preferred contact,
consent to contact named family and to share with the specialist service, the keyworker
(whoever edits demographics), children under 16 and the safe-storage discussion
(clinician or recovery worker), each validated by field and audited."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid
from db.models import AuditEvent
from tests.conftest import StaffFactory

JO = PatientInput(
    "943 476 5919", "Smith", "Jo", "01/01/1961", phone="01924 000000", consent_letters_home=True
)
SAFE_STORAGE = "Children in the household: safe storage not discussed in 12 months"


def _alerts(services: Services, pid: int) -> list[str]:
    return [a.text for a in services.summary.open(pid).alerts]


def _last_fields(services: Services, pid: int) -> list[str]:
    with Session(services.engine) as s:
        event = s.exec(
            select(AuditEvent)
            .where(AuditEvent.patient_id == pid, AuditEvent.action == "patient.update")
            .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
        ).first()
        assert event is not None
        return list(json.loads(event.detail)["fields"])


def test_children_raise_the_safe_storage_alert_and_a_discussion_clears_it(
    services: Services, as_staff: StaffFactory
) -> None:
    worker = as_staff("recovery_worker")
    record = worker.patients.register(JO)
    worker.episodes.start(record.id, dt.date(2026, 11, 2))
    assert SAFE_STORAGE not in _alerts(worker, record.id)

    two = worker.patients.update(
        record.id,
        worker.patients.demographics(record.id).version,
        replace(
            JO,
            children_under_16="2",
            safe_storage_discussed="",
            preferred_contact="text",
            consent_family_contact=True,
            consent_share_specialist=True,
            keyworker_id=worker.staff.id,
        ),
    )
    assert (two.children_under_16, two.safe_storage_discussed) == (2, None)
    assert (two.preferred_contact, two.consent_family_contact, two.consent_share_specialist) == (
        "text",
        True,
        True,
    )
    assert two.keyworker_id == worker.staff.id
    assert SAFE_STORAGE in _alerts(worker, record.id)
    assert {"children_under_16", "preferred_contact", "keyworker_id"} <= set(
        _last_fields(worker, record.id)
    )

    talked = worker.patients.update(
        record.id,
        two.version,
        replace(JO, children_under_16="2", safe_storage_discussed="23/11/2026", keyworker_id=None),
    )
    assert talked.safe_storage_discussed == dt.date(2026, 11, 23)
    assert SAFE_STORAGE not in _alerts(worker, record.id)
    assert _last_fields(worker, record.id) == [
        "consent_family_contact",
        "consent_share_specialist",
        "keyworker_id",
        "preferred_contact",
        "safe_storage_discussed",
    ]


def test_each_detail_is_checked_beside_its_field(
    services: Services, as_staff: StaffFactory
) -> None:
    worker = as_staff("recovery_worker")
    gone = as_staff("clinician")
    services.staff_admin.set(gone.staff.login, active=False)
    record = worker.patients.register(JO)
    bad = replace(
        JO,
        children_under_16="two",
        safe_storage_discussed="24/11/2026",
        preferred_contact="email",
        keyworker_id=gone.staff.id,
    )
    with pytest.raises(Invalid) as refused:
        worker.patients.update(record.id, record.version, bad)
    assert set(refused.value.errors) == {
        "children_under_16",
        "safe_storage_discussed",
        "preferred_contact",
    }
    assert "email address" in refused.value.errors["preferred_contact"]
    with pytest.raises(Invalid) as inactive:
        worker.patients.update(record.id, record.version, replace(JO, keyworker_id=gone.staff.id))
    assert "active member of staff" in inactive.value.errors["keyworker_id"]
    no_letters = replace(JO, consent_letters_home=False, preferred_contact="letter")
    with pytest.raises(Invalid) as letter:
        worker.patients.update(record.id, record.version, no_letters)
    assert "consent" in letter.value.errors["preferred_contact"]


def test_reception_edits_contact_and_consent_but_not_the_household(
    services: Services, as_staff: StaffFactory
) -> None:
    worker = as_staff("recovery_worker")
    reception = as_staff("reception")
    record = worker.patients.register(replace(JO, children_under_16="1"))
    assert record.children_under_16 == 1
    saved = reception.patients.update(
        record.id, record.version, replace(JO, preferred_contact="phone", keyworker_id=None)
    )
    assert saved.preferred_contact == "phone" and saved.children_under_16 == 1  # not on the form
    with pytest.raises(Forbidden) as refused:
        reception.patients.update(record.id, saved.version, replace(JO, children_under_16="0"))
    assert "safe-storage" in str(refused.value) and "Smith" not in str(refused.value)
    assert reception.patients.demographics(record.id).children_under_16 == 1
