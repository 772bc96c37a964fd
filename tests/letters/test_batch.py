"""Batches: chunks assembled into one PDF, one letter per page range, the 14-day rule."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from console.clock import FixedClock
from console.services import Services
from console.services import letters_batch as batch
from console.services.letters import NothingToProduce
from db.models import Letter
from tests.conftest import TODAY
from tests.letters.conftest import Caseload


def reader(path: Path) -> PdfReader:
    return PdfReader(io.BytesIO(path.read_bytes()), strict=True)


def page_text(reader: PdfReader, n: int) -> str:
    return " ".join((reader.pages[n - 1].extract_text() or "").split())


def test_chunks_make_one_pdf_with_one_letter_per_page_range(
    caseload: Caseload, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mixed templates across three chunks: one file, each letter's pages its own."""
    monkeypatch.setattr(batch, "CHUNK", 2)
    caseload.overdue(caseload.siobhan)  # an overdue recall; Kowalczyk too
    # and a check-up invitation (Nowak)
    ids = [caseload.siobhan, caseload.kowalczyk, caseload.deceased, caseload.checkup]
    ids += [caseload.kowalczyk]
    produced = caseload.services.letters.recall_batch(ids)
    assert produced.letters == 4 and len(produced.skipped) == 1
    pdf = reader(produced.path)
    assert len(pdf.pages) == 4
    assert pdf.metadata is not None
    assert (
        pdf.metadata.title == "Recall letters (4): Overdue review recall 3, Check-up invitation 1"
    )
    assert produced.counts == (("Overdue review recall", 3), ("Check-up invitation", 1))
    with Session(caseload.services.engine) as session:
        rows = session.exec(select(Letter).order_by(Letter.id)).all()
    assert [r.page for r in rows] == [1, 2, 3, 4]
    assert all(r.path == str(produced.path) and r.sha256 == produced.sha256 for r in rows)
    names = {caseload.siobhan: "Ó Súilleabháin", caseload.kowalczyk: "Kowalczyk"}
    names[caseload.checkup] = "Nowak"
    for row in rows:
        text = page_text(pdf, row.page)
        assert names[row.patient_id] in text and "Page 1 of 1" in text
        others = [name for pid, name in names.items() if pid != row.patient_id]
        assert not any(name in text for name in others)
    check = "your next recovery check-up is due on 11 January 2027"
    assert check in page_text(pdf, 3)
    assert produced.sha256 == hashlib.sha256(produced.path.read_bytes()).hexdigest()


def test_a_second_recall_within_14_days_is_skipped_unless_chosen_again(
    caseload: Caseload, clock: FixedClock
) -> None:
    letters = caseload.services.letters
    letters.recall_batch([caseload.siobhan, caseload.kowalczyk])
    with pytest.raises(NothingToProduce) as refused:
        letters.recall_batch([caseload.siobhan, caseload.kowalczyk])
    reasons = {s.patient_id: s for s in refused.value.skipped}
    assert set(reasons) == {caseload.siobhan, caseload.kowalczyk}
    assert all(s.recent for s in reasons.values())
    assert (
        reasons[caseload.siobhan].reason
        == "sent a recall letter on 23 November 2026, within 14 days"
    )
    again = letters.recall_batch([caseload.siobhan, caseload.kowalczyk], again={caseload.siobhan})
    assert again.letters == 1 and [s.patient_id for s in again.skipped] == [caseload.kowalczyk]
    later = Services(caseload.services.engine, login="tester", clock=FixedClock(TODAY.add(days=15)))
    later.identify()
    later.letters.output = letters.output
    assert later.letters.recall_batch([caseload.kowalczyk]).letters == 1


def test_a_failed_batch_leaves_no_file(caseload: Caseload, monkeypatch: pytest.MonkeyPatch) -> None:
    letters = caseload.services.letters

    def broken(*args: object, **kwargs: object) -> tuple[int, ...]:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(letters, "_record_batch", broken)
    with pytest.raises(RuntimeError):
        letters.recall_batch([caseload.siobhan, caseload.kowalczyk])
    assert not list(caseload.folder.glob("*.pdf"))
