"""Practice indicators (SPEC §3 screen 8, §4; issue 17): the recovery dashboard.

Each indicator with numerator / denominator, percent and a bar of block characters (so
it reads in 16 colours and without colour); `enter` opens the patients NOT meeting it
(the gap staff act on) in the shared patient table, and `enter` there the summary
through the navigation layer; `k` one keyworker's patients, `d` a past date; `t` the
12-month trend (month ends, from history) in a worker with a progress bar. The numbers
are read as the screen mounts (today's kept tallies), a keyworker or a past date in a
worker; a drill-down is audited by the service as one event.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Header, Input, ProgressBar, Static
from textual.worker import Worker, WorkerState

from console.rules import indicators as rules
from console.services.errors import ServiceError
from console.services.indicators import Dashboard, IndicatorService
from screens import validators as v
from screens.host import ConsoleScreen
from screens.indicators.gap import GapScreen
from screens.indicators.table import BAR, IndicatorTable
from screens.widgets.masked import as_typed, date_input
from screens.widgets.ready_footer import ReadyFooter

SPARK = "_▁▂▃▄▅▆▇█"  # "_": under one eighth (a blank would read as nothing to count)
SHORT_BANDS = ("< 1 yr", "1–2 yrs", "2–5 yrs", "5+ yrs")
BAND_W = 16


def distribution_lines(board: Dashboard) -> list[str]:
    """Continuous time on OST by band (considered decision / on OST), and the change
    since the start TOP; each line fits 78 columns."""
    lines: list[str] = []
    if board.ost_bands:
        lines.append("Time on OST   " + "".join(f"{s:>{BAND_W}}" for s in SHORT_BANDS))
        lines.append(
            "considered/all"
            + "".join(f"{f'{b.considered:,}/{b.patients:,}':>{BAND_W}}" for b in board.ost_bands)
        )
    o = board.outcomes
    if o is None:
        return [*lines, "Start TOP to latest: counting…"]
    lines.append(f"Start TOP to latest: {o.patients:,} patients with both")
    # One line each: at a large practice's counts the two together wrapped past 78.
    lines.append(
        f"  no longer using opioids {o.opioids_stopped:,}/{o.opioids_at_start:,} {o.opioids_text}"
    )
    lines.append(
        f"  no longer injecting {o.injecting_stopped:,}/{o.injecting_at_start:,} {o.injecting_text}"
    )
    lines.append(f"  median BARC-10 change {o.barc10_text} ({o.barc10_patients:,} patients)")
    return lines


def spark(points: list[float | None]) -> str:
    """A trend in eighth-blocks, one character a month ("·" where nothing to count)."""
    return "".join("·" if p is None else SPARK[min(8, round(p / 100 * 8))] for p in points)


def scope_text(board: Dashboard) -> str:
    when = "today" if not board.from_history else f"as at {board.as_at:%-d %b %Y}"
    who = f"keyworker {board.keyworker}" if board.keyworker else "whole practice"
    return f"Practice indicators: {who}, {when}"


class AskModal(ModalScreen[str | None]):
    """One line of input (a keyworker's login, or a date); escape cancels. A date is the
    shared masked field, marked as typed, and enter keeps the dialog while it is wrong."""

    DEFAULT_CSS = """
    AskModal { align: center middle; }
    AskModal > Vertical {
        width: 56; height: auto; border: round $accent; background: $panel; padding: 0 1;
    }
    AskModal .keys { color: $text-muted; }
    AskModal #e-answer { height: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="indicators-ask.cancel"),
    ]

    def __init__(self, question: str, value: str, placeholder: str, *, date: bool = False) -> None:
        super().__init__()
        self.question, self.value, self.placeholder = question, value, placeholder
        self.date = date

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question)
            if self.date:
                today = self.app.services.clock.today  # type: ignore[attr-defined]
                yield date_input(
                    self.value, id="answer", validators=[v.date(today, required=False)]
                )
            else:
                yield Input(self.value, placeholder=self.placeholder, id="answer")
            yield Static("", id="e-answer", markup=False)
            yield Static("enter applies · empty clears · escape cancels", classes="keys")

    def on_input_changed(self, event: Input.Changed) -> None:
        said = as_typed(event.input)
        if said is not None:
            self._say(said)

    def _say(self, message: str) -> None:
        self.query_one("#e-answer", Static).update(f"! {message}" if message else "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        result = event.validation_result
        if self.date and result is not None and not result.is_valid:
            self._say(result.failure_descriptions[0])  # kept open, the date still there
            return
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class IndicatorsScreen(ConsoleScreen[None]):
    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "#indicators"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", "Back", id="indicators.back"),
        Binding("enter", "drill", "Gap list", id="indicators.drill"),
        Binding("k", "keyworker", "Keyworker", id="indicators.keyworker"),
        Binding("d", "as_at", "Date", id="indicators.date"),
        Binding("t", "trend", "Trend", id="indicators.trend"),
    ]

    class Loaded(Message):
        def __init__(self, board: Dashboard) -> None:
            super().__init__()
            self.board = board

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    class Trend(Message):
        def __init__(self, boards: tuple[Dashboard, ...]) -> None:
            super().__init__()
            self.boards = boards

    def __init__(self) -> None:
        super().__init__()
        self.keyworker = ""
        self.as_at: dt.date | None = None
        self.board: Dashboard | None = None
        self.trend: dict[str, str] = {}

    @property
    def indicators(self) -> IndicatorService:
        return IndicatorService(self.services)

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Practice indicators: loading…", id="title")
        yield IndicatorTable(len(rules.KEYS), id="indicators")
        yield Static("", id="distributions", markup=False)
        yield Static("", id="status")
        yield ReadyFooter(compact=True)
        # The trend's progress bar is mounted when the trend is asked for: its nodes (and
        # its DEFAULT_CSS, the first time) cost the open nothing.

    def on_mount(self) -> None:
        """Today's numbers are read here, on the UI thread, so the first frame shows them.

        From the kept tallies that is one indexed range read, bounded by the windows'
        days and not by the caseload (6-9 ms at 260,000 patients). In a worker the same
        read took 30-40 ms while the screen mounted: each SQL call hands the GIL back and
        waits for the mounting thread to let go of it, and the figures came a frame
        later. A past date or a keyworker (seconds from history) is read in `_load`."""
        try:
            board = self.indicators.dashboard(self.as_at, self.keyworker)
        except Exception as error:  # as a worker's error: one message, no row quoted
            self.host.report_error(error)
            return
        self.on_indicators_screen_loaded(self.Loaded(board))

    def _reload(self) -> None:
        """A keyworker or past date: seconds from history, so the title says so until the
        figures come (the rows shown are still the last scope's)."""
        self.query_one("#title", Static).update("Practice indicators: reading…")
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.indicators.dashboard(self.as_at, self.keyworker)))

    def on_indicators_screen_loaded(self, message: Loaded) -> None:
        self.board = board = message.board
        self.query_one("#indicators", IndicatorTable).show(board.counts, self.trend)
        self.query_one("#title", Static).update(scope_text(board))
        self.query_one("#distributions", Static).update("\n".join(distribution_lines(board)))
        if not self.trend:
            keys = "enter gap list · k keyworker · d date · t 12-month trend"
            self.query_one("#status", Static).update(keys)

    def _key(self) -> str | None:
        current = self.query_one("#indicators", IndicatorTable).current
        return None if self.board is None or current is None else current.key

    def action_drill(self) -> None:
        key = self._key()
        if key is not None:
            self.app.push_screen(GapScreen(key, self.as_at, self.keyworker))

    def on_indicator_table_chosen(self, event: IndicatorTable.Chosen) -> None:
        event.stop()
        self.action_drill()  # the cursor is on the row clicked

    def action_keyworker(self) -> None:
        def chosen(value: str | None) -> None:
            if value is not None:
                self.keyworker = value
                self.trend = {}
                self._reload()

        self.app.push_screen(
            AskModal("Keyworker's login (empty: whole practice)", self.keyworker, "login"),
            chosen,
        )

    def action_as_at(self) -> None:
        def chosen(value: str | None) -> None:
            if value is None:
                return
            if not value:
                self.as_at = None
            else:
                try:
                    self.as_at = dt.datetime.strptime(value, "%d/%m/%Y").date()
                except ValueError:
                    self.notify("A date is DD/MM/YYYY.", severity="error", timeout=5)
                    return
            self.trend = {}  # the trend ends on the date shown
            self._reload()

        shown = f"{self.as_at:%d/%m/%Y}" if self.as_at else ""
        self.app.push_screen(
            AskModal("As at (dd/mm/yyyy, empty: today)", shown, "", date=True), chosen
        )

    # -- the trend ---------------------------------------------------------------------
    def action_trend(self) -> None:
        found = self.query("#progress").results(ProgressBar)
        bar = next(found, None)
        if bar is None:
            bar = ProgressBar(total=12, id="progress", show_eta=False)
            self.mount(bar, before="#status")
        bar.update(total=12, progress=0)
        bar.display = True
        self._trend()

    def _hide_progress(self) -> None:
        for bar in self.query("#progress").results(ProgressBar):
            bar.display = False

    @work(thread=True, exclusive=True, group="trend", exit_on_error=False)
    def _trend(self) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        boards = self.indicators.trend(self.keyworker, 12, progress, as_at=self.as_at)
        self.post_message(self.Trend(boards))

    def on_indicators_screen_progress(self, message: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_indicators_screen_trend(self, message: Trend) -> None:
        self._hide_progress()
        self.trend = {
            key: spark([b.count(key).percent for b in message.boards]).rjust(BAR)
            for key in rules.KEYS
        }
        table = self.query_one("#indicators", IndicatorTable)
        table.show(table.rows, self.trend)
        self.query_one("#status", Static).update(
            "Share: % at each of the last 12 month ends, oldest left · enter gap list"
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self._hide_progress()
            error = event.worker.error
            if isinstance(error, ServiceError):  # a login or date the service refused
                self.notify(str(error), severity="error", timeout=6)
                self._keep_shown_scope()
                return
            self.host.report_error(error)

    def _keep_shown_scope(self) -> None:
        """A refused login or date leaves the figures on screen, and their scope, as they
        were: the next `d` or `k` starts from what is shown, not from a half-changed one."""
        board = self.board
        if board is None:
            self.keyworker, self.as_at = "", None
            return
        self.keyworker = board.keyworker or ""
        self.as_at = board.as_at if board.from_history else None
        self.on_indicators_screen_loaded(self.Loaded(board))
