"""Every date field in the dialogs is the shared masked one (issue 13): `01012020` reads
`01/01/2020` as typed, and a date that is complete but wrong is marked as typed with the
reason beside the field, before the field is left or the form saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.audit_view import AuditFilter
from screens.admin.audit_dialogs import AuditFilterForm
from screens.care_plan.forms import AgreeModal
from screens.indicators.dashboard import IndicatorsScreen
from screens.linkage.forms import LinkForm
from screens.patients.death import DeathModal
from screens.patients.episode import SafetyModal
from screens.patients.episode_end import EpisodeModal
from screens.patients.health import HealthForm
from screens.patients.prescription import PrescriptionModal
from tests.ui.helpers import known_id, settle

SIZE = (80, 24)
Dialog = Callable[[Services, int], Screen[object]]


def _episode_end(services: Services, pid: int) -> Screen[object]:
    services.episodes.start(pid, dt.date(2025, 1, 10))
    summary = services.summary.open(pid)
    return EpisodeModal(summary.record, summary.episode)  # type: ignore[return-value]


def _agree(services: Services, pid: int) -> Screen[object]:
    return AgreeModal(1, today=services.clock.today())  # type: ignore[return-value]


DIALOGS: dict[str, tuple[Dialog, str]] = {
    "episode start": (lambda s, p: EpisodeModal(s.patients.open(p), None), "start_date"),  # type: ignore[dict-item]
    "episode end": (_episode_end, "end_date"),
    "prescription": (lambda s, p: PrescriptionModal(s.patients.open(p), None), "start_date"),  # type: ignore[dict-item]
    "safety ECG": (lambda s, p: SafetyModal(s.patients.open(p)), "ecg_date"),  # type: ignore[dict-item]
    "death": (lambda s, p: DeathModal(s.patients.open(p)), "date_of_death"),  # type: ignore[dict-item]
    "health check": (lambda s, p: HealthForm(p, "Quarrington, Leah"), "check_date"),  # type: ignore[dict-item]
    "audit from": (lambda s, p: AuditFilterForm(AuditFilter()), "date_from"),  # type: ignore[dict-item]
    "audit to": (lambda s, p: AuditFilterForm(AuditFilter()), "date_to"),  # type: ignore[dict-item]
    "linked on": (lambda s, p: LinkForm(p, "Quarrington, Leah"), "linked_on"),  # type: ignore[dict-item]
    "care plan agreed": (_agree, "field-agreed_on"),
}


@pytest.mark.parametrize("name", DIALOGS)
async def test_dialog_dates_are_masked_and_marked_as_typed(populated: Services, name: str) -> None:
    make, key = DIALOGS[name]
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(make(populated, known_id(populated)))
        await settle(pilot)
        dialog = app.screen
        field = dialog.query_one(f"#{key}", Input)
        error_id = f"error-{key[6:]}" if key.startswith("field-") else f"e-{key}"
        error = dialog.query_one(f"#{error_id}", Static)
        field.focus()
        await pilot.press("ctrl+u", *"01012026")
        await pilot.pause()
        assert field.value == "01/01/2026"
        assert not field.has_class("-bad") and str(error.render()) == ""
        await pilot.press("ctrl+u", *"31022020")
        await pilot.pause()
        assert field.value == "31/02/2020" and field.has_focus  # not left, not saved
        assert field.has_class("-bad")
        assert "no such date" in str(error.render())
        await pilot.press("ctrl+u", *"01/01/2099")  # the form's own rule, as typed
        await pilot.pause()
        assert field.has_class("-bad") and "future" in str(error.render())
        await pilot.press("backspace")  # no longer complete: no longer marked
        await pilot.pause()
        assert not field.has_class("-bad")


async def test_indicators_as_at_date_is_masked_and_kept_while_wrong(populated: Services) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(IndicatorsScreen())
        await settle(pilot)
        screen = app.screen
        await pilot.press("d", *"31022026")
        await pilot.pause()
        ask = app.screen
        field = ask.query_one("#answer", Input)
        assert field.value == "31/02/2026" and field.has_class("-bad")
        assert "no such date" in str(ask.query_one("#e-answer", Static).render())
        await pilot.press("enter")  # refused: the dialog and the date stay
        await pilot.pause()
        assert app.screen is ask and field.value == "31/02/2026"
        await pilot.press("ctrl+u", *"31012026", "enter")
        await settle(pilot)
        assert isinstance(screen, IndicatorsScreen) and app.screen is screen
        assert screen.as_at == dt.date(2026, 1, 31)
