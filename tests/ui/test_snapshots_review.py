"""Snapshots of the review form's newer parts at 80x24: the post-exit check-up's need for
treatment, the review date refused beside its field, the OST start fields, the kind
picker."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.services import Services
from screens.review import ReviewKindModal, ReviewScreen
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def _review(*keys: str, patient_id: int = 1, kind: str = "strategic") -> Callable[..., object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReviewScreen(patient_id=patient_id, kind=kind))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_snapshot_checkup_need(
    snap_compare: SnapCompare, app: RecoveryConsole, populated: Services
) -> None:
    populated.episodes.end(1, dt.date(2026, 11, 23), "80")
    keys = ("f3", "enter", "y", "enter", "tab")
    assert snap_compare(
        app, terminal_size=SIZE, run_before=_review(*keys, kind="post_exit_checkup")
    )


def test_snapshot_review_date_in_future(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ("f7", "tab", "tab", *"24/11/2026", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=_review(*keys))


def test_snapshot_ost_start(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ("f6", "s", "tab", *"8", "tab", "tab", "tab", "enter", "b", "enter", "tab")
    assert snap_compare(app, terminal_size=SIZE, run_before=_review(*keys))


@pytest.mark.parametrize(("status", "episode"), [("in_treatment", True), ("discharged", False)])
def test_snapshot_kind_picker(
    snap_compare: SnapCompare, app: RecoveryConsole, status: str, episode: bool
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReviewKindModal(status, episode))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
