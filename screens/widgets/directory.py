"""A small practice directory screen: search as you type, add, edit, retire or restore.

One screen serves every directory (the recovery resources, the pharmacies); each area's
subclass says its words, columns, form, role and service calls. The rows come from a
service in a worker; a retired row is shown dimmed and marked, and the keys its role
lacks are dimmed but still answer, saying which role they need.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import ClassVar, Generic, Protocol, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState, get_current_worker

from console.services import Services
from console.services.errors import ServiceError
from console.services.roles import Action, allowed, needed
from screens.host import ConsoleScreen
from screens.widgets.form import Saved


class DirectoryRow(Protocol):
    id: int
    name: str
    active: bool
    version: int


R = TypeVar("R", bound=DirectoryRow)


def may(screen: Screen[object], services: Services, action: Action) -> bool:
    """True if the user's roles allow it; otherwise say which role it needs."""
    if allowed(services.staff.roles, action):
        return True
    screen.notify(f"Not allowed: to {action.value} needs the role {needed(action)}.")
    return False


def bindings(prefix: str) -> list[BindingType]:
    """A directory's keys, with ids under the area's prefix ("resources.add")."""
    return [
        Binding("slash", "focus_search", "Search", id=f"{prefix}.search"),
        Binding("a", "add", "Add", id=f"{prefix}.add"),
        Binding("e", "edit", "Edit", id=f"{prefix}.edit"),
        Binding("x", "retire", "Retire/restore", id=f"{prefix}.retire"),
        # Dimmed keys still answer, saying which role they need.
        Binding("a,e,x", "denied", show=False),
        Binding("down", "focus_table", show=False),
        Binding("escape", "back", "Back", id=f"{prefix}.back"),
    ]


class DirectoryScreen(ConsoleScreen[bool | None], Generic[R]):
    """A directory. Dismisses True if anything changed, else None.

    A subclass sets the class attributes and the hooks below."""

    TABLE: ClassVar[str]  # the table's id, and the prefix of its workers' groups
    TITLE_TEXT: ClassVar[str]
    PLACEHOLDER: ClassVar[str]
    COLUMNS: ClassVar[Sequence[tuple[str, int, str]]]  # label, width, key
    NONE_MATCH: ClassVar[str]
    EMPTY: ClassVar[str]
    EDIT: ClassVar[Action]

    class Found(Message):
        def __init__(self, rows: Sequence[DirectoryRow], keep: int | None) -> None:
            super().__init__()
            self.rows = list(rows)
            self.keep = keep

    class Failed(Message):
        def __init__(self, error: ServiceError) -> None:
            super().__init__()
            self.error = error

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[R] = []
        self.changed = False

    # -- what each directory says ---------------------------------------------------
    def search_rows(self, text: str) -> list[R]:
        raise NotImplementedError

    def set_active(self, row: R) -> R:
        raise NotImplementedError

    def cells(self, row: R, name: str) -> tuple[str, ...]:
        """The row's cells, cut to their columns; `name` is marked when retired."""
        raise NotImplementedError

    def detail(self, row: R) -> str:
        raise NotImplementedError

    def form(self, row: R | None) -> Screen[R | None]:
        raise NotImplementedError

    # -- the screen -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(self.TITLE_TEXT, id="title", markup=False)
        with Horizontal(id="search-row"):
            yield Static("Search ▸", id="search-label")
            yield Input(placeholder=self.PLACEHOLDER, id="search")
        table: DataTable[str | Text] = DataTable(id=self.TABLE, cursor_type="row")
        for label, width, key in self.COLUMNS:
            table.add_column(label, width=width, key=key)
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._search("", None)

    def _table(self) -> DataTable[str | Text]:
        return self.query_one(f"#{self.TABLE}", DataTable)

    # -- searching ------------------------------------------------------------------
    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._search(event.value, None)

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        self.action_focus_table()

    def _search(self, text: str, keep: int | None) -> None:
        self.run_worker(
            partial(self._find, text, keep),
            thread=True,
            exclusive=True,
            group=f"{self.TABLE}-search",
            exit_on_error=False,
        )

    def _find(self, text: str, keep: int | None) -> None:
        try:
            rows = self.search_rows(text)
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        if not get_current_worker().is_cancelled:  # a newer keystroke owns the list
            self.post_message(self.Found(rows, keep))

    def on_directory_screen_found(self, message: Found) -> None:
        self.rows = message.rows  # type: ignore[assignment]
        table = self._table()
        table.clear()
        for row in self.rows:
            style = "" if row.active else "dim"
            name = row.name if row.active else f"(retired) {row.name}"
            table.add_row(*(Text(c, style=style) for c in self.cells(row, name)), key=str(row.id))
        if message.keep is not None and str(message.keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(message.keep)))
        retired = sum(1 for r in self.rows if not r.active)
        title = f"{self.TITLE_TEXT} · {len(self.rows)} shown"
        self.query_one("#title", Static).update(title + (f", {retired} retired" if retired else ""))
        if not self.rows:
            self._say(self.NONE_MATCH if self._text() else self.EMPTY)
        self._show_detail()
        self.refresh_bindings()

    def on_directory_screen_failed(self, message: Failed) -> None:
        self._say(str(message.error), error=True)

    def _text(self) -> str:
        return self.query_one("#search", Input).value

    @property
    def current(self) -> R | None:
        table = self._table()
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.current
        self.query_one("#detail", Static).update("" if row is None else self.detail(row))

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(f"! {text}" if error and text else text)
        message.set_class(error, "-error")

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = allowed(self.services.staff.roles, self.EDIT)
        if action in {"add", "edit", "retire"}:
            if not editing:
                return None  # dimmed; the hidden "denied" binding explains
            return True if action == "add" or self.current is not None else None
        if action == "denied":
            return not editing
        return True

    def action_denied(self) -> None:
        may(self, self.services, self.EDIT)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_focus_table(self) -> None:
        self._table().focus()

    def action_add(self) -> None:
        self.app.push_screen(self.form(None), self._saved)

    def action_edit(self) -> None:
        row = self.current
        if row is not None:
            self.app.push_screen(self.form(row), self._saved)

    def _saved(self, row: R | None) -> None:
        if row is None:
            return
        self.changed = True
        self._say(f"Saved: {row.name}.")
        self._search(self._text(), row.id)

    def action_retire(self) -> None:
        row = self.current
        if row is not None:
            self.run_worker(
                partial(self._retire, row),
                thread=True,
                exclusive=True,
                group=f"{self.TABLE}-retire",
                exit_on_error=False,
            )

    def _retire(self, row: R) -> None:
        try:
            done = self.set_active(row)
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(Saved(done))

    def on_saved(self, message: Saved) -> None:
        row: R = message.result  # type: ignore[assignment]
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
