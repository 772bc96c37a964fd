"""Keys that arrive in one read, as a tab and the text after it can over SSH: the text
lands in the field the tab moved to (H119), and widgets with a tab of their own keep it."""

from __future__ import annotations

from collections.abc import Callable

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from console.app import RecoveryConsole
from console.services import Services
from screens.admin.practice import PracticeScreen
from screens.patients.summary import PatientSummaryScreen
from screens.patients.summary_view import SummaryView
from tests.ui.helpers import settle
from tests.ui.review_helpers import pending_decision


def burst(pilot: Pilot[None], *keys: str) -> None:
    """Every key on the App's queue at once, with no pause for any to be handled."""
    for key in keys:
        character = {"tab": "\t", "space": " "}.get(key, key if len(key) == 1 else None)
        pilot.app.post_message(events.Key(key, character))


def spelt(text: str) -> list[str]:
    return ["space" if c == " " else c for c in text]


async def test_text_after_a_tab_in_one_burst_lands_in_the_next_field(empty: Services) -> None:
    app = RecoveryConsole(empty, bootstrapped=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("e", *"Moorside", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen)
        burst(
            pilot,
            "tab",
            *spelt("1 Moor Lane"),
            "tab",
            *spelt("0113 496 0000"),
            "tab",
            *"reception@moorside.nhs.uk",
            "shift+tab",
        )
        await settle(pilot)
        value = {k: screen.query_one(f"#{k}", Input).value for k in ("address", "phone", "email")}
        assert value == {
            "address": "1 Moor Lane",
            "phone": "0113 496 0000",
            "email": "reception@moorside.nhs.uk",
        }
        assert pilot.app.focused is screen.query_one("#phone", Input)  # shift+tab went back


async def test_the_summarys_own_tab_still_opens_the_review_history(app: RecoveryConsole) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PatientSummaryScreen)
        view = pilot.app.screen.query_one(SummaryView)
        assert pilot.app.focused is view and not view.in_history
        await pilot.press("tab")
        await settle(pilot)
        assert pilot.app.focused is view and view.in_history  # its own tab, not the cursor's


async def test_enter_then_text_in_one_burst_lands_in_the_next_field_of_the_ost_modal(
    app: RecoveryConsole, as_role: Callable[[str], Services]
) -> None:
    from screens.review import ReviewScreen
    from screens.review.ost_modal import OstDecisionModal

    worker = as_role("recovery_worker")
    done = pending_decision(worker)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=done.id, read_only=True))
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, OstDecisionModal)
        burst(pilot, "c", "enter", *"stable", "enter", *"80")
        await settle(pilot)
        typed = {k: modal.query_one(f"#{k}", Input).value for k in ("m-decision", "m-rationale")}
        assert typed == {"m-decision": "c", "m-rationale": "stable"}
        assert modal.query_one("#m-dose", Input).value == "80"
