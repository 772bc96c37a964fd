"""Post-exit check-ups recorded by keys, the re-entry offer, and the review kind picker."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import RecoveryConsole
from console.rules import top
from console.services import Services
from screens.review import ReviewKindModal, ReviewScreen
from screens.review.kind import NOTHING
from screens.review.reentry import ReentryModal
from tests.ui.helpers import settle
from tests.ui.review_helpers import message

SIZE = (80, 24)
TODAY = dt.date(2026, 11, 23)


async def fill_checkup_top(pilot: Pilot[None]) -> None:
    for item in top.ITEMS:
        if item.section != top.SUBSTANCE:
            continue
        if item.key == "other_substance":
            await pilot.press("tab")
        await pilot.press("0", "tab", "0", "tab", "0", "tab", "0", "tab", "tab")
        if item.amount_unit:
            await pilot.press("tab")


async def open_checkup(pilot: Pilot[None], answers: str) -> ReviewScreen:
    """A check-up recorded by keys: TOP substance use, BARC-10, the three answers."""
    await settle(pilot)
    pilot.app.push_screen(ReviewScreen(patient_id=1, kind="post_exit_checkup"))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.draft is not None
    await fill_checkup_top(pilot)
    await pilot.press("f2")
    for _ in range(10):
        await pilot.press("4", "tab")
    await pilot.press("f3")
    for letter in answers:
        await pilot.press(letter, "tab")  # a closed Yes/No list takes y or n at once
    await pilot.press("ctrl+f", "ctrl+f")
    await settle(pilot)
    return screen


async def test_checkup_recorded_by_keyboard(app: RecoveryConsole, populated: Services) -> None:
    populated.episodes.end(1, TODAY, "80")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkup(pilot, "nnn")
        title = str(screen.query_one("#title", Static).render())
        assert "Post-exit check-up 1 of 8" in title
        assert "1 TOP  2 BARC-10  3 Need for treatment" in str(
            screen.query_one("#tabs", Static).render()
        ).replace("▸", " ")
        assert not screen.query("#drug-specimen") and not screen.query("#next-date")
        assert "Finalised" in message(app), message(app)
        assert app.screen is screen  # no re-entry offer after three noes
        assert screen.draft is not None
    review = populated.reviews.get(screen.draft.id)
    assert review.finalised
    v = review.values
    assert (v.need_weekly_use, v.need_problems, v.need_help_now) == (False, False, False)


async def test_checkup_yes_offers_a_new_episode(app: RecoveryConsole, populated: Services) -> None:
    populated.episodes.end(1, TODAY, "80")
    async with app.run_test(size=SIZE) as pilot:
        await open_checkup(pilot, "ynn")
        assert isinstance(app.screen, ReentryModal)
        assert "Offer a new treatment episode?" in str(
            app.screen.query_one("#reentry-question", Static).render()
        )
        await pilot.press("y")
        await settle(pilot)
        assert message(app) == "New episode opened today."
    summary = populated.summary.open(1)
    assert summary.episode is not None and summary.episode.start == TODAY


async def test_checkup_declined_shows_at_the_next(
    app: RecoveryConsole, populated: Services
) -> None:
    populated.episodes.end(1, TODAY, "80")
    async with app.run_test(size=SIZE) as pilot:
        await open_checkup(pilot, "nyn")
        await pilot.press("n")
        await settle(pilot)
        assert message(app) == "Stays on check-ups; next check-up will follow up."
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ReviewScreen(patient_id=1, kind="post_exit_checkup"))
        await settle(pilot)
        await pilot.press("f3")
        text = " ".join(str(w.render()) for w in app.screen.query(".followup, .note"))
        assert "offered and declined" in text
        assert "problems Yes" in text


@pytest.mark.parametrize(
    ("status", "episode", "keys", "chosen"),
    [
        ("in_treatment", True, ("enter",), "strategic"),
        ("in_treatment", True, ("down", "down", "enter"), "interim"),
        ("in_treatment", True, ("4",), "exit"),
        ("post_exit_checkups", False, ("1",), "post_exit_checkup"),
        ("in_treatment", True, ("escape",), None),
        ("discharged", False, ("1", "enter", "escape"), None),
    ],
)
async def test_kind_picker(
    app: RecoveryConsole, status: str, episode: bool, keys: tuple[str, ...], chosen: str | None
) -> None:
    got: list[str | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewKindModal(status, episode), got.append)
        await pilot.pause()
        if not episode and status != "post_exit_checkups":
            assert NOTHING in str(app.screen.query_one("#kind-none", Static).render())
        await pilot.press(*keys)
        await pilot.pause()
    assert got == [chosen]
