"""Letter templates in administration, keyboard only at 80x24: the list, the editor with
its own scrolling field list, preview for a chosen patient, history with a comparison,
the shipped wording restored; escape with changes asks."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList, Static, TextArea

from console.app import RecoveryConsole
from console.letters import fields
from console.services import Services
from console.services.dto import PatientInput
from screens.admin.home import AdminScreen
from screens.admin.template_dialogs import PatientPickModal, PreviewModal, RestoreModal
from screens.admin.template_edit import TemplateEditScreen
from screens.admin.templates import TemplateHistoryScreen, TemplatesScreen
from screens.widgets.discard import DiscardModal
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
TEMPLATES_ROW = 2  # the templates' place in the administration list
INVITE = "review_invitation"
BRONWEN = PatientInput(
    "943 476 5870",
    "Pryce-Jones",
    "Bronwen",
    "04/07/1985",
    address_line_1="14 Mill Lane",
    town="Wakefield",
    postcode="WF1 2AB",
    consent_letters_home=True,
)


@pytest.fixture
def consenting(populated: Services) -> Services:
    populated.patients.register(BRONWEN)
    return populated


@pytest.fixture
def invited(populated: Services) -> str:
    """The family name of a demonstration patient a review invitation can be made for."""
    for row in populated.patients.search("", limit=60).rows:
        if not populated.letters.preview(populated.letters.open(row.id), INVITE).refusal:
            return row.family_name
    raise AssertionError("no demonstration patient can have a review invitation")


async def open_templates(pilot: Pilot[None]) -> TemplatesScreen:
    await settle(pilot)
    await pilot.press("g", "a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AdminScreen)
    await pilot.press(*(["down"] * TEMPLATES_ROW), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TemplatesScreen)
    return screen


async def open_editor(pilot: Pilot[None], row: int = 0) -> TemplateEditScreen:
    await open_templates(pilot)
    await pilot.press(*(["down"] * row), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TemplateEditScreen)
    return screen


def status(pilot: Pilot[None], selector: str = "#status") -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def test_the_editor_refuses_a_field_this_letter_cannot_fill_and_keeps_the_text(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot)  # the review invitation: a batch letter
        offered = [str(o.id) for o in editor.query_one("#fields", OptionList)._options]
        assert "patient.given_name" in offered and "care_plan.goals_table" not in offered
        text = "Dear {patient.given_name},\n\n{care_plan.goals_table}\n"
        editor.query_one("#body", TextArea).load_text(text)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "{care_plan.goals_table} cannot be filled in this letter" in status(pilot)
        assert "made in batches" in status(pilot)
        assert editor.query_one("#body", TextArea).text == text
        assert populated.letters.template(INVITE).body == fields.shipped()[INVITE].body


async def test_spaces_in_braces_save_and_the_list_shows_the_new_version(
    app: RecoveryConsole, consenting: Services
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#body", TextArea).load_text("Hello { patient.given_name }.\n")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Saved." in status(pilot)
        await pilot.press("escape")  # saved: nothing to ask about
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, TemplatesScreen)
        first = screen.query_one(DataTable).get_row_at(0)
        assert first[1] == "version 1" and first[2] == "tester"
    bronwen = consenting.patients.search("Pryce").rows[0].id
    assert (
        "Hello Bronwen."
        in consenting.letters.preview(consenting.letters.open(bronwen), INVITE).text
    )


async def test_escape_with_changes_asks_before_discarding(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#body", TextArea).insert("More words. ")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DiscardModal)
        await pilot.press("n")
        assert pilot.app.screen is editor and "More words." in editor.query_one(TextArea).text
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, TemplatesScreen)
    assert populated.letters.template(INVITE).body == fields.shipped()[INVITE].body


async def test_every_field_is_reachable_in_the_scrolling_list_and_enter_puts_it_in(
    app: RecoveryConsole,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot, 2)  # the care plan copy: fields and tables
        options = editor.query_one("#fields", OptionList)
        count = options.option_count
        assert count == len(fields.FIELDS) + len(fields.TABLES)
        assert options.size.height < count  # more fields than the list's height at 80x24
        await pilot.press("tab")
        assert editor.focused is options
        await pilot.press(*(["down"] * (count - 1)))  # from the first to the last
        await settle(pilot)
        assert options.highlighted == count - 1
        assert options.scroll_offset.y > 0  # it scrolled to the last one
        last = list(fields.TABLES)[-1]
        assert f"{{{last}}}" in status(pilot, "#field-help")
        await pilot.press("enter")
        await settle(pilot)
        assert editor.focused is editor.query_one("#body", TextArea)
        assert f"\n{{{last}}}\n" in editor.query_one("#body", TextArea).text


async def test_preview_the_text_being_edited_for_a_chosen_patient(
    app: RecoveryConsole, consenting: Services
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_editor(pilot)
        editor.query_one("#body", TextArea).load_text("Good news, { patient.given_name }.\n")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PatientPickModal)
        await pilot.press(*"pryce")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        modal = pilot.app.screen
        assert isinstance(modal, PreviewModal)
        assert "Good news, Bronwen." in str(modal.query_one("#preview-body", Static).render())
        assert "not saved" in str(modal.query_one(".modal-title", Static).render())
        await pilot.press("escape")
        assert pilot.app.screen is editor
    assert consenting.letters.template(INVITE).body == fields.shipped()[INVITE].body


async def test_history_compares_versions_and_r_restores_the_shipped_wording(
    app: RecoveryConsole, populated: Services
) -> None:
    shipped = fields.shipped()[INVITE].body
    populated.templates.save(INVITE, shipped + "\nWith best wishes.\n")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_templates(pilot)
        await pilot.press("h")
        await settle(pilot)
        history = pilot.app.screen
        assert isinstance(history, TemplateHistoryScreen)
        assert history.query_one(DataTable).row_count == 2  # version 1 and as shipped
        assert "from version 0 to 1" in status(pilot, "#changes-title")
        assert "+ With best wishes." in status(pilot, "#changes-body")
        await pilot.press("escape")
        await settle(pilot)
        assert pilot.app.screen is screen
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, RestoreModal)
        await pilot.press("y")
        await settle(pilot)
        assert "shipped wording is back" in status(pilot, "#message")
        assert screen.query_one(DataTable).get_row_at(0)[1] == "as shipped"
    assert populated.letters.template(INVITE).body == shipped


def _at(*keys: str, row: int | None = None) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        if row is None:
            await open_templates(pilot)
        else:
            await open_editor(pilot, row)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_snapshot_templates(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, run_before=_at(), terminal_size=SIZE)


def test_snapshot_template_editor(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, run_before=_at("tab", row=2), terminal_size=SIZE)


def test_snapshot_template_history(
    snap_compare: SnapCompare, app: RecoveryConsole, populated: Services
) -> None:
    shipped = fields.shipped()[INVITE].body
    populated.templates.save(INVITE, shipped.replace("Dear", "Hello", 1) + "\nBest wishes.\n")
    assert snap_compare(app, run_before=_at("h"), terminal_size=SIZE)


def test_snapshot_template_preview(
    snap_compare: SnapCompare, app: RecoveryConsole, invited: str
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_editor(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*invited.lower())
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
