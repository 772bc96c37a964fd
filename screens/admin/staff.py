"""Staff and roles (admin): the list, add, change roles and title, deactivate/reactivate.

The service refuses leaving the practice without an active admin; its reason is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from console.rules.vocab import Role
from console.services.dto import StaffListing, StaffMember
from console.services.errors import Invalid, ServiceError
from console.services.staff import TITLES
from screens.host import ConsoleScreen
from screens.widgets.form import ServiceForm, cut
from screens.widgets.tickbox import TickBox

# Short names for the table at 80 columns; the line under it spells them out.
ROLE_SHORT = {
    Role.CLINICIAN: "clin",
    Role.RECOVERY_WORKER: "rw",
    Role.ADMIN: "admin",
    Role.RECEPTION: "recep",
}
ROLE_LABEL = {
    Role.CLINICIAN: "Clinician",
    Role.RECOVERY_WORKER: "Recovery worker",
    Role.ADMIN: "Admin",
    Role.RECEPTION: "Reception",
}


class StaffForm(ServiceForm[StaffMember]):
    """Add a member of staff (`member` None), or change one's name, title and roles."""

    FIELDS = ("login", "name", "title", "roles")
    CSS_PATH = "admin.tcss"

    def __init__(self, member: StaffMember | None = None) -> None:
        super().__init__()
        self.member = member

    def compose(self) -> ComposeResult:
        m = self.member
        with Vertical(classes="modal"):
            yield Static(
                f"Change {m.login}" if m else "Add a member of staff", classes="modal-title"
            )
            if m is None:
                yield from self.field(
                    "Login",
                    Input(placeholder="their account name", id="login", compact=True),
                )
            yield from self.field(
                "Name",
                Input(m.name if m else "", placeholder="as letters sign", id="name", compact=True),
            )
            yield from self.field(
                "Title",
                Input(
                    m.title if m else "",
                    placeholder="printed under the signature",
                    id="title",
                    compact=True,
                ),
            )
            yield Static(cut("e.g. " + ", ".join(TITLES), 58), classes="title-note")
            with Horizontal(classes="field", id="row-roles"):
                yield Static("Roles", classes="label")
                for role, label in ROLE_LABEL.items():
                    ticked = m is not None and role in m.roles
                    yield TickBox(label, ticked, id=f"role-{role.value}")
            yield Static("", id="e-roles", classes="error", markup=False)
            yield from self.form_footer()

    def call(self, errors: dict[str, str]) -> Callable[[], StaffMember] | None:
        roles = [r.value for r in ROLE_LABEL if self.query_one(f"#role-{r.value}", TickBox).value]
        if not roles:
            errors["roles"] = "tick at least one role"
        name = self.query_one("#name", Input).value
        if not name.strip():
            errors["name"] = "a name is required"
        if errors:
            return None
        title = self.query_one("#title", Input).value
        staff = self.services.staff_admin
        member = self.member
        if member is None:
            login = self.query_one("#login", Input).value
            return lambda: staff.add(login, name, roles, title)
        return lambda: staff.set(member.login, roles=roles, title=title, name=name)


class StaffScreen(ConsoleScreen[None]):
    CSS_PATH = "admin.tcss"
    AUTO_FOCUS = "#staff"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="staff.add"),
        Binding("e", "edit", "Change", id="staff.edit"),
        Binding("x", "toggle_active", "Deactivate/reactivate", id="staff.active"),
        Binding("escape", "app.back", "Back", id="staff.back"),
    ]

    class Loaded(Message):
        def __init__(self, rows: list[StaffListing]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[StaffListing] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Staff and roles", id="title")
        table: DataTable[str] = DataTable(id="staff", cursor_type="row", zebra_stripes=True)
        table.add_columns("Login", "Name", "Roles", "Title", "On", "Last active")
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="staff", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.services.staff_admin.listing()))

    def on_staff_screen_loaded(self, message: Loaded) -> None:
        self.rows = message.rows
        table = self.query_one(DataTable)
        keep = table.cursor_row
        table.clear()
        for row in message.rows:
            m = row.member
            table.add_row(
                cut(m.login, 12),
                cut(m.name, 17),
                cut(",".join(ROLE_SHORT[r] for r in ROLE_SHORT if r in m.roles), 13),
                cut(m.title, 9),
                "yes" if m.active else "no",
                row.last_active[:11] or "never",
                key=m.login,
            )
        if message.rows:
            table.move_cursor(row=min(keep, len(message.rows) - 1))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= len(self.rows):
            return
        row = self.rows[event.cursor_row]
        m = row.member
        roles = ", ".join(ROLE_LABEL[r] for r in ROLE_LABEL if r in m.roles)
        title = f" · {m.title}" if m.title else ""
        state = "" if m.active else " · inactive"
        last = f"last active {row.last_active}" if row.last_active else "never active"
        self.query_one("#detail", Static).update(
            cut(f"{m.name}{title} · {roles}{state} · {last}", 78)
        )

    def _current(self) -> StaffMember | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row >= len(self.rows):
            return None
        return self.rows[table.cursor_row].member

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(text)
        message.set_class(error, "-error")

    def _saved(self, member: StaffMember | None) -> None:
        if member is not None:
            self._say(f"Saved {member.login} ({member.roles_text}).")
            self._load()

    def action_add(self) -> None:
        self.app.push_screen(StaffForm(), self._saved)

    def action_edit(self) -> None:
        member = self._current()
        if member is not None:
            self.app.push_screen(StaffForm(member), self._saved)

    def action_toggle_active(self) -> None:
        member = self._current()
        if member is not None:
            self._set_active(member.login, not member.active)

    @work(thread=True, exclusive=True, group="staff-set", exit_on_error=False)
    def _set_active(self, login: str, active: bool) -> None:
        member = self.services.staff_admin.set(login, active=active)
        self.post_message(self.Loaded(self.services.staff_admin.listing()))
        state = "reactivated" if member.active else "deactivated"
        self.app.call_from_thread(self._say, f"{member.login} {state}.")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if isinstance(error, Invalid):  # the reason alone; the row says who
            self._say("Not saved: " + " ".join(error.errors.values()), error=True)
        elif isinstance(error, ServiceError):
            self._say(f"Not saved: {error}", error=True)
        else:
            self.host.report_error(error)
