"""Letter templates (admin): the list with each template's current version and who saved
it when; enter edits, h shows the history of versions with a comparison of each with
the one before it, r puts the shipped wording back (after asking)."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from console.services.errors import Invalid, ServiceError
from console.services.letters_dto import TemplateInfo
from console.services.templates import TemplateRow, TemplateVersion
from screens.admin.template_dialogs import RestoreModal
from screens.admin.template_edit import TemplateEditScreen
from screens.host import ConsoleScreen
from screens.widgets.form import cut

HINT = "enter edits · h history and comparison · r restores the shipped wording"
__all__ = ["TemplateEditScreen", "TemplateHistoryScreen", "TemplatesScreen"]


class TemplatesScreen(ConsoleScreen[None]):
    CSS_PATH = "templates.tcss"
    AUTO_FOCUS = "#templates"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit", "Edit", id="templates.edit", show=True),
        Binding("h", "history", "History", id="templates.history"),
        Binding("r", "restore", "Restore shipped", id="templates.restore"),
        Binding("escape", "app.back", "Back", id="templates.back"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[TemplateRow]) -> None:
            super().__init__()
            self.rows = rows

    class Restored(Message):
        def __init__(self, info: TemplateInfo) -> None:
            super().__init__()
            self.info = info

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[TemplateRow] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Letter templates", id="title")
        table: DataTable[str] = DataTable(id="templates", cursor_type="row", zebra_stripes=True)
        table.add_column("Template", width=26)
        table.add_column("Wording", width=10)
        table.add_column("Saved by", width=16)
        table.add_column("When", width=17)
        yield table
        yield Static(HINT, id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    def on_screen_resume(self) -> None:
        self._load()  # back from the editor or the history: versions may have moved

    @work(thread=True, exclusive=True, group="templates", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.services.templates.list()))

    @work(thread=True, exclusive=True, group="templates-restore", exit_on_error=False)
    def _restore(self, key: str) -> None:
        self.post_message(self.Restored(self.services.templates.restore_shipped(key)))

    def on_templates_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for row in message.rows:
            wording = f"version {row.version}" if row.version else "as shipped"
            table.add_row(
                cut(row.info.title, 26), wording, cut(row.by, 16), row.at, key=row.info.key
            )
        if message.rows:
            table.move_cursor(row=min(max(keep, 0), len(message.rows) - 1))

    def on_templates_screen_restored(self, message: Restored) -> None:
        self._say(f"{message.info.title}: the shipped wording is back (kept in its history).")
        self._load()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if isinstance(error, Invalid):
            self._say(" ".join(error.errors.values()), error=True)
        elif isinstance(error, ServiceError):
            self._say(str(error), error=True)
        else:
            self.host.report_error(error)

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def _current(self) -> TemplateRow | None:
        table = self.query_one(DataTable)
        if not self.rows or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_edit(self) -> None:
        row = self._current()
        if row is not None:
            self._say(HINT)
            self.nav.open_template_editor(row.info.key)

    def action_history(self) -> None:
        row = self._current()
        if row is not None:
            self.app.push_screen(TemplateHistoryScreen(row.info.key, row.info.title))

    def action_restore(self) -> None:
        row = self._current()
        if row is None:
            return
        if not row.info.edited:
            self._say(f"{row.info.title} already has the shipped wording.")
            return
        key = row.info.key

        def answered(restore: bool | None) -> None:
            if restore:
                self._restore(key)

        self.app.push_screen(RestoreModal(row.info.title), answered)


class TemplateHistoryScreen(ConsoleScreen[None]):
    """Every version newest first; the highlighted one compared with the one before it."""

    CSS_PATH = "templates.tcss"
    AUTO_FOCUS = "#versions"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("tab", "app.focus_next", "Changes/versions", id="template-history.next"),
        Binding("escape", "app.back", "Back", id="template-history.back"),
    ]

    class Loaded(Message):
        def __init__(self, versions: list[TemplateVersion]) -> None:
            super().__init__()
            self.versions = versions

    class Compared(Message):
        def __init__(self, heading: str, lines: list[str]) -> None:
            super().__init__()
            self.heading, self.lines = heading, lines

    def __init__(self, key: str, title: str) -> None:
        super().__init__()
        self.key, self.title_text = key, title
        self.versions: list[TemplateVersion] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"History: {self.title_text}", id="title", markup=False)
        table: DataTable[str] = DataTable(id="versions", cursor_type="row", zebra_stripes=True)
        table.add_column("Version", width=8)
        table.add_column("When", width=17)
        table.add_column("By", width=18)
        table.add_column("What", width=24)
        yield table
        yield Static("", id="changes-title", markup=False)
        with VerticalScroll(id="changes"):
            yield Static("", id="changes-body", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="history", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.services.templates.history(self.key)))

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _compare(self, older: int, newer: int, heading: str) -> None:
        self.post_message(
            self.Compared(heading, self.services.templates.compare(self.key, older, newer))
        )

    def on_template_history_screen_loaded(self, message: Loaded) -> None:
        self.versions = message.versions
        table = self.query_one(DataTable)
        table.clear()
        for v in message.versions:
            if v.version == 0:
                what = "the wording as shipped"
            elif v.shipped:
                what = "shipped wording put back"
            else:
                what = "saved"
            by = cut(v.by, 18) if v.version else "—"
            table.add_row(str(v.version), v.at or "—", by, what, key=str(v.version))

    @on(DataTable.RowHighlighted, "#versions")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = event.cursor_row
        if not 0 <= index < len(self.versions):
            return
        newer = self.versions[index]
        if index + 1 >= len(self.versions):
            self.query_one("#changes-title", Static).update(
                "The wording as shipped (the first version)"
            )
            self.query_one("#changes-body", Static).update(newer.body)
            return
        older = self.versions[index + 1]
        heading = (
            f"Changes from version {older.version} to {newer.version}: "
            "- taken out, + put in · tab to scroll"
        )
        self._compare(older.version, newer.version, heading)

    def on_template_history_screen_compared(self, message: Compared) -> None:
        self.query_one("#changes-title", Static).update(message.heading)
        changed = [line for line in message.lines if not line.startswith("  ")]
        text = "\n".join(message.lines) if changed else "No change to the text."
        self.query_one("#changes-body", Static).update(text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.host.report_error(event.worker.error)
