"""Snapshots of the patient list's filters, next-review order and wide columns.
Update only after reading the SVG:
`.venv/bin/pytest tests/ui/test_snapshots_list.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Select

from console.app import RecoveryConsole
from console.services import Services
from screens.patients.list import FilterModal
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def test_list_filtered_by_keyworker_and_flags(
    snap_compare: SnapCompare, populated: Services
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, FilterModal)
        karen = next(k for k in modal.keyworkers if k.name == "Karen Ross")
        modal.query_one("#f-keyworker", Select).value = str(karen.id)
        modal.query_one("#f-flagged", Select).value = "flagged"
        await pilot.press("ctrl+s")
        await settle(pilot)

    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_filter_modal(snap_compare: SnapCompare, populated: Services) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_list_by_next_review(snap_compare: SnapCompare, populated: Services) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)

    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_wide_list(snap_compare: SnapCompare, populated: Services) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=(120, 30), run_before=run_before)
