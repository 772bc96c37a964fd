"""Administration in the console, keyboard only at 80x24: staff and roles, practice
details with the letterhead preview; admin only."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from console.app import RecoveryConsole
from console.services import Services
from screens.admin.home import AdminScreen
from screens.admin.practice import PracticeScreen
from screens.admin.staff import StaffForm, StaffScreen
from screens.widgets.tickbox import TickBox
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]


async def open_admin(pilot: Pilot[None], section: int | None = None) -> None:
    await settle(pilot)
    await pilot.press("g", "a")  # go to › Administration
    await settle(pilot)
    assert isinstance(pilot.app.screen, AdminScreen)
    if section is not None:
        await pilot.press(*(["down"] * section), "enter")
        await settle(pilot)


def text(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


async def test_add_a_gp_and_refuse_demoting_the_last_admin(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test() as pilot:
        await open_admin(pilot, 0)
        screen = pilot.app.screen
        assert isinstance(screen, StaffScreen)
        logins = [row.member.login for row in screen.rows]
        assert "tester" in logins
        await pilot.press("a")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, StaffForm)
        form.query_one("#login", Input).value = "gp.new"
        form.query_one("#name", Input).value = "Dr Nia Evans"
        form.query_one("#title", Input).value = "GP"
        form.query_one("#role-clinician", TickBox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is screen
        added = {m.login: m for m in populated.staff_admin.list()}["gp.new"]
        assert (added.name, added.title, added.roles_text) == ("Dr Nia Evans", "GP", "clinician")
        assert "Saved gp.new" in text(pilot, "#message")
        # The only admin cannot take the admin role away from themselves.
        table = screen.query_one(DataTable)
        table.move_cursor(row=[r.member.login for r in screen.rows].index("tester"))
        await pilot.press("e")
        await settle(pilot)
        form = pilot.app.screen
        assert isinstance(form, StaffForm)
        form.query_one("#role-admin", TickBox).value = False
        form.query_one("#role-clinician", TickBox).value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert pilot.app.screen is form  # refused: the dialog keeps what was chosen
        assert "last active admin" in text(pilot, "#e-roles")
        assert not form.query_one("#role-admin", TickBox).value


async def test_practice_details_are_checked_beside_the_field_and_saved(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test() as pilot:
        await open_admin(pilot, 1)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.query_one("#ods_code", Input).value == "B86001"
        screen.query_one("#ods_code", Input).value = "B8600"
        screen.query_one("#phone", Input).value = "0113 496 0123"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "a letter then five digits" in text(pilot, "#e-ods_code")
        assert screen.focused is screen.query_one("#ods_code", Input)
        assert populated.practice.get().phone == "0113 496 0000"  # nothing half-written
        screen.query_one("#ods_code", Input).value = "b86002"
        await pilot.press("ctrl+s")
        await settle(pilot)
        practice = populated.practice.get()
        assert (practice.ods_code, practice.phone) == ("B86002", "0113 496 0123")
        preview = text(pilot, "#letterhead")
        assert "ODS code B86002" in preview and "Telephone 0113 496 0123" in preview
        assert text(pilot, "#e-ods_code") == ""


async def test_escape_with_changes_asks_first(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await open_admin(pilot, 1)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen)
        screen.query_one("#email", Input).value = "new@example.org"
        await pilot.press("escape")
        assert pilot.app.screen is screen and "Unsaved changes" in text(pilot, "#message")
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, AdminScreen)


async def test_administration_is_for_admins_only(as_role: Callable[[str], Services]) -> None:
    app = RecoveryConsole(as_role("clinician"))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("g")
        titles = [str(o.prompt) for o in pilot.app.screen.query_one("OptionList")._options]
        assert "Administration" not in titles


async def test_starting_empty_leads_to_the_practice_details(empty: Services) -> None:
    app = RecoveryConsole(empty, bootstrapped=True)
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("e", *"Moor Lane Surgery", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PracticeScreen)
        assert screen.query_one("#name", Input).value == "Moor Lane Surgery"
        assert screen.query_one("#timezone", Input).value == "Europe/London"


def _shown(*keys: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_admin(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


def test_snapshot_admin_home(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, run_before=_shown(), terminal_size=(80, 24))


def test_snapshot_staff(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, run_before=_shown("enter"), terminal_size=(80, 24))


def test_snapshot_practice_details(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, run_before=_shown("down", "enter"), terminal_size=(80, 24))


async def test_the_resources_directory_opens_from_administration_and_returns_there(
    app: RecoveryConsole,
) -> None:
    from screens.linkage.resources import ResourcesScreen

    async with app.run_test() as pilot:
        await open_admin(pilot, 4)
        assert isinstance(pilot.app.screen, ResourcesScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, AdminScreen)
