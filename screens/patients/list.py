"""The home screen: search as you type over a page of patients (SPEC §3.1)."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console import format as fmt
from console.rules import search as search_rules
from console.rules.search import DUE_SOON_DAYS, ListFilter
from console.services.dto import Keyworker, PageKey, PatientPage, PatientRecord, PatientRow
from console.services.patients import PAGE
from console.services.roles import Action, allowed
from screens.host import ConsoleScreen
from screens.patients.list_filter import FilterModal
from screens.widgets.patient_table import PatientTable
from screens.widgets.ready_footer import ReadyFooter
from screens.widgets.search_box import SearchBox

# Another console's writes show within two seconds: one `list_version()` a second.
POLL_SECONDS = 1.0


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

    class Refreshed(Message):
        """The page and counts read again because something was committed (`version`)."""

        def __init__(
            self,
            version: int,
            page: PatientPage,
            chosen: ListFilter,
            counts: tuple[int, int, int],
        ) -> None:
            super().__init__()
            self.version = version
            self.page = page
            self.list_filter = chosen
            self.counts = counts

    class Keyworkers(Message):
        def __init__(self, keyworkers: tuple[Keyworker, ...]) -> None:
            super().__init__()
            self.keyworkers = keyworkers

    def __init__(self) -> None:
        super().__init__()
        self.list_filter = ListFilter()
        self._counts: tuple[int, int, int] | None = None
        # The commit count the shown rows were read at (None: not yet known).
        self._seen: int | None = None
        self._reading: int | None = None  # a version whose page is on its way
        self._poll_timer: Timer | None = None
        self._left = False  # suspended at least once: a resume means "shown again"

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
        # Eleven keys must fit in 80 columns. Textual's Footer would recompose them each
        # time a summary is pushed over the list (issue 19); this one only when they change.
        yield ReadyFooter(compact=True)

    def on_mount(self) -> None:
        # Watched, not told by Input.Changed: that message climbs the box's containers,
        # a queue each (key → the page asked for: 2.5 → 2.2 ms at 260,000 patients).
        self.watch(self.query_one(SearchBox), "value", self._search_changed, init=False)
        self._poll_timer = self.set_interval(POLL_SECONDS, self._poll)
        first = self.host.first_page()
        if first is None:
            self.reload()
            return
        # Read by the App before the UI started: in the first frame, the counts behind it.
        self.table.show_page(first, empty_text=self._empty_text())
        self._show_status()
        self._load_counts()

    def on_unmount(self) -> None:
        self.services.patients.close_watch()

    def on_screen_suspend(self) -> None:
        self.query_one(SearchBox).release()
        self._left = True
        if self._poll_timer is not None:
            self._poll_timer.pause()  # nobody sees the list: nothing to ask

    def on_screen_resume(self) -> None:
        if not self._left:
            return  # the first showing: the timer is already running
        if self._poll_timer is not None:
            self._poll_timer.resume()
        self._poll()  # this console's own writes show the moment the list is back

    # -- another console's writes, or this one's --------------------------------------
    def _poll(self) -> None:
        """One cheap question a tick (has anything been committed?), in a worker; the page
        query runs again only when the answer changed."""
        if any(w.group == "poll" and not w.is_finished for w in self.workers):
            return  # the last question is still out
        seen = self._reading if self._reading is not None else self._seen
        limit = max(PAGE, len(self.table.rows))
        self._check(self.search_text, self.list_filter, limit, seen)

    @work(thread=True, exclusive=True, group="poll", exit_on_error=False)
    def _check(self, text: str, chosen: ListFilter, limit: int, seen: int | None) -> None:
        version = self.services.patients.list_version()
        if version == seen:
            return
        self._reading = version  # until the page lands, later ticks need not ask again
        page = self._page(text, chosen, None, limit=limit)
        counts = self.services.patients.counts()
        self.post_message(self.Refreshed(version, page, chosen, counts))

    def on_patient_list_screen_refreshed(self, message: Refreshed) -> None:
        self._reading = None
        if message.page.query != self.search_text or message.list_filter != self.list_filter:
            return  # the search moved on: the next tick reads what is shown now
        self._seen = message.version
        table = self.table
        table.today = self.services.clock.today()
        kept = table.replace_rows(message.page)
        self._counts = message.counts
        self._show_status("" if kept else "The patient at the cursor is no longer in this list.")

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

    def _search_changed(self, value: str) -> None:
        self._search(value, self.list_filter)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.table.focus()

    def _page(
        self, text: str, chosen: ListFilter, after: PageKey | None, *, limit: int = PAGE
    ) -> PatientPage:
        return self.services.patients.search(
            text,
            statuses=(chosen.status,) if chosen.status else (),
            keyworker_id=chosen.keyworker_id,
            due_within_days=DUE_SOON_DAYS if chosen.due == "soon" else None,
            overdue=chosen.due == "overdue",
            flagged=chosen.flagged,
            by_review=chosen.by_review,
            after=after,
            limit=limit,
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

    def _show_status(self, note: str = "") -> None:
        table = self.table
        shown = f"{len(table.rows):,}{'+' if table.more else ''} shown"
        searched = search_rules.searched_as(search_rules.parse(self.search_text))
        if searched:  # eight digits that are also a date: say it is searched both ways
            shown = f"{shown}: {searched}"
        parts = [note, shown] if note else [shown]
        if self._counts is not None:
            total, overdue, soon = self._counts
            counts = [f"{total:,} patients", f"{overdue:,} overdue", f"{soon:,} due soon"]
            if not searched or len(" · ".join([*parts, *counts])) <= self.size.width - 2:
                parts += counts  # the practice's totals give way to what is searched
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
