"""Moving between areas: the "go to" picker, the palette's areas, and escape going home
from an area's top screen without throwing away a form under way."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, OptionList

from console.app import RecoveryConsole
from console.services import Services
from screens.linkage.resources import ResourcesScreen
from screens.navigation import GoToModal
from screens.patients.form import PatientFormScreen
from screens.patients.list import PatientListScreen
from screens.patients.summary import PatientSummaryScreen
from screens.worklist.worklist import WorklistScreen
from tests.ui.helpers import settle, type_search

SnapCompare = Callable[..., bool]


def picker_titles(app: RecoveryConsole) -> list[str]:
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_go_to_lists_the_areas_and_escape_goes_home(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("g")
        assert isinstance(app.screen, GoToModal)
        titles = picker_titles(app)
        assert titles[0] == "Patient list (home)"
        assert {"Worklist", "Recovery resources directory", "Administration"} <= set(titles)
        await pilot.press("r")  # a first letter takes the area
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)


async def test_an_area_opened_over_a_summary_goes_home_on_escape(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")  # the search, then the patient
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)
        await pilot.press("g", "w")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
        await pilot.press("escape")
        await settle(pilot)
        # Home is the patient list (SPEC §3), not the summary the worklist was opened over.
        assert isinstance(app.screen, PatientListScreen)
        assert len(app.screen_stack) == 1


async def test_going_home_stops_at_a_form_with_typed_work(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("e")  # edit the demographics
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        phone = form.query_one("#phone", Input)
        phone.value = "07700 900999"
        # The palette opens an area from inside the form; escape there goes home …
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Worklist")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorklistScreen)
        await pilot.press("escape")
        await settle(pilot)
        # … but stops at the form, which still holds what was typed.
        assert app.screen is form
        assert phone.value == "07700 900999"


async def test_reception_goes_to_no_clinical_area(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("reception"))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("g")
        assert picker_titles(app) == ["Patient list (home)"]
        await pilot.press("escape")
        assert isinstance(app.screen, PatientListScreen)


def test_snapshot_go_to(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)

    assert snap_compare(app, run_before=run_before, terminal_size=(80, 24))
