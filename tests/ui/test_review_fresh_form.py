"""Hazard H117: the review form is loaded ahead (its modules and CSS, issue 19), never its
answers. A form opened after another patient's shows exactly what a console that never
opened that other form shows: nothing typed for A reaches B's form."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PatientRow
from screens.review import ReviewScreen
from tests.ui.helpers import settle
from tests.ui.review_helpers import value
from tests.ui.summary_helpers import open_summary
from tests.ui.test_review import SIZE, open_review

TYPED_FOR_A = {"top-alcohol_w1": "7", "top-alcohol_w2": "6", "top-alcohol_w3": "5"}


def _two_patients(services: Services) -> tuple[PatientRow, PatientRow]:
    rows = services.patients.search("", statuses=("in_treatment",), limit=2).rows
    return rows[0], rows[1]


async def _every_field(pilot: Pilot[None]) -> dict[str, object]:
    """Every field of every section, each section shown once so that it is built."""
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.sections is not None
    for n in range(1, len(screen.sections.keys) + 1):
        await pilot.press(f"f{n}")
        await settle(pilot)
    fields: dict[str, object] = {w.id or "": w.value for w in screen.query(Input)}
    fields |= {w.id or "": w.value for w in screen.query(Select)}
    return fields


async def _leave(pilot: Pilot[None]) -> None:
    for _ in range(3):  # the form (saving its draft), the summary, back to the list
        await pilot.press("escape")
        await settle(pilot)


async def test_a_form_after_another_patients_holds_none_of_their_answers(
    populated: Services,
) -> None:
    a, b = _two_patients(populated)
    fresh = RecoveryConsole(populated)
    async with fresh.run_test(size=SIZE) as pilot:  # B's form in a console that saw no other
        await open_summary(pilot, b)
        await open_review(pilot)
        b_alone = await _every_field(pilot)
        await _leave(pilot)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, a)
        await open_review(pilot)
        await pilot.press(*TYPED_FOR_A["top-alcohol_w1"], "tab")
        await pilot.press(*TYPED_FOR_A["top-alcohol_w2"], "tab")
        await pilot.press(*TYPED_FOR_A["top-alcohol_w3"])
        await pilot.press("ctrl+s")
        await settle(pilot)
        await _leave(pilot)
        await open_summary(pilot, b)
        screen = await open_review(pilot)
        assert screen.patient_id == b.id and screen.draft is not None
        b_after_a = await _every_field(pilot)
        assert b_after_a == b_alone  # the same form a console that never opened A's shows
        await _leave(pilot)
        await open_summary(pilot, a)  # A's own draft still has what was typed for A
        await open_review(pilot)
        for field_id, typed in TYPED_FOR_A.items():
            assert value(app, field_id) == typed
