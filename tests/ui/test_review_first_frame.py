"""The review form's first frame (issue 19): the painting is held while the form's first
section is mounted, so no frame shows a form half built; and a form left while it is
held leaves the console painted (hazard H124)."""

from __future__ import annotations

from typing import Any

import pytest
from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.services import Services
from screens.patients.list import PatientListScreen
from screens.review import ReviewScreen
from tests.ui.helpers import settle
from tests.ui.test_summary_reuse import Painted, until

SIZE = (80, 24)
FIRST_ROW, LAST_ROW = "Alcohol", "Days injected"  # the first screenful's first and last


async def _open_form(pilot: Pilot[None]) -> None:
    """From the list: the first patient's review, strategic (the picker's first)."""
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    await pilot.press("enter")


async def test_the_painting_is_held_while_the_first_section_is_built(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the first screenful mounts the painting is held (no frame of a form half
    built is written); once it is in, the first frame painted of the form has its title
    and its whole first screenful."""
    held_while_built: list[int] = []
    after_mount = ReviewScreen._after_mount

    def recording(self: ReviewScreen, key: str, section: Any) -> None:
        held_while_built.append(self.app._batch_count)
        after_mount(self, key, section)

    monkeypatch.setattr(ReviewScreen, "_after_mount", recording)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        painted = Painted(app, monkeypatch)
        await _open_form(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.draft is not None
        assert held_while_built[0] == 1  # the first section, built under the hold
        assert app._batch_count == 0  # and let go once it was in
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
