"""First run on an empty database: demonstration data, or a practice name and an empty list."""

from __future__ import annotations

from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.services import Services
from screens.first_run import FirstRunScreen
from screens.patients.list import PatientListScreen
from tests.ui.helpers import settle, table


async def test_admin_on_an_empty_database_sees_first_run(empty: Services) -> None:
    app = RecoveryConsole(empty, bootstrapped=True)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstRunScreen)
        assert app.focused is None  # d and e work straight away
        told = str(app.screen.query_one("#bootstrapped", Static).render())
        assert "(tester)" in told and "made admin" in told


async def test_start_empty_needs_a_name(empty: Services) -> None:
    app = RecoveryConsole(empty)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.focused, Input)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        error = str(screen.query_one("#name-error", Static).render())
        assert "required" in error
        assert screen.query_one("#practice-name", Input).has_class("-invalid")
        assert not empty.practice.is_set_up()


async def test_start_empty_with_a_name_lands_on_the_empty_list(empty: Services) -> None:
    app = RecoveryConsole(empty)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e", *"Moorside Surgery", "enter")
        await settle(pilot)
        # The rest of the practice details come next; escape leaves them for later.
        assert type(app.screen).__name__ == "PracticeScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
        assert empty.practice.get().name == "Moorside Surgery"
        assert app.title == "Moorside Surgery"
        assert table(app).rows == []
        assert "No patients registered yet" in table(app).empty_text


async def test_escape_leaves_the_name_box_so_d_works_again(empty: Services) -> None:
    app = RecoveryConsole(empty)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e", "escape")
        assert app.focused is None
        assert isinstance(app.screen, FirstRunScreen)


async def test_demo_data_loads_and_the_header_says_demo(empty: Services) -> None:
    app = RecoveryConsole(empty)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
        assert len(table(app).rows) > 0
        assert "DEMO" in app.title
        assert "clinician" in app.sub_title  # the loader may try everything


async def test_refusal_is_shown_on_screen(empty: Services) -> None:
    """Demo data only goes into an empty database: the refusal reaches the screen."""
    app = RecoveryConsole(empty)
    async with app.run_test() as pilot:
        await settle(pilot)
        empty.practice.set_up("Someone Else's Surgery")  # meanwhile, in another session
        from tests.ui.conftest import KNOWN

        empty.patients.register(KNOWN)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FirstRunScreen)
        assert "empty database" in str(screen.query_one("#error", Static).render())


async def test_non_admin_on_unset_database_gets_the_list(empty: Services) -> None:
    empty.staff_admin.add("worker-1", "Wendy Worker", ["recovery_worker"])
    worker = Services(empty.engine, login="worker-1", clock=empty.clock)
    worker.identify()
    app = RecoveryConsole(worker)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
