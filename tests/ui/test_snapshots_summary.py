"""Snapshots of the patient summary at 80x24: the review history (drafts included) and a
post-exit patient's next check-up."""

from __future__ import annotations

from collections.abc import Callable

from console.app import RecoveryConsole
from console.services import Services
from tests.ui.summary_helpers import rich_patient
from tests.ui.test_summary import _post_exit, _summary_run_before

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def test_summary_review_history_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    row = rich_patient(populated)
    populated.reviews.start(row.id, "interim")  # a draft heads the history
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=_summary_run_before(row, "v"))


def test_summary_post_exit_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    row = _post_exit(populated)
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=_summary_run_before(row))
