"""Snapshots at 80x24 (pytest-textual-snapshot). Update only after reading the SVG:
`.venv/bin/pytest tests/ui/test_snapshots.py --snapshot-update`."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.services import Services
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def keys(*presses: str) -> Callable[[Pilot[None]], object]:
    """A run_before that waits for the first page, presses keys, then waits for workers."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_first_run(snap_compare: SnapCompare, empty: Services) -> None:
    app = RecoveryConsole(empty, bootstrapped=True)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys())


def test_first_run_name_required(snap_compare: SnapCompare, empty: Services) -> None:
    app = RecoveryConsole(empty)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("e", "enter"))


def test_patient_list(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("down", "down"))


def test_patient_list_search(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("slash", *"ha"))


def test_patient_list_no_color(
    snap_compare: SnapCompare, populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # read when the App is constructed
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("down"))


def test_patient_summary(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    run_before = keys("slash", *"9434765919", "enter", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_help(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=keys("question_mark"))
