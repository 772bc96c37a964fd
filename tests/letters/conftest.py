"""Letter fixtures: a practice with a letterhead and patients with plans, OST and linkage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from reportlab import rl_config
from sqlmodel import Session

from console.services import Services
from console.services.dto import PatientInput, PrescriptionInput
from console.services.letters import LetterOutput
from console.services.pharmacies import PharmacyInput
from db.models import CarePlan, Goal, Linkage, Patient, PracticeSettings, Resource


@pytest.fixture(autouse=True)
def _invariant_pdfs(monkeypatch: pytest.MonkeyPatch) -> None:
    """No creation date or random document id in the PDF: checksums are stable."""
    monkeypatch.setattr(rl_config, "invariant", 1)


SIGNER = "Dr Tess Ellis"
BATCH_SIGNATURE = "The Recovery Team\nRiverside Medical Practice"
BOOTS = PharmacyInput("Boots", "2 Market Street", "", "Wakefield", "WF1 1DH", "01924 000222")


def methadone(pharmacy_id: int | None, **changes: object) -> PrescriptionInput:
    """60 mg methadone oral solution daily, collected Monday to Saturday (Saturday's
    holds Sunday's), supervised Monday, Wednesday and Friday."""
    values: dict[str, object] = {
        "medicine": "methadone_oral",
        "dose_mg": 60.0,
        "dispensing": "supervised",
        "start_date": dt.date(2026, 1, 5),
        "product": "methadone_1mg_ml",
        "pickup_days": ("mon", "tue", "wed", "thu", "fri", "sat"),
        "supervised_days": ("mon", "wed", "fri"),
        "pharmacy_id": pharmacy_id,
    }
    values.update(changes)
    return PrescriptionInput(**values)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Caseload:
    services: Services
    siobhan: int  # Ó Súilleabháin: consents, agreed plan, methadone, linked to SMART
    kowalczyk: int  # Kowalczyk: consents, review overdue
    no_consent: int
    deceased: int
    folder: Path

    def overdue(self, patient_id: int) -> None:
        """Set up: move a patient's review date into the past (as if it had been missed)."""
        with Session(self.services.engine) as session:
            row = session.get(Patient, patient_id)
            assert row is not None
            row.next_review_due = dt.date(2026, 11, 2)
            session.add(row)
            session.commit()


def _patient(services: Services, nhs: str, family: str, given: str, consent: bool) -> int:
    record = services.patients.register(
        PatientInput(
            nhs,
            family,
            given,
            "12/03/1980",
            address_line_1="14 Mill Lane",
            address_line_2="Flat 2",
            town="Wakefield",
            postcode="WF1 2AB",
            consent_letters_home=consent,
        )
    )
    return record.id


def add_practice(services: Services) -> None:
    with Session(services.engine) as session:
        session.merge(
            PracticeSettings(
                id=1,
                name="Riverside Medical Practice",
                address="1 Riverside Way, Wakefield, WF1 1AA",
                phone="01924 000111",
                email="riverside.practice@nhs.net",
                ods_code="B12345",
                signature=BATCH_SIGNATURE,
            )
        )
        session.commit()


@pytest.fixture
def caseload(services: Services, tmp_path: Path) -> Caseload:
    add_practice(services)
    siobhan = _patient(services, "9434765919", "Ó Súilleabháin", "Siobhán", True)
    kowalczyk = _patient(services, "9434765870", "Kowalczyk", "Łukasz", True)
    no_consent = _patient(services, "9434765862", "Quarrington", "Leah", False)
    deceased = _patient(services, "9434765854", "Marsh", "Tom", True)
    # The practice's first account is also a GP (a GP partner): it may sign the pharmacy
    # letter, and signs as "Dr Tess Ellis, GP".
    services.staff_admin.set("tester", roles=["admin", "clinician"], title="GP", name=SIGNER)
    services.refresh_staff()
    boots = services.pharmacies.add(BOOTS)
    services.episodes.change_prescription(siobhan, methadone(boots.id))
    with Session(services.engine) as session:
        p = session.get(Patient, siobhan)
        assert p is not None
        p.next_review_due = dt.date(2026, 12, 14)
        p.recovery_start = dt.date(2024, 11, 23)  # two years today
        p.next_checkup_due = dt.date(2027, 1, 11)
        plan = CarePlan(
            patient_id=siobhan, version_no=1, status="agreed", agreed_on=dt.date(2026, 6, 1)
        )
        session.add(plan)
        session.flush()
        assert plan.id is not None
        session.add(
            Goal(
                care_plan_id=plan.id,
                goal_key=1,
                domain="substance_use",
                position=0,
                words="Stop using heroin on top of my script",
                actions="Weekly keywork; reduce by 5 mg a month",
                owner="Siobhán and keyworker",
                target_date=dt.date(2027, 3, 1),
                status="in_progress",
            )
        )
        session.add(
            Goal(
                care_plan_id=plan.id,
                goal_key=2,
                domain="housing",
                position=1,
                words="Find somewhere of my own",
                actions="Referral to housing officer",
                owner="Keyworker",
                status="not_started",
            )
        )
        res = Resource(
            kind="smart_recovery",
            name="SMART Recovery Wakefield",
            name_key="smart recovery wakefield",
            where="Unity Hall, Westgate",
            when="Tuesdays 6.30 pm",
            contact="07700 900456",
        )
        session.add(res)
        session.flush()
        assert res.id is not None
        session.add(
            Linkage(
                patient_id=siobhan,
                resource_id=res.id,
                linked_on=dt.date(2026, 10, 1),
                method="information_given",
            )
        )
        k = session.get(Patient, kowalczyk)
        assert k is not None
        k.next_review_due = dt.date(2026, 11, 2)
        nc = session.get(Patient, no_consent)
        assert nc is not None
        nc.next_review_due = dt.date(2026, 12, 1)
        d = session.get(Patient, deceased)
        assert d is not None
        d.status = "deceased"
        d.next_review_due = dt.date(2026, 11, 30)
        session.commit()
    folder = tmp_path / "letters"
    services.letters.output = LetterOutput(folder)
    return Caseload(services, siobhan, kowalczyk, no_consent, deceased, folder)
