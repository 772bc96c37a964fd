"""Letter fixtures: a practice with a letterhead and patients with plans, OST and linkage."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from reportlab import rl_config

from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput, StatusInput
from console.services.dto import PatientInput, PatientRecord, PracticeInput, PrescriptionInput
from console.services.letters import LetterOutput
from console.services.linkage_dto import ResourceInput
from console.services.pharmacies import PharmacyInput
from console.services.review_dto import GoalReviewInput, ReviewInput
from tests.services.derived_helpers import top_values


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
    checkup: int = 0  # Nowak: on post-exit check-ups, the first due 11 January 2027
    smart: int = 0  # the SMART Recovery group in the directory

    def overdue(self, patient_id: int) -> None:
        """Set up: an interim review held on 19 October 2026 brought the next review
        forward to 2 November 2026, and it was missed (the patient is in treatment)."""
        interim(self.services, patient_id, dt.date(2026, 10, 19), dt.date(2026, 11, 2))


def _patient(
    services: Services, nhs: str, family: str, given: str, consent: bool, recovery_start: str = ""
) -> int:
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
            recovery_start=recovery_start,
        )
    )
    return record.id


def review(
    services: Services,
    patient_id: int,
    kind: str,
    held_on: dt.date,
    next_review: dt.date,
    **changes: object,
) -> int:
    """A finalised review held on `held_on` (entered today) that sets the next review
    date: every goal keeps its status, a complete TOP and BARC-10, OST continues."""
    goals = {
        g.goal_key: GoalReviewInput(g.status) for g in services.careplans.open(patient_id).goals
    }
    data = ReviewInput(
        review_date=held_on,
        top=top_values(),
        barc10=(4,) * 10,
        goals=goals,
        ost_decision="continue_maintenance",
        ost_rationale="stable, wants to stay on this dose",
        next_review_date=next_review,
    )
    draft = services.reviews.start(patient_id, kind)
    return services.reviews.finalise(draft.id, draft.version, replace(data, **changes)).id  # type: ignore[arg-type]


def interim(
    services: Services, patient_id: int, held_on: dt.date, next_review: dt.date, reason: str = ""
) -> int:
    return review(services, patient_id, "interim", held_on, next_review, next_review_reason=reason)


def agreed_plan(
    services: Services,
    patient_id: int,
    goals: list[GoalInput],
    *,
    in_progress: tuple[int, ...] = (),
    agreed_on: str = "01/06/2026",
    agreed_with: str = "Siobhán",
) -> None:
    """A care plan with these goals agreed on `agreed_on`; goals at these positions in
    progress (the others not started)."""
    view = services.careplans.open(patient_id)
    for goal in goals:
        view = services.careplans.add_goal(patient_id, view.plan_id, view.row_version, goal)
    keys = [g.goal_key for g in view.goals]
    for n in in_progress:
        view = services.careplans.set_status(
            patient_id, view.plan_id, view.row_version, keys[n], StatusInput("in_progress")
        )
    services.careplans.agree(
        patient_id, view.plan_id, view.row_version, AgreeInput(agreed_on, agreed_with)
    )


def as_input(record: PatientRecord, **changes: object) -> PatientInput:
    """A patient's demographics as the form would submit them, with these changes."""
    data = PatientInput(
        record.nhs_number,
        record.family_name,
        record.given_name,
        f"{record.date_of_birth:%d/%m/%Y}",
        sex=record.sex,
        address_line_1=record.address_line_1,
        address_line_2=record.address_line_2,
        town=record.town,
        postcode=record.postcode,
        phone=record.phone,
        email=record.email,
        consent_letters_home=record.consent_letters_home,
        recovery_start=f"{record.recovery_start:%d/%m/%Y}" if record.recovery_start else "",
        preferred_contact=record.preferred_contact,
        consent_family_contact=record.consent_family_contact,
        consent_share_specialist=record.consent_share_specialist,
        keyworker_id=record.keyworker_id,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def add_practice(services: Services) -> None:
    """The practice's details and the batch letters' signature, as the admin saves them."""
    practice = services.practice.get()
    services.practice.update(
        PracticeInput(
            name="Riverside Medical Practice",
            address="1 Riverside Way, Wakefield, WF1 1AA",
            phone="01924 000111",
            email="riverside.practice@nhs.net",
            ods_code="B12345",
            signature=BATCH_SIGNATURE,
            accessibility="",
            barc10_fall_threshold="6",
            idle_minutes="10",
            timezone="Europe/London",
        ),
        practice.version,
    )


SMART = ResourceInput(
    "smart_recovery",
    "SMART Recovery Wakefield",
    where="Unity Hall, Westgate",
    when="Tuesdays 6.30 pm",
    contact="07700 900456",
)
SIOBHAN_GOALS = [
    GoalInput(
        "substance_use",
        "Stop using heroin on top of my script",
        actions="Weekly keywork; reduce by 5 mg a month",
        owner="Siobhán and keyworker",
        target_date="01/03/2027",
    ),
    GoalInput(
        "housing",
        "Find somewhere of my own",
        actions="Referral to housing officer",
        owner="Keyworker",
    ),
]


@pytest.fixture
def caseload(services: Services, tmp_path: Path) -> Caseload:
    """Every state made through the services, as staff would record it."""
    add_practice(services)
    siobhan = _patient(
        services, "9434765919", "Ó Súilleabháin", "Siobhán", True, "23/11/2024"
    )  # two years in recovery today
    kowalczyk = _patient(services, "9434765870", "Kowalczyk", "Łukasz", True)
    no_consent = _patient(services, "9434765862", "Quarrington", "Leah", False)
    deceased = _patient(services, "9434765854", "Marsh", "Tom", True)
    checkup = _patient(services, "9434765927", "Nowak", "Ewa", True)
    # The practice's first account is also a GP (a GP partner): it may sign the pharmacy
    # letter, and signs as "Dr Tess Ellis, GP".
    services.staff_admin.set("tester", roles=["admin", "clinician"], title="GP", name=SIGNER)
    services.refresh_staff()
    boots = services.pharmacies.add(BOOTS)
    # Siobhán: in treatment since January on methadone, a plan agreed on 1 June, and a
    # strategic review on 14 June that set the next for 14 December.
    services.episodes.start(siobhan, dt.date(2026, 1, 5))
    services.episodes.change_prescription(siobhan, methadone(boots.id))
    agreed_plan(services, siobhan, SIOBHAN_GOALS, in_progress=(0,))
    review(services, siobhan, "strategic", dt.date(2026, 6, 14), dt.date(2026, 12, 14))
    smart = services.resources.add(SMART)
    services.linkage.link(
        siobhan, smart.id, "information_given", dt.date(2026, 10, 1), dt.date(2027, 3, 1)
    )
    # The start review is due 28 days after an episode starts.
    services.episodes.start(kowalczyk, dt.date(2026, 10, 5))  # due 2 November: overdue
    services.episodes.start(no_consent, dt.date(2026, 11, 3))  # due 1 December
    services.episodes.start(deceased, dt.date(2026, 11, 2))  # due 30 November, then:
    services.deaths.record(deceased, dt.date(2026, 11, 20))
    # Nowak completed treatment on 11 October: the first check-up is three months on.
    services.episodes.start(checkup, dt.date(2026, 1, 5))
    services.episodes.end(checkup, dt.date(2026, 10, 11), "80")
    folder = tmp_path / "letters"
    services.letters.output = LetterOutput(folder)
    return Caseload(
        services, siobhan, kowalczyk, no_consent, deceased, folder, checkup=checkup, smart=smart.id
    )
