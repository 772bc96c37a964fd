"""The recovery resources directory (SPEC §2, §3.5): search as you type, add, edit, retire.

The add/edit form is a `ServiceForm` (screens/widgets/form.py), as on the linkage,
family and health screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Select, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.rules.validate import FieldError
from console.rules.vocab import ResourceKind
from console.services import Services
from console.services.errors import ServiceError
from console.services.linkage_dto import KIND_LABEL, KIND_SHORT, ResourceInput, ResourceRow
from console.services.resources import LIMITS
from console.services.roles import Action, allowed, needed
from screens import validators as v
from screens.host import ConsoleScreen
from screens.widgets.form import Saved, ServiceForm, cut

T = TypeVar("T")


def may(screen: Screen[object], services: Services, action: Action) -> bool:
    """True if the user's roles allow it; otherwise say which role it needs."""
    if allowed(services.staff.roles, action):
        return True
    screen.notify(f"Not allowed: to {action.value} needs the role {needed(action)}.")
    return False


class ResourceForm(ServiceForm[ResourceRow]):
    """Add a resource (`row` None) or edit one."""

    FIELDS = ("kind", "name", "where", "when", "contact", "notes")
    AUTO_FOCUS = "#kind"
    CSS_PATH = "resources.tcss"

    def __init__(self, row: ResourceRow | None = None) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        start = self.row.to_input() if self.row else ResourceInput("", "")
        with Vertical(classes="modal"):
            yield Static(
                "Edit a resource" if self.row else "Add a resource",
                classes="modal-title",
            )
            yield from self.field(
                "Kind",
                Select(
                    [(KIND_LABEL[k], k.value) for k in ResourceKind],
                    value=start.kind or Select.NULL,
                    prompt="choose a kind",
                    id="kind",
                ),
            )
            hints = {
                "name": "e.g. SMART Recovery Bramley",
                "where": "place and address",
                "when": "e.g. Tuesdays 18:00-19:30",
                "contact": "phone or email",
                "notes": "optional",
            }
            labels = {"where": "Where", "when": "When", "contact": "Contact", "notes": "Notes"}
            for key, limit in LIMITS.items():
                yield from self.field(
                    labels.get(key, "Name"),
                    Input(
                        getattr(start, key),
                        placeholder=f"{hints[key]} (up to {limit})",
                        id=key,
                        compact=True,
                        max_length=limit,
                        validators=[v.text(limit)] if key != "name" else [v.Rule(_required)],
                    ),
                )
            yield from self.form_footer()

    def call(self, errors: dict[str, str]) -> Callable[[], ResourceRow] | None:
        kind = self.query_one("#kind", Select).value
        if kind is Select.NULL:
            errors["kind"] = "choose a kind from the list"
        values = {key: self.query_one(f"#{key}", Input).value for key in LIMITS}
        if not values["name"].strip():
            errors["name"] = "a name is required"
        if errors:
            return None
        data = ResourceInput(kind=str(kind), **values)
        resources = self.services.resources
        row = self.row
        if row is None:
            return lambda: resources.add(data)
        return lambda: resources.edit(row.id, row.version, data)


def _required(text: str) -> str:
    if not text.strip():
        raise FieldError("a name is required")
    return text


class ResourcesScreen(ConsoleScreen[bool | None]):
    """The practice's directory. Dismisses True if anything changed, else None."""

    CSS_PATH = "resources.tcss"
    AUTO_FOCUS = "#resources"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="resources.search"),
        Binding("a", "add", "Add", id="resources.add"),
        Binding("e", "edit", "Edit", id="resources.edit"),
        Binding("x", "retire", "Retire/restore", id="resources.retire"),
        # Dimmed keys still answer, saying which role they need.
        Binding("a,e,x", "denied", show=False),
        Binding("down", "focus_table", show=False),
        Binding("escape", "back", "Back", id="resources.back"),
    ]

    class Found(Message):
        def __init__(self, rows: list[ResourceRow], keep: int | None) -> None:
            super().__init__()
            self.rows = rows
            self.keep = keep

    class Failed(Message):
        def __init__(self, error: ServiceError) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ResourceRow] = []
        self.changed = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Recovery resources", id="title", markup=False)
        with Horizontal(id="search-row"):
            yield Static("Search ▸", id="search-label")
            yield Input(placeholder="name, any word of it, or where (press /)", id="search")
        table: DataTable[str | Text] = DataTable(id="resources", cursor_type="row")
        table.add_column("Kind", width=9, key="kind")
        table.add_column("Name", width=26, key="name")
        table.add_column("When · where", width=24, key="where")
        table.add_column("Contact", width=11, key="contact")
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._search("", None)

    # -- searching ------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search(event.value, None)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.action_focus_table()

    @work(thread=True, exclusive=True, group="resources-search", exit_on_error=False)
    def _search(self, text: str, keep: int | None) -> None:
        try:
            rows = self.services.resources.search(text, include_inactive=True)
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        if not get_current_worker().is_cancelled:  # a newer keystroke owns the list
            self.post_message(self.Found(rows, keep))

    def on_resources_screen_found(self, message: Found) -> None:
        self.rows = message.rows
        table: DataTable[str | Text] = self.query_one("#resources", DataTable)
        table.clear()
        for row in message.rows:
            style = "" if row.active else "dim"
            name = row.name if row.active else f"(retired) {row.name}"
            table.add_row(
                Text(KIND_SHORT.get(row.kind, row.kind), style=style),
                Text(cut(name, 26), style=style),
                Text(cut(" · ".join(p for p in (row.when, row.where) if p), 24), style=style),
                Text(cut(row.contact, 11), style=style),
                key=str(row.id),
            )
        if message.keep is not None and str(message.keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(message.keep)))
        shown = len(message.rows)
        retired = sum(1 for r in message.rows if not r.active)
        title = f"Recovery resources · {shown} shown" + (f", {retired} retired" if retired else "")
        self.query_one("#title", Static).update(title)
        if not message.rows:
            self._say("No resources match." if self._text() else "The directory is empty.")
        self._show_detail()
        self.refresh_bindings()

    def on_resources_screen_failed(self, message: Failed) -> None:
        self._say(str(message.error), error=True)

    def _text(self) -> str:
        return self.query_one("#search", Input).value

    @property
    def current(self) -> ResourceRow | None:
        table: DataTable[str | Text] = self.query_one("#resources", DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.current
        text = ""
        if row is not None:
            label = row.kind_label
            kind = "" if label.lower() in row.name.lower() else f" ({label})"
            parts = [row.name + kind + ("" if row.active else " · retired")]
            parts.append(" · ".join(p for p in (row.when, row.where) if p) or "no place or time")
            parts.append(" · ".join(p for p in (row.contact, row.notes) if p))
            text = "\n".join(parts)
        self.query_one("#detail", Static).update(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(f"! {text}" if error and text else text)
        message.set_class(error, "-error")

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = allowed(self.services.staff.roles, Action.EDIT_RESOURCES)
        if action in {"add", "edit", "retire"}:
            if not editing:
                return None  # dimmed; the hidden "denied" binding explains
            return True if action == "add" or self.current is not None else None
        if action == "denied":
            return not editing
        return True

    def action_denied(self) -> None:
        may(self, self.services, Action.EDIT_RESOURCES)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self.query_one("#resources", DataTable).focus()

    def action_add(self) -> None:
        self.app.push_screen(ResourceForm(), self._saved)

    def action_edit(self) -> None:
        row = self.current
        if row is not None:
            self.app.push_screen(ResourceForm(row), self._saved)

    def _saved(self, row: ResourceRow | None) -> None:
        if row is None:
            return
        self.changed = True
        self._say(f"Saved: {row.name}.")
        self._search(self._text(), row.id)

    def action_retire(self) -> None:
        row = self.current
        if row is not None:
            self._retire(row)

    @work(thread=True, exclusive=True, group="resources-retire", exit_on_error=False)
    def _retire(self, row: ResourceRow) -> None:
        try:
            done = self.services.resources.set_active(row.id, row.version, not row.active)
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(Saved(done))

    def on_saved(self, message: Saved) -> None:
        row = message.result
        assert isinstance(row, ResourceRow)
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
