"""Helpers shared by the summary's UI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Static

from console.services import Services
from console.services.dto import PatientRow
from screens.patients.summary import PatientSummaryScreen
from tests.ui.helpers import settle, type_search


def rich_patient(services: Services) -> PatientRow:
    """A demonstration patient on OST with several reviews, alerts and dose changes."""
    for row in services.patients.search("", limit=60).rows:
        s = services.summary.open(row.id)
        if len(s.reviews) >= 3 and len(s.doses) >= 2 and s.current_dose and s.alerts:
            return row
    raise AssertionError("the demonstration caseload should hold such a patient")


async def open_summary(pilot: Pilot[None], row: PatientRow) -> PatientSummaryScreen:
    await settle(pilot)
    await type_search(pilot, row.nhs_number)
    await pilot.press("enter", "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PatientSummaryScreen)
    return screen


def summary_text(screen: PatientSummaryScreen, selector: str) -> str:
    """The title line, or what the summary's lines show under one key ("#treatment")."""
    if selector == "#title":
        return str(screen.query_one(selector, Static).render())
    return screen.view.text(selector.removeprefix("#"))
