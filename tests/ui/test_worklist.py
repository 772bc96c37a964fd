"""The worklist: `w` from the list, select with space, one batch of recall letters."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from textual.pilot import Pilot
from textual.widgets import Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.letters import LetterOutput
from screens.widgets.batch_confirm import ConfirmPrint
from screens.worklist.table import WorkTable
from screens.worklist.worklist import WorklistScreen
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


@pytest.fixture
def worklist_app(
    populated: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> RecoveryConsole:
    monkeypatch.setattr(rl_config, "invariant", 1)
    populated.letters.output = LetterOutput(tmp_path / "letters")
    return RecoveryConsole(populated)


async def open_worklist(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)


async def test_w_lists_who_is_due(worklist_app: RecoveryConsole, populated: Services) -> None:
    expected = populated.worklist.items()
    assert expected.items, "the demo caseload has patients due"
    async with worklist_app.run_test(size=SIZE) as pilot:
        await open_worklist(pilot)
        assert isinstance(worklist_app.screen, WorklistScreen)
        table = worklist_app.screen.query_one(WorkTable)
        assert table.row_count == len(expected.items)
        await pilot.press("escape")
        assert not isinstance(worklist_app.screen, WorklistScreen)


async def test_select_and_batch_gives_one_pdf(
    worklist_app: RecoveryConsole, populated: Services, tmp_path: Path
) -> None:
    async with worklist_app.run_test(size=SIZE) as pilot:
        await open_worklist(pilot)
        screen = worklist_app.screen
        assert isinstance(screen, WorklistScreen)
        await pilot.press("a")  # every patient a recall letter applies to
        chosen = len(screen.selected)
        assert chosen > 0
        await pilot.press("b")
        await settle(pilot)
        # First what it will print, and a question: nothing is made until enter.
        assert isinstance(worklist_app.screen, ConfirmPrint)
        shown = str(worklist_app.screen.query_one("#confirm-text", Static).render())
        assert shown.startswith("Recall letters: ") and not (tmp_path / "letters").exists()
        await pilot.press("enter")
        await settle(pilot)
        assert worklist_app.screen is screen
        status = str(screen.query_one("#status", Static).render())
        made = list((tmp_path / "letters").glob("*.pdf"))
        assert len(made) == 1
        pages = len(PdfReader(io.BytesIO(made[0].read_bytes())).pages)
        skipped = status.count("\n  ")
        assert pages + skipped == chosen
        assert f"{pages:,} letters." in status
        if skipped:
            assert f"Skipped {skipped:,}:" in status and "consent" in status


async def test_space_toggles_a_patient(worklist_app: RecoveryConsole) -> None:
    async with worklist_app.run_test(size=SIZE) as pilot:
        await open_worklist(pilot)
        screen = worklist_app.screen
        assert isinstance(screen, WorklistScreen)
        await pilot.press("space")
        assert len(screen.selected) == 1
        await pilot.press("up", "space")
        assert len(screen.selected) == 0
        assert screen.check_action("batch", ()) is None  # dimmed until someone is chosen


def test_worklist_snapshot(snap_compare: SnapCompare, worklist_app: RecoveryConsole) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_worklist(pilot)
        await pilot.press("space", "space")
        await settle(pilot)

    assert snap_compare(worklist_app, terminal_size=SIZE, run_before=run_before)


async def test_a_second_batch_asks_before_sending_recent_recalls_again(
    worklist_app: RecoveryConsole, tmp_path: Path
) -> None:
    async with worklist_app.run_test(size=SIZE) as pilot:
        await open_worklist(pilot)
        screen = worklist_app.screen
        assert isinstance(screen, WorklistScreen)
        await pilot.press("a", "b")
        await settle(pilot)
        await pilot.press("enter")  # the first batch
        await settle(pilot)
        await pilot.press("b")  # the same patients again, the same day
        await settle(pilot)
        assert isinstance(worklist_app.screen, ConfirmPrint)
        shown = str(worklist_app.screen.query_one("#confirm-text", Static).render())
        keys = str(worklist_app.screen.query_one("#confirm-keys", Static).render())
        assert "Recall letters: 0 letters" in shown and "sent a recall letter on" in shown
        assert "i include the" in keys and "sent within 14 days" in keys
        await pilot.press("escape")  # cancelled: nothing more is made
        await settle(pilot)
        assert len(list((tmp_path / "letters").glob("*.pdf"))) == 1
        assert "Cancelled" in str(screen.query_one("#status", Static).render())
        await pilot.press("b")
        await settle(pilot)
        await pilot.press("i")  # include them: chosen explicitly
        await settle(pilot)
        assert isinstance(worklist_app.screen, ConfirmPrint)
        shown = str(worklist_app.screen.query_one("#confirm-text", Static).render())
        assert "Recall letters: 0 letters" not in shown
        await pilot.press("enter")
        await settle(pilot)
        assert len(list((tmp_path / "letters").glob("*.pdf"))) == 2


async def test_end_goes_to_the_last_row_without_scrolling_sideways(
    worklist_app: RecoveryConsole,
) -> None:
    async with worklist_app.run_test(size=(80, 24)) as pilot:
        await open_worklist(pilot)
        table = worklist_app.screen.query_one("#work", WorkTable)
        await pilot.press("end")
        await settle(pilot)
        assert table.cursor_row == table.row_count - 1
        assert table.scroll_x == 0
        await pilot.press("home")
        await settle(pilot)
        assert table.cursor_row == 0 and table.scroll_x == 0


async def test_the_mark_shows_on_the_row_of_the_patient_chosen(
    worklist_app: RecoveryConsole, populated: Services
) -> None:
    """Space marks the patient under the cursor, and that patient's own line shows ■
    (the rows are drawn from the list, so a mark can only show on its patient's line)."""
    expected = populated.worklist.items().items
    async with worklist_app.run_test(size=SIZE) as pilot:
        await open_worklist(pilot)
        screen = worklist_app.screen
        assert isinstance(screen, WorklistScreen)
        table = screen.query_one("#work", WorkTable)
        await pilot.press("down", "down", "down", "space")
        await settle(pilot)
        chosen = expected[3]
        assert screen.selected == {chosen.patient_id}
        lines = [table.render_line(y).text for y in range(1, len(expected) + 1)]
        marked = [line for line in lines if "■" in line]
        assert len(marked) == 1 and chosen.family_name.upper() in marked[0]
        assert table.cursor_row == 4 and lines[4].startswith("▶")
