"""What a user sees of the list's speed work (docs/performance.md): the first frame already
shows patients, a typed letter and its page arrive in one frame, and a slow page never
holds the letter back for long."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.screen import Screen
from textual.widgets import Input

import screens.patients.list as patient_list
import screens.widgets.search_box as search_box
from console.app import RecoveryConsole
from console.services import Services
from screens.widgets.patient_table import PatientTable
from tests.ui.helpers import settle

ROOT = Path(__file__).resolve().parents[2]


def _record_frames(monkeypatch: pytest.MonkeyPatch, app: RecoveryConsole) -> list[tuple[str, str]]:
    """(search box text, text of the page in the list) at every frame the list screen paints."""
    frames: list[tuple[str, str]] = []
    shown = {"query": "<none>"}
    original_show = PatientTable.show_page
    original_paint = Screen._compositor_refresh

    def show_page(table: PatientTable, page, **kwargs):  # type: ignore[no-untyped-def]
        shown["query"] = page.query
        original_show(table, page, **kwargs)

    def paint(screen: Screen[object]) -> None:
        original_paint(screen)
        if isinstance(screen, patient_list.PatientListScreen) and screen is app.screen:
            frames.append((screen.query_one("#search", Input).value, shown["query"]))

    monkeypatch.setattr(PatientTable, "show_page", show_page)
    monkeypatch.setattr(Screen, "_compositor_refresh", paint)
    return frames


def _before_each_page(
    monkeypatch: pytest.MonkeyPatch, services: Services, wait: Callable[[], object]
) -> None:
    """`wait` runs before the page of any typed text is read (a slow or a held page)."""
    search = type(services.patients).search

    def waiting(self, text: str, **kwargs):  # type: ignore[no-untyped-def]
        if text:
            wait()
        return search(self, text, **kwargs)

    monkeypatch.setattr(type(services.patients), "search", waiting)


async def test_first_frame_shows_patients(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = RecoveryConsole(populated)
    frames = _record_frames(monkeypatch, app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert frames, "nothing painted"
        assert frames[0] == ("", ""), "the first frame said Loading… instead of patients"


async def test_letter_and_its_page_share_a_frame(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_box, "HOLD_SECONDS", 5.0)  # a slow test machine stays exact
    app = RecoveryConsole(populated)
    frames = _record_frames(monkeypatch, app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        frames.clear()
        await pilot.press("q", "u", "a")
        await settle(pilot)
        typed = [f for f in frames if f[0]]
        assert typed and typed[-1] == ("qua", "qua")
        stale = [f for f in typed if f[0] != f[1]]
        assert not stale, f"frames showed a letter above an older list: {stale}"


async def test_a_slow_page_does_not_hold_the_letter(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    _before_each_page(monkeypatch, populated, lambda: time.sleep(0.5))
    app = RecoveryConsole(populated)
    frames = _record_frames(monkeypatch, app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        frames.clear()
        await pilot.press("q")
        await pilot.pause(0.2)  # well past HOLD_SECONDS, well before the page
        assert ("q", "") in frames, "the letter waited for its page"
        await settle(pilot)
        assert frames[-1] == ("q", "q")


def test_start_up_loads_the_list_screen_only() -> None:
    code = (
        "import sys, console.app\n"
        "late = ['screens.patients.summary', 'screens.review', 'screens.letters.letters', "
        "'screens.care_plan', 'screens.worklist.worklist', 'screens.first_run', 'screens.help', "
        "'reportlab', 'alembic']\n"
        "loaded = [m for m in late if m in sys.modules]\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


class Terminal:
    """What a terminal shows: every frame the console writes, applied as a terminal would
    (the headless driver writes nothing), text only."""

    def __init__(self, app: RecoveryConsole) -> None:
        self.app = app
        self.lines: list[list[str]] = []

    def apply(self, update: object, lines: list[list[str]] | None = None) -> None:
        from rich.segment import ControlType

        if lines is None:
            width, height = self.app.size
            if len(self.lines) != height or len(self.lines[0]) != width:
                self.lines = [[" "] * width for _ in range(height)]  # resized: blank
            lines = self.lines
        console = self.app.console
        x = y = 0
        for segment in update.__rich_console__(console, console.options):  # type: ignore[attr-defined]
            if segment.control:
                for code, *args in segment.control:
                    if code == ControlType.CURSOR_MOVE_TO:
                        x, y = args
                continue
            if segment.text == "\n":
                continue
            for ch in segment.text:
                if 0 <= y < len(lines) and 0 <= x < len(lines[y]):
                    lines[y][x] = ch
                x += 1

    def text(self) -> str:
        return "\n".join("".join(line) for line in self.lines)

    def expected(self) -> str:
        """The screen as it stands, painted whole onto a blank terminal."""
        lines = [[" "] * self.app.size.width for _ in range(self.app.size.height)]
        self.apply(self.app.screen._compositor.render_full_update(), lines)
        return "\n".join("".join(line) for line in lines)


def _watch_terminal(monkeypatch: pytest.MonkeyPatch, app: RecoveryConsole) -> Terminal:
    terminal = Terminal(app)
    original = RecoveryConsole._display

    def display(self: RecoveryConsole, screen: Screen[object], renderable: object) -> None:
        original(self, screen, renderable)
        if renderable is not None and not self._batch_count and screen is self.screen:
            terminal.apply(renderable)

    monkeypatch.setattr(RecoveryConsole, "_display", display)
    return terminal


async def test_the_terminal_shows_every_letter_and_its_page(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A held letter is painted as the lines that changed: the terminal, frame by frame,
    always comes to show the screen as it stands (hazard H124)."""
    monkeypatch.setattr(search_box, "HOLD_SECONDS", 5.0)
    app = RecoveryConsole(populated)
    terminal = _watch_terminal(monkeypatch, app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        for letter in "qua":
            await pilot.press(letter)
            await settle(pilot)
            assert terminal.text() == terminal.expected()
        assert "qua" in terminal.text()


async def test_a_resize_while_a_letter_is_held_shows_the_whole_screen(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A taller terminal while a letter is held (the footer moves, its size does not):
    once the page is in, the terminal shows the whole screen at its new size (H124)."""
    monkeypatch.setattr(search_box, "HOLD_SECONDS", 5.0)
    gate = threading.Event()
    _before_each_page(monkeypatch, populated, lambda: gate.wait(10))
    app = RecoveryConsole(populated)
    terminal = _watch_terminal(monkeypatch, app)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        await pilot.press("q")  # held: its page waits at the gate
        await pilot.resize_terminal(80, 30)  # taller: the footer moves, its size does not
        await pilot.pause()
        gate.set()
        await settle(pilot)
        assert terminal.text() == terminal.expected()
        assert "Search" in terminal.text()
