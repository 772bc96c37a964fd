"""A patient's links to recovery resources and their follow-up (SPEC §2, §3.5, §4).

Follow-ups due say so in words ("DUE"), not only in colour. The screen dismisses True
when anything changed, so the summary that opened it reloads; otherwise None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.rules.vocab import LinkageMethod, LinkageOutcome
from console.services.errors import ServiceError
from console.services.linkage_dto import (
    KIND_LABEL,
    KIND_SHORT,
    METHOD_LABEL,
    OUTCOME_LABEL,
    LinkRow,
)
from console.services.opening import Opening
from console.services.roles import Action, allowed
from screens.host import ConsoleScreen
from screens.linkage.forms import CSS, LinkForm, OutcomeForm, short_date
from screens.widgets.directory import may
from screens.widgets.form import cut

METHOD_SHORT = {
    LinkageMethod.INFORMATION_GIVEN: "info given",
    LinkageMethod.INTRODUCED_TO_PEER: "peer intro",
    LinkageMethod.ACCOMPANIED: "accompanied",
    LinkageMethod.WARM_HANDOVER: "hand-over",
}


def status_text(link: LinkRow, today: dt.date) -> str:
    """Follow-up or outcome in at most 20 characters; a due follow-up starts with DUE."""
    if link.is_open:
        if link.due(today):
            return f"DUE {short_date(link.follow_up_date)}"
        prefix = "not yet;" if link.outcome == LinkageOutcome.NOT_YET else "next"
        return f"{prefix} {short_date(link.follow_up_date)}"
    if link.outcome == LinkageOutcome.ATTENDED:
        return f"attended {short_date(link.first_attended)}"
    return OUTCOME_LABEL.get(link.outcome, link.outcome)


class LinkageScreen(ConsoleScreen[bool | None]):
    CSS_PATH = CSS
    AUTO_FOCUS = "#links"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "link", "Link", id="linkage.link"),
        Binding("o", "outcome", "Outcome", id="linkage.outcome"),
        Binding("d", "directory", "Directory", id="linkage.directory"),
        Binding("a,o", "denied", show=False),  # dimmed keys still say which role they need
        Binding("escape", "back", "Back", id="linkage.back"),
    ]

    class Loaded(Message):
        def __init__(self, links: list[LinkRow], note: str, keep: int | None) -> None:
            super().__init__()
            self.links = links
            self.note = note
            self.keep = keep

    def __init__(self, patient_id: int, patient_name: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = patient_name
        self.links: list[LinkRow] = []
        self.changed = False
        self.opening: Opening | None = None  # one audited opening; reloads pass it back

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Linkage · {self.patient_name}", id="title", markup=False)
        table: DataTable[str | Text] = DataTable(id="links", cursor_type="row")
        table.add_column("Resource", width=17, key="resource")
        table.add_column("Kind", width=9, key="kind")
        table.add_column("Method", width=11, key="method")
        table.add_column("Linked", width=10, key="linked")
        table.add_column("Follow-up / outcome", width=20, key="status")
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#links").loading = True
        self._load("", None)

    @work(thread=True, exclusive=True, group="linkage", exit_on_error=False)
    def _load(self, note: str, keep: int | None) -> None:
        if self.opening is None:
            self.opening = self.services.linkage.open(self.patient_id)
        links = self.services.linkage.for_patient(self.opening)
        self.post_message(self.Loaded(links, note, keep))

    def on_linkage_screen_loaded(self, message: Loaded) -> None:
        today = self.services.clock.today()
        self.links = message.links
        table: DataTable[str | Text] = self.query_one("#links", DataTable)
        table.loading = False
        table.clear()
        for link in message.links:
            due = link.due(today)
            closed = "" if link.is_open else "dim"
            table.add_row(
                Text(cut(link.resource_name, 17), style=closed),
                Text(KIND_SHORT.get(link.resource_kind, link.resource_kind), style=closed),
                Text(METHOD_SHORT.get(link.method, link.method), style=closed),
                Text(short_date(link.linked_on), style=closed),
                Text(status_text(link, today), style="bold reverse" if due else closed),
                key=str(link.id),
            )
        if message.keep is not None and str(message.keep) in table.rows:
            table.move_cursor(row=table.get_row_index(str(message.keep)))
        due = sum(1 for link in message.links if link.due(today))
        title = f"Linkage · {self.patient_name}"
        if due:
            title += f" · {due} follow-up{'s' if due > 1 else ''} DUE"
        self.query_one("#title", Static).update(title)
        if not message.links:
            self._say("No links yet. Press a to link to a resource.")
        else:
            self._say(message.note)
        self._show_detail()
        self.refresh_bindings()

    @property
    def current(self) -> LinkRow | None:
        table: DataTable[str | Text] = self.query_one("#links", DataTable)
        if not self.links or not 0 <= table.cursor_row < len(self.links):
            return None
        return self.links[table.cursor_row]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        link = self.current
        text = ""
        if link is not None:
            today = self.services.clock.today()
            kind = KIND_LABEL.get(link.resource_kind, link.resource_kind)
            named = kind.lower() in link.resource_name.lower()
            text = link.resource_name + ("" if named else f" ({kind})") + "\n"
            text += f"{METHOD_LABEL.get(link.method, link.method)} {fmt.date_text(link.linked_on)}"
            if link.is_open:
                when = fmt.due_text(link.follow_up_date, today)
                text += f" · follow-up {fmt.date_text(link.follow_up_date)}, {when}"
                if link.outcome:
                    text += " · not yet attended"
            elif link.first_attended is not None:
                text += f" · first attended {fmt.date_text(link.first_attended)}"
                if link.outcome != LinkageOutcome.ATTENDED:
                    text += f", then {OUTCOME_LABEL.get(link.outcome, link.outcome)}"
            else:
                text += f" · {OUTCOME_LABEL.get(link.outcome, link.outcome)}"
        self.query_one("#detail", Static).update(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(f"! {text}" if error and text else text)
        message.set_class(error, "-error")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one("#links").loading = False
        error = event.worker.error
        if isinstance(error, ServiceError):
            self._say(str(error), error=True)  # names the action and the role only
        else:
            self.host.report_error(error)

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        editing = allowed(self.services.staff.roles, Action.EDIT_CARE)
        if action in {"link", "outcome"}:
            if not editing:
                return None  # dimmed; the hidden "denied" binding explains
            return True if action == "link" or self.current is not None else None
        if action == "denied":
            return not editing
        return True

    def action_denied(self) -> None:
        may(self, self.services, Action.EDIT_CARE)

    def action_link(self) -> None:
        self.app.push_screen(LinkForm(self.patient_id, self.patient_name), self._saved("Linked."))

    def action_outcome(self) -> None:
        link = self.current
        if link is not None:
            self.app.push_screen(OutcomeForm(link), self._saved("Outcome recorded."))

    def _saved(self, note: str) -> Callable[[LinkRow | None], None]:
        def done(row: LinkRow | None) -> None:
            if row is not None:
                self.changed = True
                self._load(note, row.id)

        return done

    def action_directory(self) -> None:
        from screens.linkage.resources import ResourcesScreen

        def back(changed: bool | None) -> None:
            if changed:  # a renamed resource shows its new name here too
                self._load("", self.current.id if self.current else None)

        self.app.push_screen(ResourcesScreen(), back)

    def action_back(self) -> None:
        self.dismiss(True if self.changed else None)
