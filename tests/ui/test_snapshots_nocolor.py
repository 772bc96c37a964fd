"""NO_COLOR snapshots at 80x24: every sign must read without colour (SPEC §3).
Update only after reading the SVG:
`.venv/bin/pytest tests/ui/test_snapshots_nocolor.py --snapshot-update`."""

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
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.fixture
def no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")  # read when the App is constructed


@pytest.mark.usefixtures("no_color")
def test_patient_summary_no_color(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    run_before = keys("slash", *"9991236465", "enter", "enter")  # alerts and trends
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


@pytest.mark.usefixtures("no_color")
def test_registration_errors_no_color(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    # a wrong check digit, then save with the names and date of birth missing
    run_before = keys("n", *"9434765918", "tab", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
