"""The home screen: search as you type over a page of patients (SPEC §3.1)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Footer, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console import format as fmt
from console.rules.search import DUE_CHOICES, DUE_SOON_DAYS, ListFilter
from console.rules.vocab import PatientStatus
from console.services.dto import Keyworker, PageKey, PatientPage, PatientRecord, PatientRow
from console.services.roles import Action, allowed
from screens.host import ConsoleScreen
from screens.widgets.patient_table import PatientTable
from screens.widgets.search_box import SearchBox

ANY = "any"
MINE = "mine"


class FilterModal(ModalScreen[ListFilter | None]):
    """`f`: status, keyworker, review due and (clinical staff only) flagged, together."""

    CSS_PATH = "list.tcss"
    AUTO_FOCUS = "#f-status"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="patient-list.filters.apply", priority=True),
        Binding("ctrl+r", "clear", "Clear", id="patient-list.filters.clear", priority=True),
        Binding("escape", "cancel", "Cancel", id="patient-list.filters.cancel"),
    ]

    def __init__(
        self, current: ListFilter, keyworkers: tuple[Keyworker, ...], me: int, clinical: bool
    ) -> None:
        super().__init__()
        self.current = current
        self.keyworkers = keyworkers
        self.me = me
        self.clinical = clinical

    def compose(self) -> ComposeResult:
        c = self.current
        statuses = [(fmt.status_text(s.value), s.value) for s in PatientStatus]
        people = [(k.name, str(k.id)) for k in self.keyworkers if k.id != self.me]
        if c.keyworker_id is None:
            keyworker = ANY
        else:
            keyworker = MINE if c.keyworker_id == self.me else str(c.keyworker_id)
        with Vertical(classes="modal"):
            yield Static("Filter the patient list", classes="modal-title")
            yield from self._field(
                "Status",
                Select(
                    [("All statuses", ANY), *statuses],
                    value=c.status or ANY,
                    allow_blank=False,
                    id="f-status",
                ),
            )
            yield from self._field(
                "Keyworker",
                Select(
                    [("Any keyworker", ANY), ("Mine", MINE), *people],
                    value=keyworker,
                    allow_blank=False,
                    id="f-keyworker",
                ),
            )
            choices = [
                (text[0].upper() + text[1:], key or ANY) for key, text in DUE_CHOICES.items()
            ]
            yield from self._field(
                "Review", Select(choices, value=c.due or ANY, allow_blank=False, id="f-due")
            )
            if self.clinical:  # reception's list carries no clinical flags (SPEC §1)
                yield from self._field(
                    "Flags",
                    Select(
                        [("Any patient", ANY), ("Flagged only (any letter)", "flagged")],
                        value="flagged" if c.flagged else ANY,
                        allow_blank=False,
                        id="f-flagged",
                    ),
                )
            yield Static("ctrl+s Apply   ctrl+r Clear all   esc Cancel", classes="keys")

    @staticmethod
    def _field(label: str, widget: Select[str]) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(label, classes="label")
            yield widget

    def _value(self, key: str) -> str:
        try:
            value = self.query_one(f"#f-{key}", Select).value
        except Exception:  # the flag field is not there for reception
            return ANY
        return ANY if value is Select.NULL else str(value)

    def action_apply(self) -> None:
        status, keyworker, due = self._value("status"), self._value("keyworker"), self._value("due")
        names = {str(k.id): k.name for k in self.keyworkers}
        if keyworker == ANY:
            chosen: tuple[int | None, str] = (None, "")
        elif keyworker == MINE:
            chosen = (self.me, "mine")
        else:
            chosen = (int(keyworker), names.get(keyworker, ""))
        self.dismiss(
            replace(
                self.current,
                status="" if status == ANY else status,
                status_label="" if status == ANY else fmt.status_text(status),
                keyworker_id=chosen[0],
                keyworker_name=chosen[1],
                due="" if due == ANY else due,
                flagged=self.clinical and self._value("flagged") == "flagged",
            )
        )

    def action_clear(self) -> None:
        self.dismiss(ListFilter(by_review=self.current.by_review))

    def action_cancel(self) -> None:
        self.dismiss(None)


class PatientListScreen(ConsoleScreen[None]):
    CSS_PATH = "list.tcss"
    AUTO_FOCUS = "PatientTable"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "app.help", "Help", key_display="?", id="patient-list.help"),
        # The search line says "(press /)": the full footer has no room for it too.
        Binding("slash", "focus_search", "Search", id="patient-list.search", show=False),
        Binding("enter", "open", "Open", id="patient-list.open"),
        Binding("n", "new_patient", "New", id="patient-list.new-patient"),
        Binding("f", "filters", "Filter", id="patient-list.filter"),
        Binding(
            "s", "sort", "Sort", id="patient-list.sort", show=False
        ),  # named on the "Showing" line
        Binding("l", "letter", "Letter", id="patient-list.letter"),
        Binding("w", "worklist", "Worklist", id="patient-list.worklist", show=False),
        Binding("r", "review", "Review", id="patient-list.review"),
        Binding("c", "care_plan", "Plan", id="patient-list.care-plan"),
        # The footer is full at 80 columns: areas are one "go to" key away (w still opens
        # the worklist directly).
        Binding("g", "app.go_to", "Go to", id="patient-list.go-to"),
        # From the search box back to the list (A7: the box keeps printable keys).
        Binding("escape,down", "focus_table", "Back to list", id="patient-list.to-list"),
    ]

    class Results(Message):
        def __init__(
            self, page: PatientPage, chosen: ListFilter, after: PageKey | None = None
        ) -> None:
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

    class Keyworkers(Message):
        def __init__(self, keyworkers: tuple[Keyworker, ...]) -> None:
            super().__init__()
            self.keyworkers = keyworkers

    def __init__(self) -> None:
        super().__init__()
        self.list_filter = ListFilter()
        self._counts: tuple[int, int, int] | None = None

    def compose(self) -> ComposeResult:
        services = self.services
        yield Header(icon="≡")
        with Horizontal(id="search-row"):
            yield Static("Search ▸", id="search-label")
            yield SearchBox(
                placeholder="name, NHS number or date of birth dd/mm/yyyy (press /)",
                id="search",
            )
        yield Static(self._filter_text(), id="filters", markup=False)
        yield PatientTable(
            today=services.clock.today(),
            clinical=allowed(services.staff.roles, Action.VIEW_CLINICAL),
            id="patient-table",
        )
        yield Static("", id="status")
        yield Footer(compact=True)  # eleven keys must fit in 80 columns

    def on_mount(self) -> None:
        first = self.host.first_page()
        if first is None:
            self.reload()
            return
        # Read by the App before the UI started: in the first frame, the counts behind it.
        self.table.show_page(first, empty_text=self._empty_text())
        self._show_status()
        self._load_counts()

    def on_screen_suspend(self) -> None:
        self.query_one(SearchBox).release()

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

    def _page(self, text: str, chosen: ListFilter, after: PageKey | None) -> PatientPage:
        return self.services.patients.search(
            text,
            statuses=(chosen.status,) if chosen.status else (),
            keyworker_id=chosen.keyworker_id,
            due_within_days=DUE_SOON_DAYS if chosen.due == "soon" else None,
            overdue=chosen.due == "overdue",
            flagged=chosen.flagged,
            by_review=chosen.by_review,
            after=after,
        )

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
    def _search(self, text: str, chosen: ListFilter) -> None:
        page = self._page(text, chosen, None)
        if not get_current_worker().is_cancelled:  # A2: a newer keystroke owns the list
            self.post_message(self.Results(page, chosen))

    @work(thread=True, exclusive=True, group="more", exit_on_error=False)
    def _more(self, text: str, chosen: ListFilter, after: PageKey) -> None:
        page = self._page(text, chosen, after)
        if not get_current_worker().is_cancelled:
            self.post_message(self.Results(page, chosen, after))

    @work(thread=True, exclusive=True, group="keyworkers", exit_on_error=False)
    def _load_keyworkers(self) -> None:
        self.post_message(self.Keyworkers(self.services.patients.keyworkers()))

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
        self.query_one(SearchBox).release()  # the letter and its page, in one frame

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

    def on_patient_list_screen_keyworkers(self, message: Keyworkers) -> None:
        if not self.is_current:  # the user moved on before the staff list came back
            return
        services = self.services
        modal = FilterModal(
            self.list_filter,
            message.keyworkers,
            me=services.staff.id,
            clinical=allowed(services.staff.roles, Action.VIEW_CLINICAL),
        )
        self.app.push_screen(modal, self._filters_chosen)

    def _filters_chosen(self, chosen: ListFilter | None) -> None:
        if chosen is not None and chosen != self.list_filter:
            self._apply(chosen)

    def _apply(self, chosen: ListFilter) -> None:
        self.list_filter = chosen
        self.query_one("#filters", Static).update(self._filter_text())
        self._search(self.search_text, chosen)

    def _filter_text(self) -> str:
        f = self.list_filter
        return f"Showing: {f.words()} · {f.order_words()}"

    def _empty_text(self) -> str:
        words = self.list_filter.words()
        if self.search_text.strip():
            return f"No patient matches “{self.search_text.strip()}” ({words})."
        if self.list_filter.narrowed:
            return f"No patients in “{words}”. Press f to change the filter."
        return "No patients registered yet."

    def _show_status(self) -> None:
        table = self.table
        shown = f"{len(table.rows):,}{'+' if table.more else ''} shown"
        parts = [shown]
        if self._counts is not None:
            total, overdue, soon = self._counts
            parts += [f"{total:,} patients", f"{overdue:,} overdue", f"{soon:,} due soon"]
        text = " · ".join(parts)
        status = self.query_one("#status", Static)
        if status.content != text:
            status.update(text, layout=False)  # a fixed line: no relayout of the screen

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

    def action_filters(self) -> None:
        self._load_keyworkers()  # then the modal opens with the staff to choose from

    def action_sort(self) -> None:
        self._apply(replace(self.list_filter, by_review=not self.list_filter.by_review))

    def action_letter(self) -> None:
        row = self.table.current
        if row is not None:
            self.nav.open_letters(row)

    def action_worklist(self) -> None:
        self.nav.open_worklist()

    def action_open(self) -> None:
        row = self.table.current
        if row is not None:
            self._open(row)

    def _open(self, row: PatientRow) -> None:
        self.host.open_patient(row)

    def action_new_patient(self) -> None:
        from screens.patients.form import PatientFormScreen

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
        row = self.table.current
        if row is not None:
            self.nav.open_care_plan(row.id, fmt.name_text(row.family_name, row.given_name))

    def action_review(self) -> None:
        row = self.table.current
        if row is not None:
            self.nav.new_review(row.id, row.status, row.episode_start is not None)
