"""The link form and the outcome form of the linkage screen (SPEC §2, §3.5).

A resource is taken only by enter on it in the list, never by being highlighted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from console.rules import validate
from console.rules.careplan import parse_date
from console.rules.vocab import LinkageMethod, LinkageOutcome
from console.services.linkage_dto import (
    KIND_SHORT,
    METHOD_LABEL,
    OUTCOME_LABEL,
    LinkRow,
    ResourceRow,
)
from screens import validators as v
from screens.widgets.form import ServiceForm, cut
from screens.widgets.masked import date_input

CSS = ["resources.tcss", "linkage.tcss"]
FOLLOW_UP_WEEKS = 4


def short_date(value: dt.date | None) -> str:
    return "—" if value is None else value.strftime("%d/%m/%Y")


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
                date_input(
                    today.format("DD/MM/YYYY"),
                    id="linked_on",
                    compact=True,
                    validators=[dates(self._today, future=False)],
                ),
                note="not in the future",
            )
            yield from self.field(
                "Follow-up",
                date_input(
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
                date_input(
                    id="first_attended",
                    placeholder="DD/MM/YYYY",
                    compact=True,
                    validators=[dates(self._today, future=False)],
                ),
                note=f"from {short_date(link.linked_on)}",
            )
            yield from self.field(
                "Next follow-up",
                date_input(
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
