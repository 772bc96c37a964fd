"""Letters read back from their PDFs: names (Ó Súilleabháin), address, NHS number, date."""

from __future__ import annotations

import ast
import io
import os
import stat
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlmodel import Session, select

from console.letters import fields
from console.services.errors import Forbidden, Invalid, Refused
from console.services.letters import LetterOutput
from db.models import AuditEvent, Letter
from tests.conftest import StaffFactory
from tests.letters.conftest import Caseload

KEY_SENTENCES = {
    "review_invitation": "Your next recovery review is due on 14 December 2026",
    "review_recall": "your recovery review was due on 2 November 2026",
    "care_plan_copy": "version 1, as we agreed it together on 1 June 2026",
    "mutual_aid_introduction": "SMART Recovery Wakefield",
    "checkup_invitation": "your next recovery check-up is due on 11 January 2027",
    "pharmacy_letter": "Methadone oral solution 1 mg/ml",
    "recovery_milestone": "on 23 November 2026 you reached two years in recovery",
}


def text_of(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pages_of(path: Path) -> int:
    return len(PdfReader(io.BytesIO(path.read_bytes())).pages)


def test_seven_templates_are_shipped_and_valid() -> None:
    shipped = fields.shipped()
    assert sorted(shipped) == sorted(KEY_SENTENCES)
    assert list(shipped) == list(fields.ORDER)
    for template in shipped.values():
        assert fields.problems(template.body) == [], template.key


@pytest.mark.parametrize("key", sorted(KEY_SENTENCES))
def test_every_template_prints_name_address_nhs_number_date(caseload: Caseload, key: str) -> None:
    # A check-up invitation goes to a patient who has left treatment; every other
    # letter to Siobhán, who is in it.
    checkup = key == "checkup_invitation"
    who = caseload.checkup if checkup else caseload.siobhan
    family, given, nhs = (
        ("Nowak", "Ewa", "943 476 5927")
        if checkup
        else ("Ó Súilleabháin", "Siobhán", "943 476 5919")
    )
    if key == "review_recall":
        # Siobhán's review is not yet due: a recall would tell her she had missed it.
        with pytest.raises(Refused, match="not overdue"):
            caseload.services.letters.produce(caseload.siobhan, key)
        caseload.overdue(caseload.siobhan)
    produced = caseload.services.letters.produce(who, key)
    text = text_of(produced.path)
    assert family in text
    assert nhs in text
    assert "23 November 2026" in text
    assert "Riverside Medical Practice" in text and "B12345" in text
    assert KEY_SENTENCES[key] in text
    assert caseload.services.staff.name in text and "Page 1 of 1" in text
    if key == "pharmacy_letter":  # "Dear Pharmacist": "Yours faithfully"
        assert "The Pharmacist" in text and "60 mg (60 ml) daily" in text
        assert "Boots 2 Market Street Wakefield WF1 1DH" in text
        assert "Yours faithfully" in text and "Yours sincerely" not in text
    else:
        assert "Yours sincerely" in text
        assert f"{given} {family}" in text
        assert "14 Mill Lane" in text and "WF1 2AB" in text
    assert pages_of(produced.path) == 1


def test_polish_name_prints(caseload: Caseload) -> None:
    produced = caseload.services.letters.produce(caseload.kowalczyk, "review_recall")
    text = text_of(produced.path)
    assert "Łukasz Kowalczyk" in text and "2 November 2026" in text


def test_letter_is_recorded_audited_and_private(caseload: Caseload) -> None:
    services = caseload.services
    produced = services.letters.produce(caseload.siobhan, "review_invitation")
    assert stat.S_IMODE(produced.path.stat().st_mode) == 0o600
    assert produced.path.parent == caseload.folder
    assert "Siobh" not in produced.path.name  # no patient name in a file name
    with Session(services.engine) as session:
        row = session.exec(select(Letter)).one()
        assert row.patient_id == caseload.siobhan
        assert row.template_key == "review_invitation"
        assert row.sha256 == produced.sha256 and row.path == str(produced.path)
        assert row.produced_by == services.staff.id and row.printed_at == ""
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "letter.produce")).one()
        assert event.patient_id == caseload.siobhan
    assert "no printer is configured" in produced.print_message


def test_group_shared_letter_is_0640(caseload: Caseload) -> None:
    import grp

    group = grp.getgrgid(os.getgid()).gr_name
    caseload.services.letters.output = LetterOutput(caseload.folder, group=group)
    produced = caseload.services.letters.produce(caseload.siobhan, "review_invitation")
    st = produced.path.stat()
    assert stat.S_IMODE(st.st_mode) == 0o640 and st.st_gid == os.getgid()


def test_same_letter_same_checksum(caseload: Caseload) -> None:
    first = caseload.services.letters.produce(caseload.siobhan, "care_plan_copy")
    second = caseload.services.letters.produce(caseload.siobhan, "care_plan_copy")
    assert first.path != second.path and first.sha256 == second.sha256


def test_no_letter_home_without_consent(caseload: Caseload) -> None:
    letters = caseload.services.letters
    preview = letters.preview(letters.open(caseload.no_consent), "review_invitation")
    assert (
        preview.text == "" and "not consented to letters at their home address" in preview.refusal
    )
    with pytest.raises(Refused, match="not consented"):
        letters.produce(caseload.no_consent, "review_invitation")
    assert not caseload.folder.exists() or not list(caseload.folder.iterdir())


def test_no_letter_for_a_deceased_patient(caseload: Caseload) -> None:
    with pytest.raises(Refused, match="deceased"):
        caseload.services.letters.produce(caseload.deceased, "pharmacy_letter")


def test_missing_value_refuses_rather_than_printing_a_blank(caseload: Caseload) -> None:
    preview = caseload.services.letters.preview(
        caseload.services.letters.open(caseload.kowalczyk), "mutual_aid_introduction"
    )
    assert preview.refusal == (
        "No letter: the wording needs mutual aid group or service, and none is recorded "
        "for this patient."
    )


def test_preview_is_the_letters_text(caseload: Caseload) -> None:
    preview = caseload.services.letters.preview(
        caseload.services.letters.open(caseload.siobhan), "care_plan_copy"
    )
    assert "Siobhán Ó Súilleabháin" in preview.text
    assert "Find somewhere of my own" in preview.text and "Yours sincerely," in preview.text


def test_unknown_field_is_refused_when_the_template_is_saved(caseload: Caseload) -> None:
    letters = caseload.services.letters
    with pytest.raises(Invalid, match=r"unknown field \{patient.shoe_size\}"):
        letters.save_template("review_invitation", "Dear {patient.shoe_size},\n")
    with pytest.raises(Invalid, match="brace"):
        letters.save_template("review_invitation", "Dear {patient.given_name,\n")
    with pytest.raises(Invalid, match="line of its own"):
        letters.save_template("care_plan_copy", "Goals: {care_plan.goals_table}\n")
    with pytest.raises(Invalid, match="unknown field"):
        letters.save_template("review_invitation", "{patient.__class__}\n")


def test_saved_template_is_used(caseload: Caseload) -> None:
    letters = caseload.services.letters
    body = "Dear {patient.given_name},\n\nPlease ring {practice.phone} about your review.\n"
    saved = letters.save_template("review_invitation", body)
    assert saved.edited
    assert letters.template("review_invitation").body == body
    text = text_of(letters.produce(caseload.siobhan, "review_invitation").path)
    assert "Please ring 01924 000111 about your review." in text


def test_only_admin_edits_templates(caseload: Caseload, as_staff: StaffFactory) -> None:
    clinician = as_staff("clinician")
    with pytest.raises(Forbidden):
        clinician.letters.save_template("review_invitation", "Dear {patient.given_name},\n")
    assert len(clinician.letters.templates()) == 7  # everyone reads them


def test_reception_cannot_produce_but_can_run_a_batch(
    caseload: Caseload, as_staff: StaffFactory
) -> None:
    reception = as_staff("reception")
    reception.letters.output = LetterOutput(caseload.folder)
    with pytest.raises(Forbidden):
        reception.letters.produce(caseload.siobhan, "review_invitation")
    produced = reception.letters.recall_batch([caseload.siobhan, caseload.kowalczyk])
    assert produced.letters == 2


def test_batch_gives_one_page_per_letter_and_lists_the_skipped(caseload: Caseload) -> None:
    ids = [caseload.siobhan, caseload.kowalczyk, caseload.no_consent, caseload.deceased]
    seen: list[tuple[int, int]] = []
    produced = caseload.services.letters.recall_batch(
        ids, progress=lambda n, t: seen.append((n, t))
    )
    assert produced.letters == 2 and pages_of(produced.path) == 2
    reasons = {s.patient_id: s.reason for s in produced.skipped}
    assert set(reasons) == {caseload.no_consent, caseload.deceased}
    assert "consent" in reasons[caseload.no_consent] and "deceased" in reasons[caseload.deceased]
    text = text_of(produced.path)
    assert "Your next recovery review is due on 14 December 2026" in text  # invitation
    assert "your recovery review was due on 2 November 2026" in text  # overdue recall
    assert seen[-1][0] == seen[-1][1]
    with Session(caseload.services.engine) as session:
        rows = session.exec(select(Letter).order_by(Letter.page)).all()
        assert [r.page for r in rows] == [1, 2]
        assert {r.template_key for r in rows} == {"review_invitation", "review_recall"}
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "letter.batch")).one()
        assert str(caseload.siobhan) in (event.patient_ids or "")


def test_batch_of_many_gives_as_many_pages(caseload: Caseload) -> None:
    ids = [caseload.siobhan, caseload.kowalczyk] * 10
    produced = caseload.services.letters.recall_batch(ids)
    assert pages_of(produced.path) == 20


@pytest.fixture
def fake_lp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `lp` first on PATH: records its arguments, answers like CUPS."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "lp.log"
    script = bin_dir / "lp"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"open({str(log)!r}, 'a').write(repr(sys.argv[1:]) + '\\n')\n"
        "print('request id is Letters-7 (1 file(s))')\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def test_printing_sends_one_job_to_the_configured_printer(
    caseload: Caseload, fake_lp: Path
) -> None:
    services = caseload.services
    services.letters.output = LetterOutput(caseload.folder, printer="Letters")
    produced = services.letters.recall_batch([caseload.siobhan, caseload.kowalczyk], send=True)
    assert produced.printed and "Letters-7" in produced.print_message
    calls = [ast.literal_eval(line) for line in fake_lp.read_text().splitlines()]
    assert len(calls) == 1  # one job for the whole batch
    assert calls[0][:3] == ["-d", "Letters", "-t"] and calls[0][4:] == ["--", str(produced.path)]
    # The job's title says what, how many and when (cups-pdf names its file after it),
    # and never whose letters they are.
    title = calls[0][3]
    assert title.startswith("Recall letters, 2 letters, 2026-11-23 ") and "#" in title
    assert "Súilleabháin" not in title and "Kowalczyk" not in title
    with Session(services.engine) as session:
        assert all(r.printed_at for r in session.exec(select(Letter)).all())
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "letter.print")).one()


def test_reprint_sends_the_kept_file(caseload: Caseload, fake_lp: Path) -> None:
    services = caseload.services
    produced = services.letters.produce(caseload.siobhan, "review_invitation")
    services.letters.output = LetterOutput(caseload.folder, printer="Letters")
    again = services.letters.reprint(produced.letter_ids[0])
    assert again.printed and again.path == produced.path
    produced.path.write_bytes(b"changed")
    with pytest.raises(Refused, match="changed"):
        services.letters.reprint(produced.letter_ids[0])


def test_a_printer_failure_keeps_the_letter(
    caseload: Caseload, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = tmp_path / "badbin"
    bin_dir.mkdir()
    (bin_dir / "lp").write_text(
        "#!/bin/sh\necho 'lp: The printer or class does not exist.' >&2\nexit 1\n"
    )
    (bin_dir / "lp").chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    caseload.services.letters.output = LetterOutput(caseload.folder, printer="Nowhere")
    produced = caseload.services.letters.produce(caseload.siobhan, "review_invitation")
    assert not produced.printed and "does not exist" in produced.print_message
    assert produced.path.is_file()


def test_everyone_previews_recall_letters_but_not_clinical_ones(
    caseload: Caseload, as_staff: StaffFactory
) -> None:
    reception = as_staff("reception")
    preview = reception.letters.preview(
        reception.letters.open(caseload.siobhan), "review_invitation"
    )
    assert "14 December 2026" in preview.text
    with pytest.raises(Forbidden):
        reception.letters.preview(reception.letters.open(caseload.siobhan), "care_plan_copy")
