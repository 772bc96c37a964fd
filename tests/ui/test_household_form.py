"""Household and consent details in the patient form (H42): staff raise and clear the
children/safe-storage alert; a wrong value is shown beside its field; reception's form
has no household fields; a snapshot of the new fields at 80x24."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, Select, Static

from console.app import RecoveryConsole
from console.services import Services
from screens.patients.form import PatientFormScreen
from screens.patients.summary import PatientSummaryScreen
from tests.ui.helpers import known_id, settle, type_search

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
SAFE_STORAGE = "Children in the household: safe storage not discussed in 12 months"


async def _edit_known(pilot: Pilot[None]) -> PatientFormScreen:
    await settle(pilot)
    await type_search(pilot, "943 476 5919")
    await pilot.press("enter", "enter")
    await settle(pilot)
    await pilot.press("e")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, PatientFormScreen)
    return form


def _alerts(screen: PatientSummaryScreen) -> str:
    return " ".join(screen.view.texts("alert"))


async def test_the_form_raises_and_clears_the_safe_storage_alert(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _edit_known(pilot)
        form.query_one("#children_under_16", Input).value = "2"
        form.query_one("#preferred_contact", Select).value = "text"
        form.query_one("#consent_family_contact", Checkbox).value = True
        form.query_one("#keyworker_id", Select).value = str(populated.staff.id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, PatientSummaryScreen)
        assert SAFE_STORAGE in _alerts(summary)
        record = populated.patients.demographics(known_id(populated))
        assert (record.children_under_16, record.preferred_contact) == (2, "text")
        assert record.consent_family_contact and record.keyworker_id == populated.staff.id

        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        assert form.query_one("#children_under_16", Input).value == "2"
        assert form.query_one("#keyworker_id", Select).value == str(populated.staff.id)
        form.query_one("#safe_storage_discussed", Input).value = "23/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)
        assert SAFE_STORAGE not in _alerts(app.screen)


async def test_a_wrong_household_value_is_shown_beside_its_field(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _edit_known(pilot)
        form.query_one("#children_under_16", Input).value = "lots"
        form.query_one("#preferred_contact", Select).value = "email"  # KNOWN has no email
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#e-children_under_16", Static).render())
        assert "whole number" in error
        form.query_one("#children_under_16", Input).value = "1"  # now the service's turn
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "email address" in str(form.query_one("#e-preferred_contact", Static).render())


async def test_reception_has_no_household_fields(as_role: Callable[[str], Services]) -> None:
    reception = as_role("reception")
    app = RecoveryConsole(reception)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.push_screen(
            PatientFormScreen(reception.patients.demographics(known_id(reception)))
        )
        await settle(pilot)
        form = app.screen
        assert not form.query("#children_under_16") and not form.query("#safe_storage_discussed")
        form.query_one("#preferred_contact", Select).value = "phone"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert reception.patients.demographics(known_id(reception)).preferred_contact == "phone"


def test_household_fields_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        form = await _edit_known(pilot)
        form.query_one("#children_under_16", Input).focus()
        await pilot.press("2", "tab")
        await settle(pilot)

    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run_before)
