"""The practice indicators dashboard (issue 17) at 80x24: reached by go-to, `enter` on an
indicator opens its gap list (the shared patient table), `enter` there the summary, and
`escape` comes back; snapshots of the dashboard and a drill-down."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.rules import indicators as rules
from console.services import Services
from console.services.indicators import IndicatorService
from db.models import AuditEvent, table_of
from screens.indicators.dashboard import IndicatorsScreen
from screens.indicators.gap import GapScreen
from screens.indicators.table import IndicatorTable
from screens.navigation import Navigator
from tests.ui.helpers import settle, table

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
NALOXONE = rules.KEYS.index("naloxone_12m")


def _open(*presses: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        Navigator(pilot.app).open_area("indicators")
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
            await settle(pilot)

    return run_before


async def test_drill_into_naloxone_open_a_patient_and_come_back(populated: Services) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        titles = [str(o.prompt) for o in app.screen.query_one("OptionList")._options]  # type: ignore[attr-defined]
        assert "Practice indicators" in titles
        await pilot.press("escape")
        await _open()(pilot)
        assert isinstance(app.screen, IndicatorsScreen)
        grid = app.screen.query_one(IndicatorTable)
        assert grid.row_count == len(rules.KEYS)
        board = IndicatorService(populated).dashboard()
        nal = board.count("naloxone_12m")
        assert grid.row_cells(NALOXONE)[1].split() == [f"{nal.numerator}/{nal.denominator}"]
        for _ in range(NALOXONE):
            await pilot.press("down")
        line = grid.render_line(1 + NALOXONE).text  # the cursor row, as painted
        assert line.startswith("▶ Naloxone") and f"{nal.numerator}/{nal.denominator}" in line
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GapScreen)
        gap = {r.id for r in IndicatorService(populated).patients("naloxone_12m")}
        assert {r.id for r in table(app).rows} == gap
        assert len(gap) == nal.denominator - nal.numerator > 0
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PatientSummaryScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GapScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndicatorsScreen)


async def test_search_within_a_gap_list_reads_nothing_more(populated: Services) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await _open(*(["down"] * NALOXONE), "enter")(pilot)
        assert isinstance(app.screen, GapScreen)
        gap = list(table(app).rows)
        events = _drill_events(populated)
        target = gap[len(gap) // 2]
        prefix = target.family_name[:3]
        await pilot.press("slash")
        for letter in prefix:
            await pilot.press(letter)
        await settle(pilot)
        shown = list(table(app).rows)
        assert target in shown and len(shown) < len(gap)
        assert all(r in gap for r in shown)  # only the gap's own patients
        status = str(app.screen.query_one("#status").render())
        assert f"{len(shown)} of {len(gap)} patients" in status
        await pilot.press(*"zzzz")
        await settle(pilot)
        assert table(app).rows == []
        assert table(app).empty_text.startswith("No patient in this gap list matches")
        for _ in range(4):
            await pilot.press("backspace")
        await pilot.press("enter")  # back to the list, on the narrowed rows
        await settle(pilot)
        assert table(app).has_focus
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "PatientSummaryScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, GapScreen)
        await pilot.press("slash")
        await pilot.press("escape")  # from the search box: to the list, not away
        await settle(pilot)
        assert isinstance(app.screen, GapScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, IndicatorsScreen)
        assert _drill_events(populated) == events  # searching is not another drill-down


def _drill_events(s: Services) -> int:
    """Drill-down events in the audit log (reading it to check)."""
    from sqlmodel import Session

    t = table_of(AuditEvent)
    with Session(s.engine) as session:
        return session.execute(
            sa.select(sa.func.count()).where(t.c.action == "indicators.patients")
        ).scalar_one()


async def test_keyworker_and_date_filters(populated: Services) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await _open()(pilot)
        screen = app.screen
        assert isinstance(screen, IndicatorsScreen)
        await pilot.press("d", *"31/01/2026", "enter")
        await settle(pilot)
        assert screen.board is not None and screen.board.from_history
        assert "as at 31 Jan 2026" in str(screen.query_one("#title").render())
        await pilot.press("k", *"nobody-here", "enter")
        await settle(pilot)
        # Refused: the date shown stays, and so does the title saying so.
        assert screen.keyworker == "" and screen.as_at == dt.date(2026, 1, 31)
        assert screen.board is not None and screen.board.from_history
        assert "as at 31 Jan 2026" in str(screen.query_one("#title").render())
        await pilot.press("d", "ctrl+u", "enter")  # emptied: today, for the whole practice
        await settle(pilot)
        assert screen.board is not None and not screen.board.from_history
        assert "whole practice, today" in str(screen.query_one("#title").render())


async def test_the_trend_fills_in_from_history_with_a_progress_bar(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await _open()(pilot)
        screen = app.screen
        assert isinstance(screen, IndicatorsScreen)
        seen: list[tuple[int, int]] = []
        original = IndicatorsScreen.on_indicators_screen_progress

        def watch(self: IndicatorsScreen, message: IndicatorsScreen.Progress) -> None:
            assert self.query_one("#progress").display  # shown while it fills in
            seen.append((message.done, message.total))
            original(self, message)

        monkeypatch.setattr(IndicatorsScreen, "on_indicators_screen_progress", watch)
        await pilot.press("t")
        await settle(pilot)
        assert seen == [(n, 12) for n in range(1, 13)]
        assert not screen.query_one("#progress").display
        boards = IndicatorService(populated).trend()
        grid = screen.query_one(IndicatorTable)
        for n, key in enumerate(rules.KEYS):
            cell = grid.row_cells(n)[3].strip()
            assert len(cell) == 12, key  # one character a month
            last = boards[-1].count(key)
            today = IndicatorService(populated).dashboard().count(key)
            assert (last.numerator, last.denominator) == (today.numerator, today.denominator)


async def test_the_figures_are_there_as_soon_as_the_screen_is(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Today's numbers are read as the dashboard mounts, on the UI thread: its first
    frame shows them (no "loading" frame, no worker on open). The trend's progress bar
    is mounted only when the trend is asked for."""
    threads: list[str] = []
    original = IndicatorService.dashboard

    def watched(self: IndicatorService, *args: object, **kwargs: object) -> object:
        threads.append(threading.current_thread().name)
        return original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(IndicatorService, "dashboard", watched)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = IndicatorsScreen()
        await app.push_screen(screen)  # returns once the screen is mounted
        assert threads == [threading.main_thread().name]
        assert "loading" not in str(screen.query_one("#title").render())
        grid = screen.query_one(IndicatorTable)
        board = IndicatorService(populated).dashboard()
        assert grid.rows == board.counts
        assert grid.render_line(1).text.startswith(f"▶ {board.counts[0].title}")
        assert not screen.query("#progress")
        await pilot.press("t")
        await settle(pilot)
        assert not screen.query_one("#progress").display


async def test_a_double_click_opens_the_gap_list_of_the_row_clicked(populated: Services) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await _open()(pilot)
        await pilot.click(IndicatorTable, offset=(4, 1 + NALOXONE))  # one click: the cursor
        await settle(pilot)
        assert isinstance(app.screen, IndicatorsScreen)
        assert app.screen.query_one(IndicatorTable).cursor == NALOXONE
        await pilot.double_click(IndicatorTable, offset=(4, 1 + NALOXONE))
        await settle(pilot)
        assert isinstance(app.screen, GapScreen)
        gap = {r.id for r in IndicatorService(populated).patients("naloxone_12m")}
        assert {r.id for r in table(app).rows} == gap


async def test_keys_move_the_cursor_and_scroll_a_short_terminal(populated: Services) -> None:
    """up/down/home/end/page keys move the marked row at 80x24; in a shorter terminal the
    rows scroll so the cursor row stays painted, and `enter` opens that row's gap."""
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await _open()(pilot)
        grid = app.screen.query_one(IndicatorTable)
        assert grid.has_focus
        last = len(rules.KEYS) - 1
        for key, at in [
            ("down", 1),
            ("down", 2),
            ("up", 1),
            ("end", last),
            ("home", 0),
            ("pagedown", last),
            ("pageup", 0),
            ("up", 0),
        ]:
            await pilot.press(key)
            assert grid.cursor == at, key
        await pilot.resize_terminal(80, 14)
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        assert grid.scroll_y > 0
        shown = [grid.render_line(y).text for y in range(grid.size.height)]
        assert shown[0].lstrip().startswith("Indicator")  # the header stays put
        title = grid.rows[last].title
        assert any(line.startswith(f"▶ {title}") for line in shown)
        await pilot.press("home")
        await settle(pilot)
        assert grid.scroll_y == 0
        assert grid.render_line(1).text.startswith(f"▶ {grid.rows[0].title}")
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(app.screen, GapScreen)
        gap = {r.id for r in IndicatorService(populated).patients(rules.KEYS[last])}
        assert {r.id for r in table(app).rows} == gap


def test_a_large_practice_s_counts_are_shown_whole() -> None:
    """Hazard H122: at 260,000 patients a count has six digits; the Met column holds both
    whole (a count cut short by its column reads as another number)."""
    from screens.indicators.table import COLUMNS, cells

    met_width = COLUMNS[1][1]
    for numerator, denominator in [(219_987, 254_321), (999_999, 999_999), (5, 7)]:
        met = cells(rules.Count("naloxone_12m", numerator, denominator))[1]
        assert len(met) <= met_width
        assert met.split() == [f"{numerator}/{denominator}"]


async def test_reception_cannot_open_it(as_role: Callable[[str], Services]) -> None:
    desk = as_role("reception")
    app = RecoveryConsole(desk)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "indicators" not in {a.key for a in Navigator(app).areas()}


def test_snapshot_dashboard(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open())


def test_snapshot_gap_list(snap_compare: SnapCompare, populated: Services) -> None:
    app = RecoveryConsole(populated)
    presses = ["down"] * NALOXONE + ["enter"]
    assert snap_compare(app, terminal_size=SIZE, run_before=_open(*presses))
