"""The review form's first frame (issue 19): the painting is held while the form's first
section is mounted, so no frame shows a form half built; and a form left while it is
held leaves the console painted (hazard H124)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.services import Services
from screens.patients.list import PatientListScreen
from screens.review import ReviewScreen
from screens.review.top_row import TopRow
from tests.ui.helpers import settle
from tests.ui.test_summary_reuse import Painted, until

SIZE = (80, 24)
FIRST_ROW, LAST_ROW = "Alcohol", "Days injected"  # the first screenful's first and last


async def slow_row_mount(self: TopRow) -> None:
    """Each TOP row a few ms slow to mount: the mount spans many frame ticks."""
    await asyncio.sleep(0.01)


async def _open_form(pilot: Pilot[None]) -> None:
    """From the list: the first patient's review, strategic (the picker's first)."""
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("enter")


async def test_no_frame_is_written_while_the_form_is_being_built(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the draft's arrival to the whole first screenful, nothing is written: the
    frame after "Opening the review…" is the form, title and rows together."""
    monkeypatch.setattr(TopRow, "on_mount", slow_row_mount, raising=False)
    app = RecoveryConsole(populated)
    building: list[bool] = []  # for each frame written of the form: was it mid-build?

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        painted = Painted(app, monkeypatch)
        display = app._display

        def recording(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            written = renderable is not None and not app._batch_count
            if written and isinstance(screen, ReviewScreen):
                building.append(screen.draft is not None and screen._loading)

        monkeypatch.setattr(app, "_display", recording)
        await _open_form(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.draft is not None
        assert building and not any(building), building
        with_rows = [f for f in painted.frames if FIRST_ROW in f]
        assert with_rows, "the form was painted"
        first = with_rows[0]  # later frames write only what changed
        assert LAST_ROW in first and "Strategic review" in first


async def test_a_form_left_while_held_back_leaves_the_console_painted(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hazard H124: a form closed while its painting is held (as it is while its first
    section mounts), with a hold far longer than the test: the list is painted at once."""
    import screens.review.screen as review

    monkeypatch.setattr(review, "HOLD_SECONDS", 60.0)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await _open_form(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.draft is not None
        screen._hold.hold(app)
        assert app._batch_count == 1
        painted = Painted(app, monkeypatch)
        await pilot.press("escape")
        await until(pilot, lambda: any("shown" in f for f in painted.frames), seconds=5.0)
        assert isinstance(app.screen, PatientListScreen) and app._batch_count == 0
