"""What a user sees of the list's speed work (docs/performance.md): the first frame already
shows patients, a typed letter and its page arrive in one frame, and a slow page never
holds the letter back for long."""

from __future__ import annotations

import subprocess
import sys
import time
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
    search = type(populated.patients).search

    def slow(self, text: str, **kwargs):  # type: ignore[no-untyped-def]
        if text:
            time.sleep(0.5)
        return search(self, text, **kwargs)

    monkeypatch.setattr(type(populated.patients), "search", slow)
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
