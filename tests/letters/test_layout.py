"""Where things land on the page: the address inside the DL window, "Page n of m".

Read back from the PDFs with pypdf: each text run's position on the page, so a postcode
that drifted out of the envelope's window, or a body pushed to page 2, fails here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from console.letters import address, fields
from console.letters.render import FONT, register_fonts
from console.services.careplan_dto import GoalInput
from console.services.dto import PatientInput
from console.services.errors import Refused
from console.services.pharmacies import PharmacyInput
from tests.letters.conftest import Caseload, agreed_plan, methadone

MM = 72 / 25.4
PAGE_H = 841.8898
# The DL window on the A4 sheet, in PDF points (origin bottom-left).
WINDOW = (
    address.WINDOW_LEFT_MM * MM,
    PAGE_H - (address.WINDOW_TOP_MM + address.WINDOW_H_MM) * MM,
    (address.WINDOW_LEFT_MM + address.WINDOW_W_MM) * MM,
    PAGE_H - address.WINDOW_TOP_MM * MM,
)
LONGEST = PatientInput(
    "9434765846",
    # 60 characters each: the most the patient form accepts for a name
    "Featherstonehaugh-Cholmondeley-Montmorency-Fitzwilliam-Smyth",
    "Alexandrina Bartholomew Maximiliana Wilhelmina Anastasia Joy",
    "12/03/1980",
    # 80 characters each for the two address lines, 60 for the town: the form's limits
    address_line_1="Flat 114, Third Floor, Lower Ground Wing, The Old Woollen Mill Buildings, Mill L",
    address_line_2="Riverside Industrial Estate Approach Road East, off the Great Northern Bypass A6",
    town="Newbiggin-on-Lune near Kirkby Stephen and Ravenstonedale, Cu",
    postcode="CA17 4NB",
    consent_letters_home=True,
)


# The longest name and address the pharmacy directory's form accepts (its limits are the
# patient form's): the pharmacy letter's window.
LONGEST_PHARMACY = PharmacyInput(
    "Featherstonehaugh and Cholmondeley Community Pharmacy and Travel Clinic, Upper M",
    LONGEST.address_line_1,
    LONGEST.address_line_2,
    LONGEST.town,
    "CA17 4NB",
)


@dataclass(frozen=True)
class Run:
    text: str
    x: float
    y: float
    size: float


def runs(page: object) -> list[Run]:
    """Every text run on a page with its baseline position and font size."""
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append(Run(text.strip(), x, y, size * tm[0]))

    page.extract_text(visitor_text=visit)  # type: ignore[attr-defined]
    return found


def in_window(run: Run) -> bool:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts()
    left, bottom, right, top = WINDOW
    width = stringWidth(run.text, FONT, run.size)
    descent, ascent = 0.24 * run.size, 0.93 * run.size
    return (
        left <= run.x
        and run.x + width <= right
        and bottom <= run.y - descent
        and run.y + ascent <= top
    )


def reader(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()), strict=True)


@pytest.fixture
def longest(caseload: Caseload) -> int:
    """A patient with the longest name and address the form accepts, with a care plan,
    a prescription and a linked resource (as Siobhán has) and an overdue review."""
    services = caseload.services
    pid = services.patients.register(replace(LONGEST, recovery_start="23/11/2024")).id
    widest = services.pharmacies.add(LONGEST_PHARMACY)
    services.episodes.start(pid, dt.date(2026, 10, 5))  # the start review: due 2 November
    services.episodes.change_prescription(pid, methadone(widest.id))
    agreed_plan(services, pid, [HOUSING], agreed_with="Alexandrina")
    services.linkage.link(
        pid, caseload.smart, "information_given", dt.date(2026, 10, 1), dt.date(2027, 3, 1)
    )
    return pid


@pytest.fixture
def longest_after_exit(caseload: Caseload) -> int:
    """The same patient once treatment was completed on 11 October 2026: on post-exit
    check-ups, the first due 11 January 2027 (the check-up invitation)."""
    services = caseload.services
    pid = services.patients.register(replace(LONGEST, recovery_start="23/11/2024")).id
    services.episodes.start(pid, dt.date(2026, 1, 5))
    services.episodes.end(pid, dt.date(2026, 10, 11), "80")
    return pid


HOUSING = GoalInput(
    "housing", "Find somewhere of my own", actions="Referral to housing officer", owner="Keyworker"
)


@pytest.mark.parametrize("key", list(fields.ORDER))
def test_longest_address_stays_in_the_window_on_page_one(
    caseload: Caseload, request: pytest.FixtureRequest, key: str
) -> None:
    made = "longest_after_exit" if key == "checkup_invitation" else "longest"
    produced = caseload.services.letters.produce(request.getfixturevalue(made), key)
    pages = reader(produced.path).pages
    first = runs(pages[0])
    text = " ".join(r.text for r in first)
    assert "Page 1 of" in text
    assert "Dear " in text  # the body starts on page 1, not after an address-only page
    if key == "pharmacy_letter":  # to the pharmacy; the patient's address in the body
        assert "The Pharmacist" in text
        assert "CA17 4NB" in " ".join(r.text for r in first if not in_window(r))
    postcode = [r for r in first if r.text == "CA17 4NB"]
    assert len(postcode) == 1 and in_window(postcode[0]), (postcode, WINDOW)
    # Every line of the block is inside the window too: name, both lines, town.
    block = [r for r in first if WINDOW[1] - 5 < r.y < WINDOW[3] + 5 and r.x < WINDOW[2]]
    assert block and all(in_window(r) for r in block), block
    joined = " ".join(r.text for r in block)
    assert "Featherstonehaugh" in joined and "Approach Road East" in joined
    assert "Page 1 of" in text


def test_an_address_that_cannot_fit_is_refused_with_the_reason(caseload: Caseload) -> None:
    services = caseload.services
    wide = PatientInput(
        "9434765838",
        "W" * 60,
        "M" * 60,
        "12/03/1980",
        address_line_1="W" * 80,
        address_line_2="M" * 80,
        town="W" * 60,
        postcode="CA17 4NB",
        consent_letters_home=True,
    )
    pid = services.patients.register(wide).id
    services.episodes.start(pid, dt.date(2026, 10, 5))  # the start review: due 2 November
    preview = services.letters.preview(services.letters.open(pid), "review_invitation")
    assert "too long to fit the envelope window" in preview.refusal
    with pytest.raises(Refused, match="too long to fit the envelope window"):
        services.letters.produce(pid, "review_invitation")


def _measure() -> address.Width:
    register_fonts()
    return address.measure_with(FONT)


words = st.text(
    alphabet=st.characters(codec="latin-1", categories=("Lu", "Ll", "Nd")) | st.just(" "),
    max_size=80,
)


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    name=st.text(alphabet="abcdefghijklmnopqrstuvwxyzWMÓŁ -", max_size=121),
    line_1=words,
    line_2=words,
    town=st.text(alphabet="abcdefghijklmnopqrstuvwxyz WM-", max_size=60),
)
def test_every_address_the_form_accepts_fits_or_is_refused(
    name: str, line_1: str, line_2: str, town: str
) -> None:
    measure = _measure()
    lines = [x for x in (name, line_1, line_2, town) if x.strip()] + ["CA17 4NB"]
    try:
        block = address.fit(lines, measure)
    except address.AddressTooLong as exc:
        assert "too long to fit the envelope window" in str(exc)
        return
    assert block.size >= address.SIZES[-1]
    assert block.height <= address.BOX_H + 0.01
    assert all(measure(line, block.size) <= address.BOX_W + 0.01 for line in block.lines)
    assert block.lines[-1] == "CA17 4NB"

    # Nothing lost in the wrapping: the same characters, in order (the block may run the
    # address lines on with commas, and breaks lines at spaces and after hyphens).
    def bare(text: str) -> str:
        return "".join(text.split()).replace(",", "")

    assert bare("".join(block.lines)) == bare("".join(lines))


def test_a_long_letter_numbers_its_pages_and_names_the_patient_on_each(
    caseload: Caseload,
) -> None:
    services = caseload.services
    goals = [
        GoalInput(
            "housing",
            f"Goal number {n + 1}: somewhere safe and settled to live",
            actions="Referral to the housing officer and a letter of support",
            owner="Keyworker",
        )
        for n in range(40)
    ]
    agreed_plan(
        services, caseload.kowalczyk, goals, in_progress=tuple(range(40)), agreed_with="Łukasz"
    )
    produced = services.letters.produce(caseload.kowalczyk, "care_plan_copy")
    pages = reader(produced.path).pages
    assert len(pages) >= 2
    count = len(pages)
    for n, page in enumerate(pages, 1):
        text = " ".join(r.text for r in runs(page))
        assert f"Page {n} of {count}" in text
        if n > 1:
            assert "Łukasz Kowalczyk · NHS number 943 476 5870" in text
        if n == 2:
            assert "What will be done" in text  # the table's heading row repeats
    assert "Yours sincerely" in " ".join(r.text for r in runs(pages[-1]))
