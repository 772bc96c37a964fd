"""The resources directory and the linkage screen, driven from the keyboard at 80x24."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlmodel import Session
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from console.app import RecoveryConsole
from console.services import Services
from db.models import Patient
from screens.linkage.forms import LinkForm, OutcomeForm
from screens.linkage.linkage import LinkageScreen
from screens.linkage.resources import ResourceForm, ResourcesScreen
from tests.ui.helpers import known_id, settle

SIZE = (80, 24)
TODAY = dt.date(2026, 11, 23)
NAME = "QUARRINGTON, Leah"


def cells(app: RecoveryConsole) -> list[str]:
    """Each row of the screen's table as one line of text."""
    table: DataTable[object] = app.screen.query_one(DataTable)
    return [" | ".join(str(c) for c in table.get_row_at(i)).strip() for i in range(table.row_count)]


def text(app: RecoveryConsole, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def cache(services: Services, patient_id: int) -> dt.date | None:
    with Session(services.engine) as session:
        row = session.get(Patient, patient_id)
        assert row is not None
        return row.next_linkage_followup


async def add_smart_group(pilot: Pilot[None], app: RecoveryConsole) -> None:
    app.push_screen(ResourcesScreen())
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    form = app.screen
    assert isinstance(form, ResourceForm)
    form.query_one("#kind", Select).value = "smart_recovery"
    form.query_one("#name", Input).focus()
    await pilot.press(*"SMART Recovery Kirkstall")
    form.query_one("#where", Input).value = "Kirkstall Library, Kirkstall Lane"
    form.query_one("#when", Input).value = "Mondays 18:00-19:30"
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_add_link_and_record_attended(as_role: Callable[[str], Services]) -> None:
    worker = as_role("recovery_worker")
    pid = known_id(worker)
    app = RecoveryConsole(worker)
    results: list[bool | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # The directory: a new SMART Recovery group, kept highlighted after saving.
        await add_smart_group(pilot, app)
        assert isinstance(app.screen, ResourcesScreen)
        assert any("SMART Recovery Kirkstall" in row for row in cells(app))
        assert "Saved: SMART Recovery Kirkstall." in text(app, "#message")
        assert "Kirkstall Library" in text(app, "#detail")
        await pilot.press("escape")
        await settle(pilot)

        # Link the patient by introducing them to a peer; the method has no default.
        app.push_screen(LinkageScreen(pid, NAME), results.append)
        await settle(pilot)
        assert "No links yet" in text(app, "#message")
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, LinkForm)
        assert form.query_one("#method", Select).value is Select.NULL
        assert form.query_one("#follow_up_date", Input).value == "21/12/2026"  # + 4 weeks
        await pilot.press(*"kirk")
        await settle(pilot)
        await pilot.press("down", "enter")  # into the list, pick: focus moves to the method
        assert "SMART Recovery Kirkstall" in text(app, "#chosen")
        assert form.query_one("#method", Select).has_focus
        form.query_one("#method", Select).value = "introduced_to_peer"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LinkageScreen)
        assert cells(app) == [
            "SMART Recovery K… | SMART | peer intro | 23/11/2026 | next 21/12/2026"
        ]
        assert cache(worker, pid) == dt.date(2026, 12, 21)

        # Record that they went to the group.
        await pilot.press("o")
        await settle(pilot)
        outcome = app.screen
        assert isinstance(outcome, OutcomeForm)
        assert not outcome.query_one("#row-first_attended").display  # shown when needed
        outcome.query_one("#outcome", Select).value = "attended"
        await pilot.pause()
        assert outcome.query_one("#row-first_attended").display
        outcome.query_one("#first_attended", Input).value = "23/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, LinkageScreen)
        assert cells(app)[0].endswith("attended 23/11/2026")
        assert "first attended 23 Nov 2026" in text(app, "#detail")
        assert cache(worker, pid) is None
        await pilot.press("escape")
        await settle(pilot)
    assert results == [True]  # the summary that opened it reloads


async def test_link_form_errors_are_shown_beside_their_fields(
    as_role: Callable[[str], Services],
) -> None:
    worker = as_role("clinician")
    app = RecoveryConsole(worker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LinkageScreen(known_id(worker), NAME))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        form.query_one("#follow_up_date", Input).value = "01/01/2020"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved
        assert "choose how the patient was linked" in text(app, "#e-method")
        # the highlighted first row is not taken until enter is pressed on it
        assert "choose a resource" in text(app, "#e-resource")
        await pilot.press("down", "enter")  # a resource is highlighted; choose it
        form.query_one("#method", Select).value = "accompanied"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "before the link date" in text(app, "#e-follow_up_date")  # from the service
        await pilot.press("escape", "y")  # changed: escape asks before discarding
        await settle(pilot)
        assert isinstance(app.screen, LinkageScreen)
        assert app.screen.changed is False


async def test_outcome_not_yet_needs_a_later_date(as_role: Callable[[str], Services]) -> None:
    worker = as_role("recovery_worker")
    pid = known_id(worker)
    resource = worker.resources.search("bramley")[0]
    worker.linkage.link(pid, resource.id, "accompanied", TODAY, TODAY + dt.timedelta(days=7))
    app = RecoveryConsole(worker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LinkageScreen(pid, NAME))
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        form = app.screen
        form.query_one("#outcome", Select).value = "not_yet"
        await pilot.pause()
        form.query_one("#next_follow_up", Input).value = "23/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "after today" in text(app, "#e-next_follow_up")
        form.query_one("#next_follow_up", Input).value = "07/12/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert cells(app)[0].endswith("not yet; 07/12/2026")
    assert cache(worker, pid) == dt.date(2026, 12, 7)


async def test_due_follow_up_is_said_in_words(as_role: Callable[[str], Services]) -> None:
    worker = as_role("recovery_worker")
    pid = known_id(worker)
    resource = worker.resources.search("bramley")[0]
    worker.linkage.link(pid, resource.id, "information_given", TODAY - dt.timedelta(30), TODAY)
    app = RecoveryConsole(worker)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LinkageScreen(pid, NAME))
        await settle(pilot)
        assert cells(app)[0].endswith("DUE 23/11/2026")
        assert "1 follow-up DUE" in text(app, "#title")
        assert "due today" in text(app, "#detail")


async def test_admin_may_edit_the_directory_but_not_link(
    as_role: Callable[[str], Services],
) -> None:
    admin = as_role("admin")
    app = RecoveryConsole(admin)
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: told.append(message) or notify(message, **kw)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(LinkageScreen(known_id(admin), NAME))
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, LinkageScreen), type(app.screen)  # no form
        assert any("Not allowed" in m and "clinician or recovery_worker" in m for m in told)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ResourceForm)


async def test_reception_is_told_and_cannot_edit(as_role: Callable[[str], Services]) -> None:
    reception = as_role("reception")
    app = RecoveryConsole(reception)
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: told.append(message) or notify(message, **kw)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ResourcesScreen())
        await settle(pilot)
        assert "Not allowed: to view clinical detail" in text(app, "#message")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        assert any("edit the resources directory" in m for m in told)


async def test_directory_search_filters_as_you_type(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ResourcesScreen())
        await settle(pilot)
        everything = len(cells(app))
        await pilot.press("slash", *"smart")
        await settle(pilot)
        rows = cells(app)
        assert 0 < len(rows) < everything
        assert all(row.startswith("SMART") for row in rows)
        await pilot.press("escape")  # leaves the search box, not the screen
        assert isinstance(app.screen, ResourcesScreen)
        await pilot.press("x")  # retire the highlighted one
        await settle(pilot)
        assert "(retired)" in cells(app)[0]
        assert "Retired:" in text(app, "#message")
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ResourcesScreen)
