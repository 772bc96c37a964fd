"""An indicator's gap list (issue 17): the patients in its denominator NOT meeting it,
in the shared patient table; `/` searches within them, `enter` opens the summary
through the navigation layer, `escape` goes back to the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from console.rules import indicators as rules
from console.rules.search import parse
from console.services.dto import PatientPage, PatientRow
from console.services.indicators import IndicatorService
from screens.host import ConsoleScreen
from screens.widgets.patient_table import PatientTable


class GapScreen(ConsoleScreen[None]):
    """The patients in an indicator's denominator NOT meeting it, read once (one audited
    event); `/` searches within them as the patient list does, `enter` opens one."""

    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "PatientTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="indicators-gap.back"),
        Binding("enter", "open", "Open", id="indicators-gap.open"),
        Binding("slash", "focus_search", "Search", key_display="/", id="indicators-gap.search"),
        Binding("down", "focus_table", "To list", show=False, id="indicators-gap.to-list"),
    ]

    class Loaded(Message):
        def __init__(self, rows: tuple[PatientRow, ...]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, key: str, as_at: dt.date | None, keyworker: str) -> None:
        super().__init__()
        self.key, self.as_at, self.keyworker = key, as_at, keyworker
        self.rows: tuple[PatientRow, ...] | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        title = rules.BY_KEY[self.key].title
        yield Static(f"Not meeting: {title}", id="title", markup=False)
        with Horizontal(id="search-row"):
            yield Static("Search ▸", id="search-label")
            yield Input(placeholder="name, NHS number or date of birth (press /)", id="search")
        yield PatientTable(today=self.services.clock.today(), clinical=True, id="gap")
        yield Static("", id="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        rows = IndicatorService(self.services).patients(self.key, self.as_at, self.keyworker)
        self.post_message(self.Loaded(rows))

    def on_gap_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        self._show(self.query_one("#search", Input).value)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._show(event.value)

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(PatientTable).focus()

    def _show(self, text: str) -> None:
        """The rows already read, narrowed by the search text (no new read, no event)."""
        if self.rows is None:
            return
        terms = parse(text)
        shown = tuple(
            r
            for r in self.rows
            if rules.matches(terms, r.nhs_number, r.family_name, r.given_name, r.date_of_birth)
        )
        typed = text.strip()
        empty = (
            f"No patient in this gap list matches “{typed}”."
            if typed
            else "Everyone meets this indicator."
        )
        self.query_one(PatientTable).show_page(
            PatientPage(shown, text, more=False), empty_text=empty
        )
        of = rules.BY_KEY[self.key].of
        total = len(self.rows)
        count = f"{len(shown):,} of {total:,}" if typed else f"{total:,}"
        self.query_one("#status", Static).update(
            f"{count} patient{'s' if total != 1 else ''} ({of}) · enter open · escape back"
        )

    def action_back(self) -> None:
        if self.query_one("#search", Input).has_focus:
            self.action_focus_table()
        else:
            self.app.pop_screen()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one(PatientTable).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `down` leaves the search box for the list; in the list it moves the cursor.
        if action == "focus_table":
            return self.query_one("#search", Input).has_focus
        return True

    def action_open(self) -> None:
        row = self.query_one(PatientTable).current
        if row is not None:
            self.nav.open_summary(row)

    def on_patient_table_selected(self, message: PatientTable.Selected) -> None:
        self.nav.open_summary(message.row)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.host.report_error(event.worker.error)
