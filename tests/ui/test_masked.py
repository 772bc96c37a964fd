"""Masked fields (issue 13): dates and NHS numbers are formatted as they are typed, a
character that cannot belong is refused, and a complete but wrong value is marked as it
is typed with the reason beside it."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, Static

from console.app import RecoveryConsole
from screens.patients.form import PatientFormScreen
from screens.widgets.masked import DATE, NHS
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def test_masks_format_what_is_typed() -> None:
    assert DATE.format("01012020") == "01/01/2020"
    assert DATE.format("1/1/2020") == "01/01/2020"
    assert DATE.format("0101") == "01/01"
    assert DATE.format("01a") is None and DATE.format("010120201") is None
    assert NHS.format("9434765919") == "943 476 5919"
    assert NHS.format("943-476-59") == "943 476 59"
    assert NHS.format("94x") is None and NHS.format("²") is None


async def _form(pilot: Pilot[None]) -> PatientFormScreen:
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    form = pilot.app.screen
    assert isinstance(form, PatientFormScreen)
    return form


async def test_patient_form_formats_as_typed(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        form = await _form(pilot)
        nhs = form.query_one("#nhs_number", Input)
        await pilot.press(*"94347x65919")  # the x is refused
        assert nhs.value == "943 476 5919" and not nhs.has_class("-bad")
        dob = form.query_one("#date_of_birth", Input)
        dob.focus()
        await pilot.press(*"31022020")
        await pilot.pause()
        assert dob.value == "31/02/2020"
        assert dob.has_class("-bad")  # marked as typed, before leaving the field
        assert "no such date" in str(form.query_one("#e-date_of_birth", Static).render())
        await pilot.press("backspace", "backspace")  # deleting is never re-formatted
        assert dob.value == "31/02/20" and not dob.has_class("-bad")
        await pilot.press("ctrl+u", *"1/1/2020")
        await pilot.pause()
        assert dob.value == "01/01/2020" and not dob.has_class("-bad")


async def test_review_date_formats_as_typed(app: RecoveryConsole) -> None:
    from tests.ui.test_review import open_review

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("f7", "ctrl+u", *"01122027")
        await settle(pilot)
        assert screen.query_one("#next-date", Input).value == "01/12/2027"
        await pilot.press("ctrl+u", *"32122027")
        await pilot.pause()
        assert screen.query_one("#next-date", Input).has_class("-bad")
        hint = screen.query_one("#hint")
        assert "✗ a date dd/mm/yyyy · Next review, dd/mm/yyyy" in hint.text  # type: ignore[attr-defined]


def test_snapshot_masked_date_and_nhs(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    """An NHS number typed as ten digits reads spaced; a date typed as eight digits reads
    with slashes; a date that does not exist is marked as it is typed."""

    async def run_before(pilot: Pilot[None]) -> None:
        await _form(pilot)
        await pilot.press(*"9434765919", "tab", *"Smithson", "tab", *"Jo", "tab")
        await pilot.press(*"31022020")
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
