"""The home screen: search as you type over a page of patients (SPEC §3.1)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Footer, Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.services.dto import PageKey, PatientPage, PatientRecord, PatientRow
from console.services.roles import Action, allowed
from screens.host import ConsoleScreen
from screens.widgets.patient_table import PatientTable


@dataclass(frozen=True)
class Filter:
    label: str
    statuses: tuple[str, ...] = ()
    due_within_days: int | None = None


FILTERS = (
    Filter("All"),
    Filter("In treatment", statuses=("in_treatment",)),
    Filter("Due ≤ 28 days", due_within_days=28),
)


class PatientListScreen(ConsoleScreen[None]):
    CSS_PATH = "patient_list.tcss"
    AUTO_FOCUS = "PatientTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="patient-list.search"),
        Binding("enter", "open", "Open", id="patient-list.open"),
        Binding("n", "new_patient", "New", id="patient-list.new-patient"),
        Binding("f", "cycle_filter", "Filter", id="patient-list.filter"),
        Binding("l", "letter", "Letter", id="patient-list.letter"),
        Binding("w", "worklist", "Worklist", id="patient-list.worklist"),
        Binding("r", "review", "Review", id="patient-list.review"),
        Binding("c", "care_plan", "Plan", id="patient-list.care-plan"),
        # From the search box back to the list (A7: the box keeps printable keys).
        Binding("escape,down", "focus_table", "Back to list", id="patient-list.to-list"),
    ]

    class Results(Message):
        def __init__(self, page: PatientPage, chosen: Filter, after: PageKey | None = None) -> None:
            super().__init__()
            self.page = page
            self.list_filter = chosen
            self.after = after  # set for a next page: the sort key it continues from

    class Counts(Message):
        def __init__(self, total: int, overdue: int, soon: int) -> None:
            super().__init__()
            self.total = total
            self.overdue = overdue
            self.soon = soon

    def __init__(self) -> None:
        super().__init__()
        self.list_filter = FILTERS[0]
        self._counts: tuple[int, int, int] | None = None

    def compose(self) -> ComposeResult:
        services = self.services
        yield Header(icon="≡")
        with Horizontal(id="search-row"):
            yield Static("Search ▸", id="search-label")
            yield Input(
                placeholder="name, NHS number or date of birth dd/mm/yyyy (press /)",
                id="search",
            )
        yield PatientTable(
            today=services.clock.today(),
            clinical=allowed(services.staff.roles, Action.VIEW_CLINICAL),
            id="patient-table",
        )
        yield Static("", id="status")
        yield Footer(compact=True)  # eleven keys must fit in 80 columns

    def on_mount(self) -> None:
        self.reload()

    # -- loading --------------------------------------------------------------------
    @property
    def table(self) -> PatientTable:
        return self.query_one(PatientTable)

    @property
    def search_text(self) -> str:
        return self.query_one("#search", Input).value

    def reload(self) -> None:
        """Fresh counts and a fresh first page (after demo data or a change elsewhere)."""
        self.table.clinical = allowed(self.services.staff.roles, Action.VIEW_CLINICAL)
        self._load_counts()
        self._search(self.search_text, self.list_filter)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search(event.value, self.list_filter)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, chosen: Filter) -> None:
        page = self.services.patients.search(
            text, statuses=chosen.statuses, due_within_days=chosen.due_within_days
        )
        if not get_current_worker().is_cancelled:  # A2: a newer keystroke owns the list
            self.post_message(self.Results(page, chosen))

    @work(thread=True, exclusive=True, group="more", exit_on_error=False)
    def _more(self, text: str, chosen: Filter, after: PageKey) -> None:
        page = self.services.patients.search(
            text, statuses=chosen.statuses, due_within_days=chosen.due_within_days, after=after
        )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Results(page, chosen, after))

    @work(thread=True, exclusive=True, group="counts", exit_on_error=False)
    def _load_counts(self) -> None:
        total, overdue, soon = self.services.patients.counts()
        self.post_message(self.Counts(total, overdue, soon))

    def on_patient_list_screen_results(self, message: Results) -> None:
        # P6: drop a page for text or a filter the user has since changed.
        if message.page.query != self.search_text or message.list_filter != self.list_filter:
            return
        table = self.table
        table.today = self.services.clock.today()  # a console left open past midnight
        if message.after is not None:
            if message.after == table.last_key:  # not a page of an older list
                table.append_page(message.page)
        else:
            table.show_page(message.page, empty_text=self._empty_text())
        self._show_status()

    def on_patient_list_screen_counts(self, message: Counts) -> None:
        self._counts = (message.total, message.overdue, message.soon)
        self._show_status()

    def on_patient_table_need_more(self, message: PatientTable.NeedMore) -> None:
        self._more(self.search_text, self.list_filter, message.after)

    def on_patient_table_selected(self, message: PatientTable.Selected) -> None:
        self._open(message.row)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.host.report_error(event.worker.error)

    def _empty_text(self) -> str:
        if self.search_text.strip():
            return f"No patient matches “{self.search_text.strip()}” ({self.list_filter.label})."
        if self.list_filter is not FILTERS[0]:
            return f"No patients in “{self.list_filter.label}”. Press f to change the filter."
        return "No patients registered yet."

    def _show_status(self) -> None:
        table = self.table
        shown = f"{len(table.rows):,}{'+' if table.more else ''} shown"
        parts = [shown]
        if self._counts is not None:
            total, overdue, soon = self._counts
            parts += [f"{total:,} patients", f"{overdue:,} overdue", f"{soon:,} due soon"]
        text = " · ".join(parts) + f"  │ f Filter: {self.list_filter.label}"
        self.query_one("#status", Static).update(text)

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # "Back to list" is offered (and shown in the footer) only from the search box.
        return not (action == "focus_table" and self.focused is self.table)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()
        self.refresh_bindings()

    def action_focus_table(self) -> None:
        self.table.focus()
        self.refresh_bindings()

    def action_cycle_filter(self) -> None:
        self.list_filter = FILTERS[(FILTERS.index(self.list_filter) + 1) % len(FILTERS)]
        self._show_status()
        self._search(self.search_text, self.list_filter)

    def action_letter(self) -> None:
        from screens.letters import LettersScreen

        row = self.table.current
        if row is not None:
            self.app.push_screen(LettersScreen(row))

    def action_worklist(self) -> None:
        from screens.worklist import WorklistScreen

        self.app.push_screen(WorklistScreen())

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            self._open(row)

    def _open(self, row: PatientRow) -> None:
        self.host.open_patient(row)

    def action_new_patient(self) -> None:
        from screens.patient_form import PatientFormScreen

        def registered(record: PatientRecord | None) -> None:
            if record is None:
                return
            self._search(self.search_text, self.list_filter)
            self._open(
                PatientRow(
                    id=record.id,
                    nhs_number=record.nhs_number,
                    family_name=record.family_name,
                    given_name=record.given_name,
                    date_of_birth=record.date_of_birth,
                    status=record.status,
                    next_review_due=record.next_review_due,
                )
            )

        self.app.push_screen(PatientFormScreen(), registered)

    def action_care_plan(self) -> None:
        from console import format as fmt
        from screens.care_plan import CarePlanScreen

        row = self.table.current
        if row is not None:
            name = fmt.name_text(row.family_name, row.given_name)
            self.app.push_screen(CarePlanScreen(row.id, name))

    def action_review(self) -> None:
        from screens.review import ReviewScreen

        row = self.table.current
        if row is not None:
            self.app.push_screen(ReviewScreen(patient_id=row.id))
