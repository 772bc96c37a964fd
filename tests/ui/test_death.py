"""Recording a death from the summary whatever the status, and correcting one recorded in
error (H40, H41): `d`, for a clinician or a recovery worker; reception is told the role."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import Session, select
from textual.pilot import Pilot
from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PrescriptionInput
from db.models import AuditEvent
from screens.patients.death import CorrectDeathModal, DeathModal
from screens.patients.summary import PatientSummaryScreen
from screens.widgets.ask import AskModal
from tests.ui.helpers import known_id, settle, type_search

SIZE = (80, 24)
METHADONE = PrescriptionInput(
    "methadone_oral", 75, "daily", "supervised", "Westgate", start_date=dt.date(2025, 2, 1)
)


def _told(app: RecoveryConsole) -> list[str]:
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: told.append(message) or notify(message, **kw)  # type: ignore[method-assign]
    return told


async def _summary(pilot: Pilot[None]) -> PatientSummaryScreen:
    await settle(pilot)
    await type_search(pilot, "943 476 5919")
    await pilot.press("enter", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PatientSummaryScreen)
    return screen


async def _save(
    pilot: Pilot[None], modal: DeathModal | CorrectDeathModal, key: str, text: str
) -> str:
    modal.query_one(f"#{key}", Input).value = text
    await pilot.press("ctrl+s")
    await settle(pilot)
    if not modal.is_attached:  # saved and closed
        return ""
    return str(modal.query_one(f"#e-{key}", Static).render())


def _status(screen: PatientSummaryScreen) -> str:
    return screen.view.text("f-status")


async def test_a_death_on_post_exit_checkups_is_checked_asked_and_recorded(
    populated: Services,
) -> None:
    pid = known_id(populated)
    populated.episodes.start(pid, dt.date(2025, 1, 10))
    populated.episodes.end(pid, dt.date(2026, 5, 1), "80")  # on post-exit check-ups
    app = RecoveryConsole(populated)
    told = _told(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _summary(pilot)
        assert _status(screen) == "Post-exit check-ups"
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DeathModal)
        assert "future" in await _save(pilot, modal, "date_of_death", "01/12/2026")
        assert "before the date of birth" in await _save(
            pilot, modal, "date_of_death", "01/01/1979"
        )
        assert app.screen is modal  # nothing asked, nothing saved
        assert await _save(pilot, modal, "date_of_death", "20/11/2026") == ""
        ask = app.screen
        assert isinstance(ask, AskModal)
        asked = " ".join(str(s.render()) for s in ask.query(Static))
        assert "QUARRINGTON, Leah · 943 476 5919 died on 20 Nov 2026." in asked
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen
        assert _status(screen) == "Deceased (20 Nov 2026)"
        assert "Death recorded." in told
    assert not any(i.patient_id == pid for i in populated.worklist.items(limit=None).items)


async def test_a_worker_records_a_death_in_treatment_and_corrects_it(
    populated: Services, as_role: Callable[[str], Services]
) -> None:
    pid = known_id(populated)
    populated.episodes.start(pid, dt.date(2025, 1, 10))
    populated.episodes.change_prescription(pid, METHADONE)
    worker = as_role("recovery_worker")
    app = RecoveryConsole(worker)
    told = _told(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _summary(pilot)
        await pilot.press("d")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, DeathModal)
        await _save(pilot, modal, "date_of_death", "20/11/2026")
        await pilot.press("y")
        await settle(pilot)
        assert _status(screen) == "Deceased (20 Nov 2026)"
        assert "Death recorded, the episode closed (exit 89), the prescription stopped." in told
        await pilot.press("d")
        await settle(pilot)
        correct = app.screen
        assert isinstance(correct, CorrectDeathModal)
        assert "say why" in await _save(pilot, correct, "reason", "  ")
        await _save(pilot, correct, "reason", "recorded against the wrong patient")
        assert app.screen is screen
        assert _status(screen) == "In treatment"
        assert (
            "Death record corrected: status back to In treatment and the episode reopened." in told
        )
    assert populated.summary.open(pid).current_dose is None  # a clinician prescribes again
    with Session(populated.engine) as s:
        actions = s.exec(select(AuditEvent.action).where(AuditEvent.patient_id == pid)).all()
    assert "patient.death" in actions and "patient.death_corrected" in actions


async def test_reception_is_refused_with_the_role_named(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("reception"))
    told = _told(app)
    async with app.run_test(size=SIZE) as pilot:
        screen = await _summary(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert app.screen is screen
        assert told[-1] == (
            "Not allowed: to record a death or correct one recorded in error needs the role"
            " clinician or recovery_worker."
        )


def test_death_form_refused_snapshot(
    snap_compare: Callable[..., bool], populated: Services
) -> None:
    """A date of death before the birth: the message sits beside the field."""

    async def run_before(pilot: Pilot[None]) -> None:
        await _summary(pilot)
        await pilot.press("d")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, DeathModal)
        await _save(pilot, modal, "date_of_death", "01/01/1979")

    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run_before)
