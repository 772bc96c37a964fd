"""The family and health screens driven from the keyboard over the real app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Select, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.health_dto import HealthInput, SupporterInput
from screens.patients.family import ChoiceModal, FamilyScreen, SupporterForm
from screens.patients.health import HealthForm, HealthScreen
from tests.ui.helpers import known_id, settle, type_search

NAME = "QUARRINGTON, Leah"


async def open_screen(pilot: Pilot[None], screen: FamilyScreen | HealthScreen) -> list[object]:
    """Push the screen over the patient list; returns the list its dismiss result lands in."""
    results: list[object] = []
    await settle(pilot)
    pilot.app.push_screen(screen, results.append)
    await settle(pilot)
    return results


def cells(screen: FamilyScreen | HealthScreen) -> list[list[str]]:
    table: DataTable[str] = screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())  # type: ignore[attr-defined]


async def test_add_family_member_with_consent(app: RecoveryConsole, populated: Services) -> None:
    pid = known_id(populated)
    async with app.run_test() as pilot:
        screen = FamilyScreen(pid, NAME)
        results = await open_screen(pilot, screen)
        assert "No family or supporters recorded" in text(screen, "#involvement")
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SupporterForm)
        await pilot.press(*"Kim Quarrington", "tab", *"sister", "tab", *"07700 900456")
        await pilot.press("tab", "space")  # consent
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert cells(screen) == [["Kim Quarrington", "sister", "07700 900456", "yes", "no"]]
        assert text(screen, "#message") == "Added."
        await pilot.press("escape")
        await settle(pilot)
    assert results == [True]
    member = populated.family.open(pid).members[0]
    assert member.consent_involvement and not member.support_offered


async def test_supporter_form_keeps_input_and_shows_errors(
    app: RecoveryConsole, populated: Services
) -> None:
    pid = known_id(populated)
    async with app.run_test() as pilot:
        await open_screen(pilot, FamilyScreen(pid, NAME))
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"Kim", "ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SupporterForm)
        assert "relationship is required" in text(form, "#e-relationship")
        assert form.query_one("#name", Input).value == "Kim"
        await pilot.press("escape")
        await settle(pilot)
    assert populated.family.open(pid).members == ()


async def test_involvement_and_remove_with_confirm(
    app: RecoveryConsole, populated: Services
) -> None:
    pid = known_id(populated)
    async with app.run_test() as pilot:
        screen = FamilyScreen(pid, NAME)
        results = await open_screen(pilot, screen)
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceModal)
        await pilot.press("enter")  # the first answer: no one to involve
        await settle(pilot)
        assert "Involvement: no one to involve." in text(screen, "#involvement")
        populated.family.add(pid, SupporterInput("Sam Lee", "friend"))
        screen._load()
        await settle(pilot)
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("enter")  # the first answer keeps them
        await settle(pilot)
        assert len(cells(screen)) == 1
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert cells(screen) == []
        await pilot.press("escape")
        await settle(pilot)
    assert results == [True]


async def test_escape_without_change_returns_none(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test() as pilot:
        results = await open_screen(pilot, HealthScreen(known_id(populated), NAME))
        await pilot.press("escape")
        await settle(pilot)
    assert results == [None]


async def test_record_hcv_test_and_naloxone(app: RecoveryConsole, populated: Services) -> None:
    pid = known_id(populated)
    async with app.run_test() as pilot:
        screen = HealthScreen(pid, NAME)
        results = await open_screen(pilot, screen)
        assert "Naloxone: never supplied" in text(screen, "#due")
        assert "Hepatitis C: never tested" in text(screen, "#due")
        # A hepatitis C antibody test, negative, on 2 Nov 2026.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, HealthForm)
        form.query_one("#kind", Select).value = "hcv_antibody"
        await pilot.pause()
        form.query_one("#check_date", Input).value = "02/11/2026"
        form.query_one("#result", Select).value = "negative"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Hepatitis C: last tested 2 Nov 2026" in text(screen, "#due")
        # A naloxone supply today, the partner trained: the form opens on naloxone.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, HealthForm)
        await pilot.press("tab", "tab", "enter", "down", "enter")  # result: nasal
        await pilot.press("tab", "tab", "space", "ctrl+s")  # family or friends trained
        await settle(pilot)
        assert app.screen is screen
        assert "Naloxone: last supplied 23 Nov 2026 — within 12 months" in text(screen, "#due")
        assert cells(screen)[0][:3] == ["23 Nov 2026", "Naloxone", "nasal (Nyxoid)"]
        await pilot.press("escape")
        await settle(pilot)
    assert results == [True]
    view = populated.health.open(pid)
    assert view.last_naloxone == dt.date(2026, 11, 23)
    assert view.last_hcv_test == dt.date(2026, 11, 2)
    assert view.events[0].detail == "family or friends trained"


async def test_result_list_follows_the_kind(app: RecoveryConsole, populated: Services) -> None:
    async with app.run_test() as pilot:
        await open_screen(pilot, HealthScreen(known_id(populated), NAME))
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, HealthForm)
        form.query_one("#kind", Select).value = "hep_b_dose"
        await pilot.pause()
        result: Select[str] = form.query_one("#result", Select)
        assert [v for _, v in result._options if isinstance(v, str)] == ["1", "2", "3", "completed"]
        assert not form.query_one("#family_trained").parent.display  # type: ignore[union-attr]
        await pilot.press("ctrl+s")  # no result chosen
        await settle(pilot)
        assert app.screen is form
        assert "choose one of" in text(form, "#e-result")


async def test_injecting_status_key(app: RecoveryConsole, populated: Services) -> None:
    pid = known_id(populated)
    async with app.run_test() as pilot:
        screen = HealthScreen(pid, NAME)
        await open_screen(pilot, screen)
        await pilot.press("i")
        await settle(pilot)
        await pilot.press("down", "down", "enter")  # currently injecting
        await settle(pilot)
        assert "Injecting: currently injecting (recorded 23 Nov 2026)" in text(screen, "#due")
        assert "due now (injecting)" in text(screen, "#due")


async def test_reception_cannot_open_admin_cannot_record(
    as_role: Callable[[str], Services], populated: Services
) -> None:
    admin = as_role("admin")
    pid = known_id(populated)
    async with RecoveryConsole(admin).run_test() as pilot:
        screen = HealthScreen(pid, NAME)
        await open_screen(pilot, screen)
        await pilot.press("a")
        await settle(pilot)
        assert pilot.app.screen is screen  # dimmed: no form opens
    reception = as_role("reception")
    async with RecoveryConsole(reception).run_test() as pilot:
        screen = FamilyScreen(pid, NAME)
        await open_screen(pilot, screen)
        assert "Not allowed" in text(screen, "#message")


async def test_remove_a_record_entered_in_error(app: RecoveryConsole, populated: Services) -> None:
    pid = known_id(populated)
    populated.health.record(pid, HealthInput("naloxone", dt.date(2026, 11, 20), "nasal (Nyxoid)"))
    async with app.run_test() as pilot:
        screen = HealthScreen(pid, NAME)
        await open_screen(pilot, screen)
        assert "last supplied 20 Nov 2026" in text(screen, "#due")
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("ctrl+s")  # no reason given
        await settle(pilot)
        assert "say why" in text(app.screen, "#e-reason")
        await pilot.press(*"wrong patient", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert "Naloxone: never supplied" in text(screen, "#due")
        assert text(screen, "#message") == "Removed."


async def test_opened_from_the_summary_with_f_and_h(
    app: RecoveryConsole, populated: Services
) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "quarr")
        await pilot.press("down", "enter")
        await settle(pilot)
        summary = app.screen
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HealthScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is summary
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FamilyScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is summary
