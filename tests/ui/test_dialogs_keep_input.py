"""Leaving never throws input away (issue 13): the dialogs not built on the shared form
(a new patient, a goal, the template editor, an addendum) close at once on escape when
nothing changed, and ask before discarding what was typed."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from console.app import RecoveryConsole
from console.services import Services
from screens.admin.templates import TemplateEditScreen
from screens.care_plan import CarePlanScreen
from screens.care_plan.forms import GoalFormModal
from screens.patients.form import PatientFormScreen
from screens.patients.list import PatientListScreen
from screens.review import ReviewScreen
from screens.review.addendum import AddendumModal
from screens.widgets.discard import DiscardModal
from tests.ui.helpers import settle
from tests.ui.test_care_plan import open_editor

SIZE = (80, 24)


async def _escape_asks(pilot: Pilot[None], dialog: object, typed: Input | TextArea) -> None:
    """escape asks; n keeps every value; escape then y discards."""
    before = typed.value if isinstance(typed, Input) else typed.text
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, DiscardModal)
    await pilot.press("n")
    await settle(pilot)
    assert pilot.app.screen is dialog
    assert (typed.value if isinstance(typed, Input) else typed.text) == before
    await pilot.press("escape", "y")
    await settle(pilot)
    assert pilot.app.screen is not dialog


async def test_new_patient_asks_before_escape_discards(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        await pilot.press("escape")  # nothing typed: it closes at once
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        await pilot.press("tab", *"Zebedee")
        await _escape_asks(pilot, form, form.query_one("#family_name", Input))
        assert isinstance(app.screen, PatientListScreen)


async def test_goal_form_asks_before_escape_discards(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_editor(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, GoalFormModal)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        words = form.query_one("#field-words", Input)
        words.focus()
        await pilot.press(*"Walk to the pharmacy")
        await _escape_asks(pilot, form, words)
        assert isinstance(app.screen, CarePlanScreen)


async def test_template_editor_asks_before_escape_discards(
    app: RecoveryConsole, populated: Services
) -> None:
    key = populated.letters.templates()[0].key
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(TemplateEditScreen(key))
        await settle(pilot)
        editor = app.screen
        await pilot.press("escape")  # as loaded: it closes at once
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
        app.push_screen(TemplateEditScreen(key))
        await settle(pilot)
        editor = app.screen
        await pilot.press(*"P.S. ")
        await _escape_asks(pilot, editor, editor.query_one(TextArea))


async def test_addendum_asks_before_escape_discards(
    app: RecoveryConsole, populated: Services
) -> None:
    review_id = populated.summary.open(1).reviews[-1].id
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=review_id, read_only=True))
        await settle(pilot)
        screen = app.screen
        await pilot.press("a", *"heroin")  # finding is not input: escape leaves
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("a", *"psych", "enter", "9", "enter", *"pharmacy said")
        dialog = app.screen
        assert isinstance(dialog, AddendumModal)
        await _escape_asks(pilot, dialog, dialog.query_one("#add-reason", Input))
        assert app.screen is screen


async def test_a_refused_save_goes_to_the_first_field_in_error(app: RecoveryConsole) -> None:
    from textual.widgets import Select

    from screens.linkage.resources import ResourceForm, ResourcesScreen

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ResourcesScreen())
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ResourceForm)
        form.query_one("#kind", Select).value = "smart_recovery"
        form.query_one("#notes", Input).focus()
        await pilot.press("ctrl+s")  # no name: refused, every value kept
        await settle(pilot)
        assert app.screen is form
        assert form.focused is not None and form.focused.id == "name"
        assert form.query_one("#kind", Select).value == "smart_recovery"


async def test_prescription_dialog_tab_from_medicine_reaches_dose(app: RecoveryConsole) -> None:
    """Tab order follows what is on screen: Medicine, Form, then Dose today."""
    from tests.ui.helpers import type_search

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "atkinson")
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("shift+tab", "shift+tab")
        assert app.screen.focused is not None and app.screen.focused.id == "medicine"
        await pilot.press("tab")
        assert app.screen.focused is not None and app.screen.focused.id == "product"
        await pilot.press("tab")
        assert app.screen.focused is not None and app.screen.focused.id == "dose_mg"
