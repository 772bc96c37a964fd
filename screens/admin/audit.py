"""The audit viewer (admin): events newest first, a page at a time (keyset on the event
id, through AuditViewService), a filter dialog, an event's detail on enter, and `v` to
verify the whole chain in a worker with progress.

Opening the screen is audited once (the service's `open`); paging and filtering are not.
The viewer's own openings are hidden unless the filter asks for them.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static
from textual.worker import Worker, WorkerState

from console.services.audit import VerifyResult
from console.services.audit_view import AuditDetail, AuditFilter, AuditPage
from console.services.errors import Invalid, ServiceError
from screens.admin.audit_dialogs import AuditEventModal, AuditFilterForm, Found, filter_text
from screens.host import ConsoleScreen
from screens.widgets.form import cut


class AuditScreen(ConsoleScreen[None]):
    CSS_PATH = "audit.tcss"
    AUTO_FOCUS = "#events"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f", "filter", "Filter", id="audit.filter"),
        Binding("n", "older", "Older", id="audit.older"),
        Binding("p", "newer", "Newer", id="audit.newer"),
        Binding("v", "verify", "Verify", id="audit.verify"),
        Binding("escape", "app.back", "Back", id="audit.back"),
    ]

    class Paged(Message):
        def __init__(self, page: AuditPage) -> None:
            super().__init__()
            self.page = page

    class Opened(Message):
        def __init__(self, detail: AuditDetail) -> None:
            super().__init__()
            self.detail = detail

    class Checked(Message):
        def __init__(self, result: VerifyResult) -> None:
            super().__init__()
            self.result = result

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done, self.total = done, total

    def __init__(self) -> None:
        super().__init__()
        self.chosen = AuditFilter()
        self.page: AuditPage | None = None
        # `before` of each page shown so far; the last is this page's (None: the newest).
        self.cursors: list[int | None] = [None]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Audit log: newest first", id="title")
        yield Static(filter_text(self.chosen), id="filter", markup=False)
        table: DataTable[str] = DataTable(id="events", cursor_type="row", zebra_stripes=True)
        table.add_column("Event", width=8)
        table.add_column("When", width=17)
        table.add_column("Login", width=12)
        table.add_column("Action", width=26)
        table.add_column("Pts", width=4)
        yield table
        yield ProgressBar(id="progress", show_eta=False)
        yield Static("Loading…", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self._open()

    # -- workers ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="audit-page", exit_on_error=False)
    def _open(self) -> None:
        self.services.audit_view.open()
        self.post_message(self.Paged(self.services.audit_view.page(self.chosen)))

    @work(thread=True, exclusive=True, group="audit-page", exit_on_error=False)
    def _page(self, before: int | None) -> None:
        self.post_message(self.Paged(self.services.audit_view.page(self.chosen, before=before)))

    @work(thread=True, exclusive=True, group="audit-event", exit_on_error=False)
    def _event(self, event_id: int) -> None:
        self.post_message(self.Opened(self.services.audit_view.event(event_id)))

    @work(thread=True, exclusive=True, group="audit-verify", exit_on_error=False)
    def _verify(self) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        self.post_message(self.Checked(self.services.audit_log.verify(progress)))

    # -- messages -----------------------------------------------------------------------
    def on_audit_screen_paged(self, message: Paged) -> None:
        self.page = page = message.page
        table = self.query_one("#events", DataTable)
        table.clear()
        for line in page.lines:
            table.add_row(
                str(line.id),
                line.at,
                cut(line.login, 12),
                cut(line.action, 26),
                str(line.patients) if line.patients else "",
                key=str(line.id),
            )
        self._say(self._page_text())

    def _page_text(self) -> str:
        page = self.page
        if page is None or not page.lines:
            return "No events match this filter · f changes it"
        number = len(self.cursors)
        first, last = page.lines[0].id, page.lines[-1].id
        more = " · n older" if page.older is not None else " · the oldest page"
        newer = " · p newer" if number > 1 else ""
        return f"Page {number}: events {first} to {last}{more}{newer} · enter opens one"

    def on_audit_screen_opened(self, message: Opened) -> None:
        self.app.push_screen(AuditEventModal(message.detail))

    def on_audit_screen_progress(self, message: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_audit_screen_checked(self, message: Checked) -> None:
        self.query_one("#progress", ProgressBar).display = False
        r = message.result
        if r.ok:
            notice = f" · {r.notice}" if r.notice else ""
            self._say(f"Audit log intact: {r.events:,} events checked{notice}")
        else:
            self._say(f"AUDIT LOG DAMAGED after {r.events:,} events: {r.problem}", error=True)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one("#progress", ProgressBar).display = False
        error = event.worker.error
        if isinstance(error, Invalid):
            self._say(" ".join(error.errors.values()), error=True)
        elif isinstance(error, ServiceError):
            self._say(str(error), error=True)
        else:
            self.host.report_error(error)

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(cut(text, 156))
        status.set_class(error, "-error")

    # -- keys ---------------------------------------------------------------------------
    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = event.row_key.value
        if key is not None:
            self._event(int(key))

    def action_older(self) -> None:
        if self.page is not None and self.page.older is not None:
            self.cursors.append(self.page.older)
            self._page(self.page.older)

    def action_newer(self) -> None:
        if len(self.cursors) > 1:
            self.cursors.pop()
            self._page(self.cursors[-1])

    def action_filter(self) -> None:
        def chosen(found: Found | None) -> None:
            if found is None:
                return
            self.chosen, page = found
            self.cursors = [None]
            self.query_one("#filter", Static).update(filter_text(self.chosen))
            self.on_audit_screen_paged(self.Paged(page))

        self.app.push_screen(AuditFilterForm(self.chosen), chosen)

    def action_verify(self) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._say("Verifying every event's link and hash…")
        self._verify()
