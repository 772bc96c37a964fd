"""What the shipped templates say: milestones in round words, the care plan's version,
wording that fits an online programme, and refusals that advise nothing impossible."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from console.letters import milestones
from console.services.errors import Refused
from tests.letters.conftest import Caseload, as_input
from tests.letters.test_layout import runs


@pytest.mark.parametrize(
    ("start", "today", "words"),
    [
        (dt.date(2026, 5, 23), dt.date(2026, 11, 23), "six months"),
        (dt.date(2025, 11, 1), dt.date(2026, 11, 23), "one year"),
        (dt.date(2021, 9, 1), dt.date(2026, 11, 23), "five years"),
        (dt.date(2016, 10, 1), dt.date(2026, 11, 23), "ten years"),
        (dt.date(2026, 2, 28), dt.date(2026, 8, 28), "six months"),
        (dt.date(2025, 8, 31), dt.date(2026, 2, 28), "six months"),  # no 31 February
        (dt.date(2024, 5, 23), dt.date(2026, 11, 23), None),  # two years was in May
        (dt.date(2023, 11, 23), dt.date(2026, 11, 23), None),  # three: not a milestone
    ],
)
def test_milestones_are_round_and_recent(start: dt.date, today: dt.date, words: str | None) -> None:
    found = milestones.reached(start, today)
    assert (found.words if found else None) == words


def test_upcoming_milestone() -> None:
    ahead = milestones.upcoming(dt.date(2024, 12, 10), dt.date(2026, 11, 23), 28)
    assert ahead is not None and ahead.words == "two years" and ahead.day == dt.date(2026, 12, 10)
    assert milestones.upcoming(dt.date(2024, 12, 10), dt.date(2026, 11, 23), 10) is None


def test_no_milestone_letter_between_milestones(caseload: Caseload) -> None:
    patients = caseload.services.patients
    record = patients.demographics(caseload.siobhan)
    # The recovery start corrected: two years and six months ago.
    patients.update(caseload.siobhan, record.version, as_input(record, recovery_start="23/05/2024"))
    with pytest.raises(Refused, match="no recovery milestone") as refused:
        caseload.services.letters.produce(caseload.siobhan, "recovery_milestone")
    assert "The next is five years on 23 May 2029." in str(refused.value)


def test_care_plan_copy_names_its_version_and_keeps_statuses_on_one_line(
    caseload: Caseload,
) -> None:
    produced = caseload.services.letters.produce(caseload.siobhan, "care_plan_copy")
    page = PdfReader(io.BytesIO(produced.path.read_bytes())).pages[0]
    texts = [r.text for r in runs(page)]
    assert "In progress" in texts and "Not started" in texts  # not "In" / "progress"
    assert "1 Mar 2027" in texts
    joined = " ".join(" ".join(texts).split())
    assert "version 1, as we agreed it together on 1 June 2026" in joined


def test_mutual_aid_wording_fits_an_online_programme(caseload: Caseload) -> None:
    preview = caseload.services.letters.preview(
        caseload.services.letters.open(caseload.siobhan), "mutual_aid_introduction"
    )
    assert "try it on your own" in preview.text and "takes part" in preview.text
    assert "someone who already goes" not in preview.text


def test_no_consent_refusal_advises_only_what_can_be_done(caseload: Caseload) -> None:
    preview = caseload.services.letters.preview(
        caseload.services.letters.open(caseload.no_consent), "review_invitation"
    )
    assert preview.refusal.endswith("Record their consent in their details first.")
    assert "in person" not in preview.refusal
