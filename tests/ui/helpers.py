"""Small helpers shared by the UI tests."""

from __future__ import annotations

from textual.pilot import Pilot

from console.app import RecoveryConsole
from screens.widgets.patient_table import PatientTable


async def settle(pilot: Pilot[None]) -> None:
    """Let the workers finish and their messages land on screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_search(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


def table(app: RecoveryConsole) -> PatientTable:
    return app.screen.query_one(PatientTable)


def names(app: RecoveryConsole) -> list[str]:
    return [f"{r.family_name}, {r.given_name}" for r in table(app).rows]
