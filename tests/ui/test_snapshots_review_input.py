"""Snapshots at 80x24 of the review form's input aids (issue 13): the list of what is
missing before finalising, the BARC-10 section the moment it is entered, and the focus
marker without colour. Read the SVG before updating."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.services import Services
from screens.review import ReviewScreen
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def _review(*keys: str, settle_each: bool = True) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReviewScreen(patient_id=1, kind="strategic"))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            if settle_each:
                await settle(pilot)
        await settle(pilot)

    return run_before


def test_snapshot_finalise_lists_what_is_missing(
    snap_compare: SnapCompare, app: RecoveryConsole
) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_review("ctrl+f"))


def test_snapshot_barc10_on_entry(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    """The ten items and the running total show at once: item 1 is never typed blind."""
    assert snap_compare(app, terminal_size=SIZE, run_before=_review("f4", settle_each=False))


def test_snapshot_focus_marker_no_color(
    snap_compare: SnapCompare, populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=_review("tab", "tab"))


def test_snapshot_addendum_picker(
    snap_compare: SnapCompare, app: RecoveryConsole, populated: Services
) -> None:
    """The value to correct is chosen from the review's own labels, each with its value."""
    review_id = populated.summary.open(1).reviews[-1].id

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReviewScreen(review_id=review_id, read_only=True))
        await settle(pilot)
        for key in ("a", *"days"):
            await pilot.press(key)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
