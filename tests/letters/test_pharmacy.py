"""The letter to the pharmacy, a controlled-drug document, for each medicine of SPEC §2:
read back from the PDF with pypdf (the pharmacy's address in the window, the product's
form and strength, the dose, each instalment and the supervised days)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from console.services.errors import Forbidden, Invalid, Refused
from console.services.letters import LetterOutput
from tests.conftest import StaffFactory
from tests.letters.conftest import Caseload, methadone
from tests.letters.test_layout import in_window, runs
from tests.services.review_setup import complete

WEEK = ("mon", "tue", "wed", "thu", "fri", "sat")
MISSED = "three or more doses in a row are missed"


def read(path: Path) -> tuple[str, list[str]]:
    """The letter's text (spaces normalised), and the text runs inside the window."""
    pages = PdfReader(io.BytesIO(path.read_bytes())).pages
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    return text, [r.text for r in runs(pages[0]) if in_window(r)]


def letter(caseload: Caseload, **changes: object) -> tuple[str, list[str]]:
    """Siobhán's prescription changed as given (through the service), then her letter."""
    services = caseload.services
    services.episodes.change_prescription(caseload.siobhan, methadone(1, **changes))
    return read(services.letters.produce(caseload.siobhan, "pharmacy_letter").path)


def test_methadone_oral_solution(caseload: Caseload) -> None:
    text, window = read(caseload.services.letters.produce(caseload.siobhan, "pharmacy_letter").path)
    assert window == [
        "PRIVATE AND CONFIDENTIAL",
        "The Pharmacist",
        "Boots",
        "2 Market Street",
        "Wakefield",
        "WF1 1DH",
    ]
    assert "Dear Pharmacist" in text and "Yours faithfully" in text
    assert "Patient Siobhán Ó Súilleabháin" in text
    assert "Address 14 Mill Lane, Flat 2, Wakefield, WF1 2AB" in text
    assert "Date of birth 12 March 1980" in text
    assert "Medicine Methadone oral solution 1 mg/ml" in text
    assert "Dose 60 mg (60 ml) daily" in text
    assert "Dispensing Supervised consumption" in text
    # Saturday's collection holds Sunday's dose.
    assert "Monday: 1 day, 60 mg (60 ml); supervised" in text
    assert "Tuesday: 1 day, 60 mg (60 ml); taken home" in text
    assert "Saturday: 2 days, 120 mg (120 ml); taken home" in text
    assert "Supervised Monday, Wednesday and Friday" in text
    assert MISSED in text
    assert "Page 1 of 1" in text


def test_buprenorphine_sublingual_tablets(caseload: Caseload) -> None:
    text, _ = letter(
        caseload,
        medicine="buprenorphine_sublingual",
        dose_mg=16.0,
        product="buprenorphine_sl_8mg",
        dispensing="multi_day_pickup",
        pickup_days=("mon", "thu"),
        supervised_days=("mon",),
    )
    assert "Medicine Buprenorphine 8 mg sublingual tablets" in text
    assert "Dose 16 mg daily" in text and "ml" not in text.split("Dose", 1)[1][:20]
    assert "Monday: 3 days, 48 mg; Monday's dose supervised, the rest taken home" in text
    assert "Thursday: 4 days, 64 mg; taken home" in text
    assert "Supervised Monday" in text
    assert MISSED in text


@pytest.mark.parametrize(
    ("interval", "dose", "product", "label"),
    [
        ("weekly", 24.0, "buprenorphine_pr_weekly", "(weekly)"),
        ("monthly", 128.0, "buprenorphine_pr_monthly", "(monthly)"),
    ],
)
def test_prolonged_release_injection_has_no_missed_dose_advice(
    caseload: Caseload, interval: str, dose: float, product: str, label: str
) -> None:
    text, window = letter(
        caseload,
        medicine="buprenorphine_prolonged_release",
        dose_mg=dose,
        interval=interval,
        dispensing="",
        product=product,
        pickup_days=(),
        supervised_days=(),
    )
    assert f"Medicine Buprenorphine prolonged-release injection {label}" in text
    assert f"Dose {dose:g} mg {interval}" in text
    assert "Instalments none: given by injection, nothing is taken away" in text
    assert MISSED not in text and "missed" not in text
    assert "any other opioid medicine" in text
    assert "WF1 1DH" in window


def test_other_medicine_prints_the_typed_form_and_strength(caseload: Caseload) -> None:
    text, _ = letter(
        caseload,
        medicine="other",
        dose_mg=60.0,
        product="",
        product_text="Morphine sulfate 10 mg/5 ml oral solution",
        dispensing="daily_pickup",
        pickup_days=WEEK,
        supervised_days=(),
    )
    assert "Medicine Morphine sulfate 10 mg/5 ml oral solution" in text
    assert "Supervised none: all taken home" in text


def test_refused_without_a_current_prescription(caseload: Caseload) -> None:
    letters = caseload.services.letters
    preview = letters.preview(letters.open(caseload.kowalczyk), "pharmacy_letter")
    assert preview.refusal.startswith("No letter: there is no current prescription.")
    with pytest.raises(Refused, match="no current prescription"):
        letters.produce(caseload.kowalczyk, "pharmacy_letter")
    assert not caseload.folder.exists() or not list(caseload.folder.iterdir())


def test_refused_without_the_form_and_strength_or_the_days(caseload: Caseload) -> None:
    services = caseload.services
    services.episodes.change_prescription(
        caseload.siobhan, methadone(1, medicine="buprenorphine_sublingual", dose_mg=8.0, product="")
    )
    with pytest.raises(Refused, match="form and strength"):
        services.letters.produce(caseload.siobhan, "pharmacy_letter")
    services.episodes.change_prescription(
        caseload.siobhan, methadone(1, dose_mg=50.0, pickup_days=(), supervised_days=())
    )
    with pytest.raises(Refused, match="instalment"):
        services.letters.produce(caseload.siobhan, "pharmacy_letter")


def test_refused_once_the_pharmacy_is_retired(caseload: Caseload) -> None:
    services = caseload.services
    boots = services.pharmacies.get(1)
    services.pharmacies.set_active(boots.id, boots.version, False)
    with pytest.raises(Refused, match="retired"):
        services.letters.produce(caseload.siobhan, "pharmacy_letter")
    with pytest.raises(Invalid) as bad:  # nor can a new prescription name it
        services.episodes.change_prescription(caseload.siobhan, methadone(1, dose_mg=55.0))
    assert "pharmacy_id" in bad.value.errors


def test_only_a_clinician_produces_it(caseload: Caseload, as_staff: StaffFactory) -> None:
    for role in ("recovery_worker", "admin"):
        other = as_staff(role)
        other.letters.output = LetterOutput(caseload.folder)
        preview = other.letters.preview(other.letters.open(caseload.siobhan), "pharmacy_letter")
        assert preview.refusal.startswith("Only a clinician may produce the letter")
        assert preview.text == ""
        with pytest.raises(Forbidden, match="needs the role clinician"):
            other.letters.produce(caseload.siobhan, "pharmacy_letter")
        # The other letters are theirs to produce as before.
        assert other.letters.produce(caseload.siobhan, "review_invitation").letters == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"supervised_days": ("sun",)}, "supervised_days"),  # not a pick-up day
        ({"pickup_days": ("mon", "funday")}, "pickup_days"),
        ({"supervised_days": ()}, "supervised_days"),  # supervised consumption, none marked
        ({"dispensing": "weekly"}, "pickup_days"),  # weekly pick-up on six days
        ({"product": "buprenorphine_sl_8mg"}, "product"),  # not a methadone product
        (
            {
                "medicine": "buprenorphine_prolonged_release",
                "interval": "monthly",
                "dose_mg": 96.0,
                "dispensing": "",
                "product": "buprenorphine_pr_weekly",
                "pickup_days": (),
                "supervised_days": (),
            },
            "product",
        ),
        (
            {
                "medicine": "buprenorphine_prolonged_release",
                "interval": "weekly",
                "dose_mg": 16.0,
                "dispensing": "",
                "product": "buprenorphine_pr_weekly",
                "supervised_days": (),
            },
            "pickup_days",  # an injection is not collected
        ),
        ({"pharmacy_id": 99}, "pharmacy_id"),
    ],
)
def test_the_prescription_refuses_instalments_that_do_not_fit(
    caseload: Caseload, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(Invalid) as bad:
        caseload.services.episodes.change_prescription(
            caseload.siobhan, methadone(**{"pharmacy_id": 1, "dose_mg": 70.0, **changes})
        )
    assert field in bad.value.errors, bad.value.errors


def test_the_prescription_keeps_what_it_was_given(caseload: Caseload) -> None:
    summary = caseload.services.summary.open(caseload.siobhan)
    dose = summary.doses[-1]
    assert dose.product == "methadone_1mg_ml"
    assert dose.pickup_days == WEEK and dose.supervised_days == ("mon", "wed", "fri")
    assert dose.pharmacy_id == 1 and dose.pharmacy == "Boots"


def test_a_review_dose_change_keeps_the_product_days_and_pharmacy(caseload: Caseload) -> None:
    services = caseload.services
    today = services.clock.today()
    draft = services.reviews.start(caseload.siobhan, "strategic")
    data = complete(ost_decision="reduce", ost_rationale="", new_dose_mg=50.0, new_dose_from=today)
    services.reviews.finalise(draft.id, draft.version, data)
    text, window = read(services.letters.produce(caseload.siobhan, "pharmacy_letter").path)
    assert "Dose 50 mg (50 ml) daily" in text
    assert "Medicine Methadone oral solution 1 mg/ml" in text
    assert "Monday: 1 day, 50 mg (50 ml); supervised" in text
    assert "WF1 1DH" in window
