"""The summary's review history: drafts and finalised reviews listed and opened, the
oldest reached, tab back to scrolling, and painted without colour."""

from __future__ import annotations

import pytest

from console.app import RecoveryConsole
from console.services import Services
from screens.review import ReviewScreen
from tests.ui.helpers import settle
from tests.ui.summary_helpers import open_summary, rich_patient

SIZE = (80, 24)


async def test_review_history_lists_drafts_and_opens_reviews(populated: Services) -> None:
    row = rich_patient(populated)
    draft = populated.reviews.start(row.id, "interim")
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, row)
        summary = screen.summary
        assert summary is not None
        history = screen.view
        assert len(history.history) == len(summary.history) == len(summary.reviews) + 1
        first = history.history_text(0)
        assert first.startswith("23 Nov 2026  Interim, draft")
        assert "BARC-10" in first and "opiate days" in first
        latest = summary.reviews[-1]
        second = history.history_text(1)
        assert second.startswith(f"{latest.date.day} {latest.date:%b %Y}  ")
        assert "draft" not in second and latest.held_by[:10] in second
        assert "OST" in second  # a decision, "pending" or "no OST decision"
        await pilot.press("v")
        await pilot.pause()
        assert app.focused is history and history.in_history and history.cursor == 0
        await pilot.press("down", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.review_id == latest.id and review.read_only
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and app.focused is history and history.in_history
        assert history.cursor == 1  # the place is kept across the reload
        await pilot.press("up", "enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.review_id == draft.id and not review.read_only  # carry on with it


async def test_review_history_reaches_the_oldest_review_and_tab_returns_to_scrolling(
    populated: Services,
) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, row)
        summary, view = screen.summary, screen.view
        assert summary is not None and len(summary.history) > 6  # more than the window
        assert "▼" in view.shown() and "▲" not in view.shown()  # more below the window
        await pilot.press("v", "end")
        await settle(pilot)
        assert "▲" in view.shown() and "▼" not in view.shown()  # now more above it
        oldest = summary.history[-1]
        assert view.cursor == len(summary.history) - 1
        assert view.history_text(view.cursor).split("\n")[0] in view.shown()  # in the window
        await pilot.press("enter")
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.review_id == oldest.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and view.in_history
        await pilot.press("tab")  # back to scrolling the summary
        before = view.scroll_y
        await pilot.press("up")
        await pilot.pause()
        assert not view.in_history and view.scroll_y == before - 1


async def test_review_history_paints_without_colour(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NO_COLOR: the history and its cursor paint (every segment keeps a style)."""
    monkeypatch.setenv("NO_COLOR", "1")  # read when the App is constructed
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, row)
        await pilot.press("v")
        await settle(pilot)
        assert screen.view.in_history and screen.view.cursor == 0
        await pilot.press("down", "down")
        await settle(pilot)
        assert app.screen is screen  # painted: a crash in a paint ends the App
        assert screen.view.history_text(2).split("  ")[0] in screen.view.shown()
