"""Who signs (SPEC §5): a letter by the member of staff's name and professional title, a
batch by the practice's signature default, never a role name; and every letter's line
offering other formats (Accessible Information Standard) from the practice setting."""

from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from console.services.dto import PracticeInput
from console.services.letters import LetterOutput
from tests.conftest import StaffFactory
from tests.letters.conftest import SIGNER, Caseload

ROLE_NAMES = ("Clinician", "Recovery worker", "Reception", "Practice manager", "root")
DEFAULT_LINE = (
    "If you would like this letter in large print, easy read or another language, or in "
    "another format, please phone us on 01924 000111."
)


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_a_letter_is_signed_with_the_name_and_professional_title(caseload: Caseload) -> None:
    for key in ("review_invitation", "pharmacy_letter"):
        text = text_of(caseload.services.letters.produce(caseload.siobhan, key).path)
        assert f"{SIGNER} GP, Riverside Medical Practice" in text
        assert not any(role in text for role in ROLE_NAMES)


def test_without_a_title_the_practice_stands_under_the_name(
    caseload: Caseload, as_staff: StaffFactory
) -> None:
    worker = as_staff("recovery_worker", login="jpickles")
    worker.letters.output = LetterOutput(caseload.folder)
    preview = worker.letters.preview(worker.letters.open(caseload.siobhan), "review_invitation")
    tail = preview.text.split("Yours sincerely,", 1)[1].split()
    assert " ".join(tail[:2]) == "Jpickles Riverside"  # the name, then the practice
    assert "Recovery worker" not in preview.text


def test_a_batch_is_signed_with_the_practice_signature_whoever_runs_it(
    caseload: Caseload, as_staff: StaffFactory
) -> None:
    reception = as_staff("reception", login="julie")
    reception.letters.output = LetterOutput(caseload.folder)
    produced = reception.letters.recall_batch([caseload.siobhan, caseload.kowalczyk])
    reader = PdfReader(io.BytesIO(produced.path.read_bytes()))
    for page in reader.pages:
        text = " ".join((page.extract_text() or "").split())
        assert "Yours sincerely, The Recovery Team Riverside Medical Practice" in text
        assert "Julie" not in text and "Reception" not in text


def test_every_letter_carries_the_accessibility_line(caseload: Caseload) -> None:
    letters = caseload.services.letters
    for key in ("review_invitation", "care_plan_copy", "pharmacy_letter"):
        assert DEFAULT_LINE in text_of(letters.produce(caseload.siobhan, key).path)
    practice = caseload.services.practice.get()
    own = "Ask us for this letter in large print, easy read, Braille or your language."
    caseload.services.practice.update(
        PracticeInput(
            practice.name,
            practice.address,
            practice.phone,
            practice.email,
            practice.ods_code,
            practice.signature,
            own,
            str(practice.barc10_fall_threshold),
            str(practice.idle_minutes),
            practice.timezone,
        ),
        practice.version,
    )
    produced = letters.recall_batch(
        [caseload.siobhan, caseload.kowalczyk], again={caseload.siobhan}
    )
    text = text_of(produced.path)
    assert text.count(own) == 2 and DEFAULT_LINE not in text
    preview = letters.preview(letters.open(caseload.siobhan), "review_invitation").text
    assert own in " ".join(preview.split())
