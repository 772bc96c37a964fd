"""The audit viewer's dialogs: the filter (checked by the service, reasons beside each
field) and one event with its detail and the patients it concerns."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.format import nhs
from console.rules import validate
from console.services.audit_view import AuditDetail, AuditFilter, AuditPage
from screens import validators as v
from screens.widgets.form import ServiceForm, cut
from screens.widgets.masked import date_input, nhs_input
from screens.widgets.tickbox import TickBox

Found = tuple[AuditFilter, AuditPage]


def filter_text(chosen: AuditFilter) -> str:
    """The filter line over the table: what narrows the events, or that nothing does."""
    parts = []
    if chosen.nhs_number:
        parts.append(f"patient {chosen.nhs_number}")
    if chosen.login:
        parts.append(f"staff {chosen.login}")
    if chosen.action:
        parts.append(f"action {chosen.action}")
    if chosen.date_from or chosen.date_to:
        start = f"{chosen.date_from:%d/%m/%Y}" if chosen.date_from else "…"
        end = f"{chosen.date_to:%d/%m/%Y}" if chosen.date_to else "…"
        parts.append(f"{start} to {end}")
    shown = "" if chosen.show_viewer else " · the viewer's own openings hidden"
    return "Filter: " + (", ".join(parts) if parts else "all events") + shown


class AuditFilterForm(ServiceForm[Found]):
    """Each part optional; the service checks them all and the first page is fetched
    here, so a refusal keeps the dialog open with its reason beside the field."""

    FIELDS = ("nhs_number", "login", "action", "date_from", "date_to")
    CSS_PATH = "audit.tcss"

    def __init__(self, chosen: AuditFilter) -> None:
        super().__init__()
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        c = self.chosen
        day = "%d/%m/%Y"
        with Vertical(classes="modal"):
            yield Static("Filter the audit log (every part optional)", classes="modal-title")
            yield from self.field(
                "Patient NHS no.",
                nhs_input(c.nhs_number, id="nhs_number", compact=True),
            )
            yield from self.field(
                "Staff login", Input(c.login, placeholder="their login", id="login", compact=True)
            )
            yield from self.field(
                "Action",
                Input(
                    c.action,
                    placeholder="letter_template.save, or letters. for all",
                    id="action",
                    compact=True,
                ),
            )
            yield from self.field(
                "From",
                date_input(
                    f"{c.date_from:{day}}" if c.date_from else "",
                    id="date_from",
                    compact=True,
                    validators=[v.date(self.services.clock.today, required=False)],
                ),
            )
            yield from self.field(
                "To",
                date_input(
                    f"{c.date_to:{day}}" if c.date_to else "",
                    id="date_to",
                    compact=True,
                    validators=[v.date(self.services.clock.today, required=False)],
                ),
            )
            yield TickBox("Show the viewer's own openings", c.show_viewer, id="show_viewer")
            yield Static("", id="form-message", markup=False)
            yield Static(
                "ctrl+s Apply   esc Cancel   (empty every field: all events)", classes="keys"
            )

    def call(self, errors: dict[str, str]) -> Callable[[], Found] | None:
        today = self.services.clock.today()
        days = {}
        for key in ("date_from", "date_to"):
            try:
                days[key] = validate.date(
                    self.query_one(f"#{key}", Input).value, today=today, required=False
                )
            except validate.FieldError as exc:
                errors[key] = str(exc)
        if errors:
            return None
        chosen = AuditFilter(
            nhs_number=self.query_one("#nhs_number", Input).value.strip(),
            login=self.query_one("#login", Input).value.strip(),
            action=self.query_one("#action", Input).value.strip(),
            date_from=days["date_from"],
            date_to=days["date_to"],
            show_viewer=self.query_one("#show_viewer", TickBox).value,
        )
        view = self.services.audit_view
        return lambda: (chosen, view.page(chosen))


class AuditEventModal(ModalScreen[None]):
    """One event: who, when, what, the recorded fields, and the patients it concerns."""

    CSS_PATH = "audit.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="audit-event.close"),
    ]

    def __init__(self, detail: AuditDetail) -> None:
        super().__init__()
        self.detail = detail

    def compose(self) -> ComposeResult:
        d = self.detail
        line = d.line
        record = f"{d.entity} {d.entity_id}" if d.entity_id is not None else d.entity or "—"
        with Vertical(classes="modal"):
            yield Static(f"Audit event {line.id} · {line.at}", classes="modal-title")
            yield Static(f"By      {cut(d.staff_name, 40)} ({line.login})", markup=False)
            yield Static(f"Action  {line.action}", markup=False)
            yield Static(f"Record  {record}", markup=False)
            yield Static(f"Detail  {d.detail or '—'}", id="event-detail", markup=False)
            count = line.patients
            yield Static(
                f"Patients ({count})" if count else "Patients: none", classes="modal-title"
            )
            with VerticalScroll(id="event-patients"):
                for number, name in d.patients:
                    yield Static(f"{nhs(number)}  {name}", markup=False)
                if d.more_patients:
                    yield Static(f"… and {d.more_patients:,} more", markup=False)
            yield Static("↑↓ scroll the patients · escape or enter closes", classes="keys")

    def on_mount(self) -> None:
        self.query_one("#event-patients").focus()

    def action_close(self) -> None:
        self.dismiss(None)
