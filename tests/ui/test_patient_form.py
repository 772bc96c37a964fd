"""Registering and editing a patient: checks on leaving a field, the service's errors
beside each field on save, a stale save refused with who and when; a snapshot."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from console.app import RecoveryConsole
from console.clock import FixedClock
from console.services import Services
from console.services.dto import PatientInput
from screens.patients.form import PatientFormScreen
from screens.patients.list import PatientListScreen
from screens.patients.summary import PatientSummaryScreen
from screens.validators import date, nhs_number, postcode
from tests.ui.conftest import KNOWN
from tests.ui.helpers import settle, type_search

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def _error(form: PatientFormScreen, key: str) -> str:
    return str(form.query_one(f"#e-{key}", Static).render())


async def _new(pilot: Pilot[None]) -> PatientFormScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, PatientFormScreen)
    return form


def _fill(form: PatientFormScreen, **values: str) -> None:
    for key, value in values.items():
        form.query_one(f"#{key}", Input).value = value


def test_validators_wrap_the_rules(clock: FixedClock) -> None:
    assert nhs_number().validate("943 476 5919").is_valid
    assert not nhs_number().validate("943 476 5918").is_valid
    assert not postcode().validate("XYZ").is_valid
    result = date(clock.today).validate("24/11/2026")
    assert not result.is_valid and "future" in result.failure_descriptions[0]


async def test_a_field_is_checked_when_left(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _new(pilot)
        assert app.focused is form.query_one("#nhs_number", Input)
        await pilot.press(*"943 476 5918", "tab")
        await pilot.pause()
        assert _error(form, "nhs_number")
        assert form.query_one("#nhs_number", Input).has_class("-invalid")
        await pilot.press("shift+tab", "ctrl+u", *"9434765919", "tab")
        await pilot.pause()
        assert _error(form, "nhs_number") == ""


async def test_save_shows_errors_beside_fields_and_keeps_the_form(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _new(pilot)
        _fill(form, date_of_birth="31/02/1990", email="jo@", postcode="XYZ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        for key in (
            "nhs_number",
            "family_name",
            "given_name",
            "date_of_birth",
            "email",
            "postcode",
        ):
            assert _error(form, key), key
        assert _error(form, "phone") == ""
        assert "Not saved" in str(form.query_one("#form-message", Static).render())


async def test_duplicate_nhs_number_is_shown_beside_the_field(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _new(pilot)
        _fill(
            form,
            nhs_number=KNOWN.nhs_number,
            family_name="Other",
            given_name="Person",
            date_of_birth="01/01/1990",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "already registered" in _error(form, "nhs_number")


async def test_register_opens_the_new_patient(app: RecoveryConsole, populated: Services) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _new(pilot)
        _fill(
            form,
            nhs_number="401 023 2137",
            family_name="Zebedee",
            given_name="Ann",
            date_of_birth="05/06/1975",
            postcode="wf1 2ab",
            recovery_start="19/02/2021",
        )
        form.query_one("#sex", Select).value = "female"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert screen.record is not None and screen.record.family_name == "Zebedee"
        assert "In recovery 5 years, 9 months, 4 days (since 19 Feb 2021)" in screen.view.text(
            "recovery"
        )
        assert screen.record.postcode == "WF1 2AB" and screen.record.sex == "female"
        await pilot.press("escape")
        assert isinstance(app.screen, PatientListScreen)


async def test_edit_refuses_a_stale_save_and_keeps_the_input(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        assert form.query_one("#nhs_number", Input).value == "943 476 5919"
        record = form.record
        assert record is not None
        # someone else saves first
        populated.patients.update(
            record.id, record.version, PatientInput(**{**KNOWN.__dict__, "phone": "01924 000000"})
        )
        _fill(form, town="Leeds")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        message = str(form.query_one("#form-message", Static).render())
        assert "Not saved" in message and "changed this" in message
        assert form.query_one("#town", Input).value == "Leeds"


async def test_edit_saves_and_the_summary_shows_it(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        _fill(form, given_name="Leanne")
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert "QUARRINGTON, Leanne" in str(screen.query_one("#title", Static).render())


def test_form_with_errors_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        form = await _new(pilot)
        _fill(form, nhs_number="943 476 5918", family_name="Smith", date_of_birth="31/02/1990")
        _fill(form, email="jo@", postcode="XYZ")
        await pilot.press("ctrl+s")
        await settle(pilot)

    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run_before)
