"""Ending an episode from the summary (H43): before saving, the form says in the service's
words what the exit does to the prescription and asks; afterwards it offers the episode's
exit review when it has none."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Select, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PrescriptionInput
from screens.patients.episode_end import EpisodeModal
from screens.patients.summary import PatientSummaryScreen
from screens.review import ReviewScreen
from screens.widgets.ask import AskModal
from tests.ui.helpers import known_id, settle, type_search

SIZE = (80, 24)
METHADONE = PrescriptionInput(
    "methadone_oral", 75, "daily", "supervised", "Westgate", start_date=dt.date(2025, 2, 1)
)


def _in_treatment_on_methadone(services: Services) -> int:
    pid = known_id(services)
    services.episodes.start(pid, dt.date(2025, 1, 10))
    services.episodes.change_prescription(pid, METHADONE)
    return pid


async def _end_form(pilot: Pilot[None], reason: str) -> EpisodeModal:
    await settle(pilot)
    await type_search(pilot, "943 476 5919")
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("x")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, EpisodeModal) and modal.episode is not None
    modal.query_one("#exit_reason", Select).value = reason
    await settle(pilot)
    return modal


def _said(modal: EpisodeModal) -> str:
    return str(modal.query_one("#outcome", Static).render())


def _asked(app: RecoveryConsole) -> str:
    screen = app.screen
    assert isinstance(screen, AskModal)
    return " ".join(str(s.render()) for s in screen.query(Static))


async def test_a_completion_says_it_stops_the_dose_asks_then_offers_the_exit_review(
    populated: Services,
) -> None:
    pid = _in_treatment_on_methadone(populated)
    app = RecoveryConsole(populated)  # 'tester' is a clinician on the demonstration data
    async with app.run_test(size=SIZE) as pilot:
        modal = await _end_form(pilot, "80")
        stops = "Ending the episode stops Methadone 75 mg daily on 23 Nov 2026."
        assert _said(modal) == stops
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert stops in _asked(app) and "80 treatment completed" in _asked(app)
        await pilot.press("n")  # go back: nothing is saved
        await settle(pilot)
        assert app.screen is modal
        assert populated.summary.open(pid).episode is not None
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "no exit review yet" in _asked(app)
        summary = app.screen_stack[-2]
        assert isinstance(summary, PatientSummaryScreen)
        await pilot.press("y")  # record it now
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen) and review.kind == "exit"
    after = populated.summary.open(pid)
    assert after.episode is None and after.current_dose is None


async def test_a_drop_out_says_it_leaves_the_dose_open_and_a_worker_is_told_why_not(
    populated: Services, as_role: Callable[[str], Services]
) -> None:
    pid = _in_treatment_on_methadone(populated)
    async with RecoveryConsole(populated).run_test(size=SIZE) as pilot:
        modal = await _end_form(pilot, "85")
        assert _said(modal) == (
            "Ending the episode leaves Methadone 75 mg daily open:"
            " a clinician must stop or transfer it."
        )
    worker = RecoveryConsole(as_role("recovery_worker"))
    async with worker.run_test(size=SIZE) as pilot:
        modal = await _end_form(pilot, "80")
        assert _said(modal) == (
            "A completed treatment stops Methadone 75 mg daily: a clinician must record this exit."
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert worker.screen is modal  # not asked: refused beside the reason
        assert "a clinician must record this exit" in str(
            modal.query_one("#e-exit_reason", Static).render()
        )
    assert populated.summary.open(pid).episode is not None


def test_end_episode_question_snapshot(
    snap_compare: Callable[..., bool], populated: Services
) -> None:
    """The question after ctrl+s: the exit chosen and what it does to the prescription."""
    _in_treatment_on_methadone(populated)

    async def run_before(pilot: Pilot[None]) -> None:
        await _end_form(pilot, "80")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run_before)
