"""A patient's links to recovery resources and their follow-up (SPEC §2, §3.5, §4).

Follow-ups due say so in words ("DUE"), not only in colour. The screen dismisses True
when anything changed, so the summary that opened it reloads; otherwise None.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar

import pendulum
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from console import format as fmt
from console.rules import validate
from console.rules.careplan import parse_date
from console.rules.vocab import LinkageMethod, LinkageOutcome
from console.services.errors import ServiceError
from console.services.linkage_dto import (
    KIND_LABEL,
    KIND_SHORT,
    METHOD_LABEL,
    OUTCOME_LABEL,
    LinkRow,
    ResourceRow,
)
from console.services.roles import Action, allowed
from screens import validators as v
from screens.host import ConsoleScreen
from screens.resources import may
from screens.widgets.form import ServiceForm, cut

CSS = ["resources.tcss", "linkage.tcss"]
METHOD_SHORT = {
    LinkageMethod.INFORMATION_GIVEN: "info given",
    LinkageMethod.INTRODUCED_TO_PEER: "peer intro",
    LinkageMethod.ACCOMPANIED: "accompanied",
    LinkageMethod.WARM_HANDOVER: "hand-over",
}
FOLLOW_UP_WEEKS = 4


def short_date(value: dt.date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


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


def dates(today: Callable[[], pendulum.Date], future: bool) -> v.Rule:
    """A date field's check: any date (future allowed) or not in the future."""
    return v.Rule(parse_date) if future else v.date(today)


class LinkForm(ServiceForm[LinkRow]):
    """`a`: pick a resource from the directory, the method (no default) and a follow-up."""

    CSS_PATH = CSS
    FIELDS = ("resource", "method", "linked_on", "follow_up_date")
    AUTO_FOCUS = "#pick-search"

    class Found(Message):
        def __init__(self, rows: list[ResourceRow]) -> None:
            super().__init__()
            self.rows = rows

    def __init__(self, patient_id: int, patient_name: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = patient_name
        self.rows: list[ResourceRow] = []
        # Taken with enter, never by highlighting: the first row must not be linked
        # just because it was at the top of the list.
        self.chosen: ResourceRow | None = None

    def compose(self) -> ComposeResult:
        today = self.services.clock.today()
        follow = today.add(weeks=FOLLOW_UP_WEEKS)
        with Vertical(classes="modal"):
            yield Static("Link to a recovery resource", classes="modal-title")
            yield Static(self.patient_name, classes="modal-patient", markup=False)
            yield Input(placeholder="search the directory: name, word or place", id="pick-search")
            yield OptionList(id="resource")
            yield Static("Chosen: none (enter on a resource takes it)", id="chosen", markup=False)
            yield Static("", id="e-resource", classes="error", markup=False)
            yield from self.field(
                "Method",
                Select(
                    [(METHOD_LABEL[m], m.value) for m in LinkageMethod],
                    prompt="choose how",
                    id="method",
                ),
            )
            yield from self.field(
                "Linked on",
                Input(
                    today.format("DD/MM/YYYY"),
                    id="linked_on",
                    compact=True,
                    validators=[dates(self._today, future=False)],
                ),
                note="not in the future",
            )
            yield from self.field(
                "Follow-up",
                Input(
                    follow.format("DD/MM/YYYY"),
                    id="follow_up_date",
                    compact=True,
                    validators=[dates(self._today, future=True)],
                ),
                note="within a year",
            )
            yield from self.form_footer()

    def _today(self) -> pendulum.Date:
        return self.services.clock.today()

    def on_mount(self) -> None:
        self._find("")

    @on(Input.Changed, "#pick-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self._find(event.value)

    @on(Input.Submitted, "#pick-search")
    def _search_submitted(self) -> None:
        self.query_one("#resource", OptionList).focus()

    @on(OptionList.OptionSelected, "#resource")
    def _picked(self) -> None:
        self.chosen = self._highlighted_row()
        row = self.chosen
        text = f"Chosen: {row.name}" if row else "Chosen: none (enter on a resource takes it)"
        self.query_one("#chosen", Static).update(text)
        if row is not None:
            self.show_error("resource", "")
            self.query_one("#method", Select).focus()

    def on_key(self, event: events.Key) -> None:
        # Down from the search box moves into the list, as on the patient list.
        if event.key == "down" and self.query_one("#pick-search", Input).has_focus:
            event.stop()
            event.prevent_default()
            self.query_one("#resource", OptionList).focus()

    @work(thread=True, exclusive=True, group="pick", exit_on_error=False)
    def _find(self, text: str) -> None:
        rows = self.services.resources.search(text, limit=30)
        if not get_current_worker().is_cancelled:  # a newer keystroke owns the list
            self.post_message(self.Found(rows))

    def on_link_form_found(self, message: Found) -> None:
        keep = self._highlighted_row()
        self.rows = message.rows
        options = self.query_one("#resource", OptionList)
        options.clear_options()
        for row in message.rows:
            line = f"{KIND_SHORT.get(row.kind, row.kind):<9} {cut(row.name, 34):<34} "
            line += cut(row.where, 26)
            options.add_option(Option(line, id=str(row.id)))
        if not message.rows:
            options.add_option(Option("No active resource matches.", disabled=True))
        elif keep is not None and str(keep.id) in {str(r.id) for r in message.rows}:
            options.highlighted = options.get_option_index(str(keep.id))
        else:
            options.highlighted = 0

    def _highlighted_row(self) -> ResourceRow | None:
        options = self.query_one("#resource", OptionList)
        if options.highlighted is None or not self.rows:
            return None
        option_id = options.get_option_at_index(options.highlighted).id
        return next((r for r in self.rows if str(r.id) == option_id), None)

    def call(self, errors: dict[str, str]) -> Callable[[], LinkRow] | None:
        resource = self.chosen
        if resource is None:
            errors["resource"] = "choose a resource: enter on it in the list"
        method = self.query_one("#method", Select).value
        if method is Select.NULL:
            errors["method"] = "choose how the patient was linked"
        today = self.services.clock.today()
        linked_on = follow = None
        try:
            linked_on = validate.date(self.query_one("#linked_on", Input).value, today=today)
        except validate.FieldError as exc:
            errors["linked_on"] = str(exc)
        try:
            follow = parse_date(self.query_one("#follow_up_date", Input).value)
            if follow is None:
                errors["follow_up_date"] = "a follow-up date is required"
        except validate.FieldError as exc:
            errors["follow_up_date"] = str(exc)
        if errors or resource is None or linked_on is None:
            return None
        linkage, pid, rid = self.services.linkage, self.patient_id, resource.id
        return lambda: linkage.link(pid, rid, str(method), linked_on, follow)


class OutcomeForm(ServiceForm[LinkRow]):
    """`o`: record what happened; only the dates the outcome needs are shown."""

    CSS_PATH = CSS
    FIELDS = ("outcome", "first_attended", "next_follow_up")
    AUTO_FOCUS = "#outcome"

    def __init__(self, link: LinkRow) -> None:
        super().__init__()
        self.link = link

    def compose(self) -> ComposeResult:
        link = self.link
        today = self.services.clock.today()
        with Vertical(classes="modal"):
            yield Static("Record the outcome of a link", classes="modal-title")
            yield Static(
                f"{link.resource_name} · {METHOD_LABEL.get(link.method, link.method)} "
                f"{short_date(link.linked_on)}",
                classes="modal-patient",
                markup=False,
            )
            choices = [(OUTCOME_LABEL[o].capitalize(), o.value) for o in LinkageOutcome]
            yield from self.field(
                "Outcome", Select(choices, prompt="choose an outcome", id="outcome")
            )
            yield from self.field(
                "First attended",
                Input(
                    id="first_attended",
                    placeholder="DD/MM/YYYY",
                    compact=True,
                    validators=[dates(self._today, future=False)],
                ),
                note=f"from {short_date(link.linked_on)}",
            )
            yield from self.field(
                "Next follow-up",
                Input(
                    today.add(weeks=FOLLOW_UP_WEEKS).format("DD/MM/YYYY"),
                    id="next_follow_up",
                    compact=True,
                    validators=[dates(self._today, future=True)],
                ),
                note="after today",
            )
            yield Static("", id="closing", classes="note", markup=False)
            yield from self.form_footer()

    def _today(self) -> pendulum.Date:
        return self.services.clock.today()

    def on_mount(self) -> None:
        self._shape(None)

    @on(Select.Changed, "#outcome")
    def _outcome_changed(self, event: Select.Changed) -> None:
        self._shape(None if event.value is Select.NULL else str(event.value))

    def _shape(self, outcome: str | None) -> None:
        self.query_one("#row-first_attended").display = outcome == LinkageOutcome.ATTENDED
        self.query_one("#row-next_follow_up").display = outcome == LinkageOutcome.NOT_YET
        closing = outcome in {LinkageOutcome.DECLINED, LinkageOutcome.STOPPED}
        self.query_one("#closing", Static).update(
            "This closes the link: no further follow-up." if closing else ""
        )

    def call(self, errors: dict[str, str]) -> Callable[[], LinkRow] | None:
        outcome = self.query_one("#outcome", Select).value
        if outcome is Select.NULL:
            errors["outcome"] = "choose an outcome"
            return None
        today = self.services.clock.today()
        first = follow = None
        try:
            if outcome == LinkageOutcome.ATTENDED:
                text = self.query_one("#first_attended", Input).value
                first = validate.date(text, today=today)
        except validate.FieldError as exc:
            errors["first_attended"] = str(exc)
        try:
            if outcome == LinkageOutcome.NOT_YET:
                follow = parse_date(self.query_one("#next_follow_up", Input).value)
                if follow is None:
                    errors["next_follow_up"] = "not yet needs the next follow-up date"
        except validate.FieldError as exc:
            errors["next_follow_up"] = str(exc)
        if errors:
            return None
        linkage, link = self.services.linkage, self.link
        return lambda: linkage.record_outcome(link.id, link.version, str(outcome), first, follow)


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
        links = self.services.linkage.for_patient(self.patient_id)
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
        from screens.resources import ResourcesScreen

        def back(changed: bool | None) -> None:
            if changed:  # a renamed resource shows its new name here too
                self._load("", self.current.id if self.current else None)

        self.app.push_screen(ResourcesScreen(), back)

    def action_back(self) -> None:
        self.dismiss(True if self.changed else None)
