"""The pharmacy directory (reached by name from go-to and the palette): the community
pharmacies patients collect from, with the postal address the pharmacy letter prints in
the envelope window. Search as you type, add, edit, retire; chosen in the prescription
dialog. The form is a `ServiceForm`, as on the resources directory.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.services.errors import ServiceError
from console.services.pharmacies import LIMITS, PharmacyInput, PharmacyRow
from console.services.roles import Action, allowed, needed
from screens import validators as v
from screens.host import ConsoleScreen
from screens.widgets.form import Saved, ServiceForm, cut

LABELS = {
    "name": ("Name", "e.g. Westgate Chemist"),
    "address_line_1": ("Address", "first line, e.g. 26 Westgate"),
    "address_line_2": ("", "second line (optional)"),
    "town": ("Town", "e.g. Wakefield"),
    "postcode": ("Postcode", "e.g. WF1 1JY"),
    "phone": ("Telephone", "optional"),
}


class PharmacyForm(ServiceForm[PharmacyRow]):
    """Add a pharmacy (`row` None) or edit one."""

    FIELDS = tuple(LIMITS)
    AUTO_FOCUS = "#name"
    CSS_PATH = "pharmacies.tcss"

    def __init__(self, row: PharmacyRow | None = None) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        start = self.row.to_input() if self.row else PharmacyInput("")
        with Vertical(classes="modal"):
            yield Static("Edit a pharmacy" if self.row else "Add a pharmacy", classes="modal-title")
            for key, limit in LIMITS.items():
                label, hint = LABELS[key]
                yield from self.field(
                    label,
                    Input(
                        getattr(start, key),
                        placeholder=f"{hint} (up to {limit})",
                        id=key,
                        compact=True,
                        max_length=limit,
                        validators=[v.text(limit)],
                    ),
                )
            yield from self.form_footer()

    def call(self, errors: dict[str, str]) -> Callable[[], PharmacyRow] | None:
        values = {key: self.query_one(f"#{key}", Input).value for key in LIMITS}
        data = PharmacyInput(**values)
        pharmacies = self.services.pharmacies
        row = self.row
        if row is None:
            return lambda: pharmacies.add(data)
        return lambda: pharmacies.edit(row.id, row.version, data)


class PharmaciesScreen(ConsoleScreen[bool | None]):
    """The practice's pharmacies. Dismisses True if anything changed, else None."""

    CSS_PATH = "pharmacies.tcss"
    AUTO_FOCUS = "#pharmacies"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="pharmacies.search"),
        Binding("a", "add", "Add", id="pharmacies.add"),
        Binding("e", "edit", "Edit", id="pharmacies.edit"),
        Binding("x", "retire", "Retire/restore", id="pharmacies.retire"),
        Binding("a,e,x", "denied", show=False),
        Binding("down", "focus_table", show=False),
        Binding("escape", "back", "Back", id="pharmacies.back"),
    ]

    class Found(Message):
        def __init__(self, rows: list[PharmacyRow], keep: int | None) -> None:
            super().__init__()
            self.rows = rows
            self.keep = keep

    class Failed(Message):
        def __init__(self, error: ServiceError) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[PharmacyRow] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Pharmacy directory", id="title", markup=False)
        with Horizontal(id="search-row"):
            yield Static("Search ▸", id="search-label")
            yield Input(placeholder="name, street or town (press /)", id="search")
        table: DataTable[str | Text] = DataTable(id="pharmacies", cursor_type="row")
        table.add_column("Name", width=28, key="name")
        table.add_column("Address", width=34, key="address")
        table.add_column("Telephone", width=12, key="phone")
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._search("", None)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search(event.value, None)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.action_focus_table()

    @work(thread=True, exclusive=True, group="pharmacies-search", exit_on_error=False)
    def _search(self, text: str, keep: int | None) -> None:
        try:
            rows = self.services.pharmacies.search(text, include_inactive=True, limit=500)
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Found(rows, keep))

    def on_pharmacies_screen_found(self, message: Found) -> None:
        self.rows = message.rows
        table: DataTable[str | Text] = self.query_one("#pharmacies", DataTable)
        table.clear()
        for row in message.rows:
            style = "" if row.active else "dim"
            name = row.name if row.active else f"(retired) {row.name}"
            table.add_row(
                Text(cut(name, 28), style=style),
                Text(cut(row.address, 34), style=style),
                Text(cut(row.phone, 12), style=style),
                key=str(row.id),
            )
        if message.keep is not None and str(message.keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(message.keep)))
        retired = sum(1 for r in message.rows if not r.active)
        title = f"Pharmacy directory · {len(message.rows)} shown"
        self.query_one("#title", Static).update(title + (f", {retired} retired" if retired else ""))
        if not message.rows:
            empty = "The directory is empty: a to add a pharmacy."
            self._say("No pharmacies match." if self._text() else empty)
        self._show_detail()
        self.refresh_bindings()

    def on_pharmacies_screen_failed(self, message: Failed) -> None:
        self._say(str(message.error), error=True)

    def _text(self) -> str:
        return self.query_one("#search", Input).value

    @property
    def current(self) -> PharmacyRow | None:
        table: DataTable[str | Text] = self.query_one("#pharmacies", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.current
        text = ""
        if row is not None:
            state = "" if row.active else " · retired: not offered for new prescriptions"
            text = f"{row.name}{state}\n{row.address}\n{row.phone}"
        self.query_one("#detail", Static).update(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(f"! {text}" if error and text else text)
        message.set_class(error, "-error")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = allowed(self.services.staff.roles, Action.EDIT_PHARMACIES)
        if action in {"add", "edit", "retire"}:
            if not editing:
                return None
            return True if action == "add" or self.current is not None else None
        if action == "denied":
            return not editing
        return True

    def action_denied(self) -> None:
        action = Action.EDIT_PHARMACIES
        self.notify(f"Not allowed: to {action.value} needs the role {needed(action)}.")

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#pharmacies", DataTable).focus()

    def action_add(self) -> None:
        self.app.push_screen(PharmacyForm(), self._saved)

    def action_edit(self) -> None:
        row = self.current
        if row is not None:
            self.app.push_screen(PharmacyForm(row), self._saved)

    def _saved(self, row: PharmacyRow | None) -> None:
        if row is None:
            return
        self.changed = True
        self._say(f"Saved: {row.name}.")
        self._search(self._text(), row.id)

    def action_retire(self) -> None:
        row = self.current
        if row is not None:
            self._retire(row)

    @work(thread=True, exclusive=True, group="pharmacies-retire", exit_on_error=False)
    def _retire(self, row: PharmacyRow) -> None:
        try:
            done = self.services.pharmacies.set_active(row.id, row.version, not row.active)
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(Saved(done))

    def on_saved(self, message: Saved) -> None:
        row = message.result
        assert isinstance(row, PharmacyRow)
        self.changed = True
        self._say(f"{'Restored' if row.active else 'Retired'}: {row.name}.")
        self._search(self._text(), row.id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.host.report_error(event.worker.error)

    def action_back(self) -> None:
        if self.query_one("#search", Input).has_focus:
            self.action_focus_table()
            return
        if self.area_top:
            self.nav.home()
        else:
            self.dismiss(True if self.changed else None)
