"""Snapshots at 80x24 of the resources directory, the link form refusing a save and the
linkage screen after an attended link. Update only after reading the SVG:
`--snapshot-update`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from console.app import RecoveryConsole
from console.services import Services
from screens.linkage.linkage import LinkageScreen
from screens.linkage.resources import ResourcesScreen
from tests.ui.helpers import known_id, opened

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
NAME = "QUARRINGTON, Leah"
TODAY = dt.date(2026, 11, 23)


def test_resources_directory(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=opened(ResourcesScreen))


def test_resources_directory_searched(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    run = opened(ResourcesScreen, "slash", *"smart")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_link_form_refused(snap_compare: SnapCompare, populated: Services) -> None:
    pid = known_id(populated)
    app = RecoveryConsole(populated)
    # saved with nothing chosen: each message sits under its field
    run = opened(lambda: LinkageScreen(pid, NAME), "a", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_linkage_with_attended_link(snap_compare: SnapCompare, populated: Services) -> None:
    pid = known_id(populated)
    linkage = populated.linkage
    smart = populated.resources.search("smart")[0]
    housing = populated.resources.search("housing")[0]
    first = linkage.link(pid, smart.id, "introduced_to_peer", TODAY - dt.timedelta(28), TODAY)
    linkage.record_outcome(first.id, first.version, "attended", TODAY - dt.timedelta(21))
    linkage.link(pid, housing.id, "warm_handover", TODAY, TODAY + dt.timedelta(14))
    app = RecoveryConsole(populated)
    run = opened(lambda: LinkageScreen(pid, NAME))
    assert snap_compare(app, terminal_size=SIZE, run_before=run)
