"""A closed screen's widgets are freed while staff read, not left to a full collection
in the middle of the next opening (screens/collector.py)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from console.app import RecoveryConsole
from console.services import Services
from screens.collector import QUIET
from screens.lock import IdleWatch
from screens.review.screen import ReviewScreen
from tests.ui.helpers import settle


@pytest.fixture
def no_automatic_collection() -> Iterator[None]:
    """Only the console's own collection can free a closed screen's cycles."""
    gc.collect()
    gc.disable()
    yield
    gc.enable()


async def test_a_closed_review_form_is_freed_once_staff_pause(
    populated: Services, no_automatic_collection: None
) -> None:
    clock = [1000.0]  # the idle watch's clock: when "now" is, for keys and for pauses
    app = RecoveryConsole(populated, idle=IdleWatch(now=lambda: clock[0]))
    review_id = populated.summary.open(1).reviews[-1].id
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=review_id, read_only=True))
        await settle(pilot)
        form = weakref.ref(app.screen)
        assert isinstance(form(), ReviewScreen)
        await pilot.press("escape")
        await pilot.pause(QUIET * 3)  # real time passes, but no pause since the key
        assert form() is not None  # a cycle: nothing frees it yet
        assert app.collector.collections == 0
        clock[0] += 2 * QUIET  # staff read the list
        await pilot.pause(QUIET * 3)
        assert app.collector.collections == 1
        assert form() is None
    assert not gc.isenabled()  # the test's own setting, given back when the console closed


async def test_a_review_form_is_opening_until_its_loaded_frame_is_painted(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the collection waits for: the form says it is opening until the frame with
    its loaded fields has been painted, then never again."""
    from textual.screen import Screen

    review_id = populated.summary.open(1).reviews[-1].id
    app = RecoveryConsole(populated)
    seen: list[tuple[bool, bool]] = []  # (fields loaded, opening) at every painted frame
    original = Screen._compositor_refresh

    def paint(screen: Screen[object]) -> None:
        original(screen)
        if isinstance(screen, ReviewScreen) and screen is app.screen:
            seen.append((not screen._loading, screen.opening()))

    monkeypatch.setattr(Screen, "_compositor_refresh", paint)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=review_id, read_only=True))
        await settle(pilot)
        assert app._screen_opening() is False
    loaded = [opening for was_loaded, opening in seen if was_loaded]
    assert loaded and loaded[0] is True  # its own frame was being painted: still opening
    assert loaded[-1] is False
    assert all(opening for was_loaded, opening in seen if not was_loaded)
