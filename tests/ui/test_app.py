"""The App shell: header, global keys, help, command palette, layering."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.services import Services
from screens.help import HelpScreen
from screens.patients.list import PatientListScreen
from screens.patients.summary import PatientSummaryScreen
from tests.ui.helpers import settle, type_search

ROOT = Path(__file__).resolve().parents[2]


def test_header_names_practice_and_staff(populated: Services) -> None:
    app = RecoveryConsole(populated)
    app.refresh_header()
    practice = populated.practice.get()
    assert practice.name.removesuffix(" (DEMO)") in app.title
    assert populated.staff.name in app.sub_title
    assert "admin" in app.sub_title
    assert ("DEMO" in app.title) is practice.is_demo


async def test_q_quits(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_help_opens_and_escape_closes(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        text = " ".join(str(w.render()) for w in screen.query(Static))
        assert "Search" in text and "Open" in text and "Filter" in text  # the list's keys
        assert "review overdue (start or strategic)" in text  # the flag letters
        await pilot.press("escape")
        assert isinstance(app.screen, PatientListScreen)


@pytest.mark.parametrize("key", ["question_mark", "q"])
async def test_help_closes_with_question_mark_or_q(app: RecoveryConsole, key: str) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press(key)
        await pilot.pause()
        assert app.is_running  # q closed the help; it did not quit
        assert isinstance(app.screen, PatientListScreen)


async def test_help_lists_the_summary_keys_there(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert "Patient summary" in text and "Back" in text
        assert "Filter" not in text


async def test_palette_jumps_to_a_patient(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"9434765919")
        for _ in range(50):  # the palette searches in the background
            await pilot.pause(0.02)
            if "QUARRINGTON" in " ".join(str(o.prompt) for o in _options(app)):
                break
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert screen.record is not None and screen.record.nhs_number == "9434765919"


async def test_palette_opens_the_resources_directory_by_name(app: RecoveryConsole) -> None:
    from screens.linkage.resources import ResourcesScreen

    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"resources")
        for _ in range(50):
            await pilot.pause(0.02)
            if "Recovery resources directory" in " ".join(str(o.prompt) for o in _options(app)):
                break
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)


def _options(app: RecoveryConsole) -> list[object]:
    from textual.widgets import OptionList

    try:
        options = app.screen.query_one(OptionList)
    except Exception:
        return []
    return [options.get_option_at_index(i) for i in range(options.option_count)]


async def test_bootstrapped_admin_is_told(populated: Services) -> None:
    app = RecoveryConsole(populated, bootstrapped=True)
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: told.append(message) or notify(message, **kw)  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        await settle(pilot)
    assert any("first member of staff" in m and "made admin" in m for m in told)


async def test_search_box_is_not_a_quit_key(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "q")
        assert app.is_running
        assert app.screen.query_one("#search", Input).value == "q"


def test_sixteen_colour_terminal_gets_the_ansi_theme(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLORTERM", raising=False)
    monkeypatch.setenv("TERM", "xterm-16color")
    assert RecoveryConsole(populated).theme == "ansi-dark"


def test_truecolour_terminal_keeps_the_default_theme(populated: Services) -> None:
    assert RecoveryConsole(populated).theme != "ansi-dark"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # `from console import format` imports console.format
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_app_and_screens_import_only_services_rules_format_clock() -> None:
    paths = [ROOT / "console" / "app.py", ROOT / "console" / "format.py"]
    paths += sorted((ROOT / "screens").rglob("*.py"))
    allowed = ("console.services", "console.rules", "console.format", "console.clock")
    bad = []
    for path in paths:
        for name in _imports(path):
            top = name.split(".")[0]
            if top in ("db", "sqlalchemy", "sqlmodel", "alembic") or (
                top == "console" and not any(name == a or name.startswith(f"{a}.") for a in allowed)
            ):
                bad.append(f"{path.relative_to(ROOT)}: {name}")
    assert bad == []
