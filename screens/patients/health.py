"""The health record of one patient (SPEC §2): what is due, in words, above every dated
event, newest first. `a` records a check, `i` the injecting status, `del` removes a
record entered in error (with a reason, kept in the audit log).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, Select, Static

from console import format as fmt
from console.rules import health as rules
from console.rules import validate
from console.rules.vocab import HealthCheckKind as K
from console.services.health_dto import HealthInput, HealthRow, HealthView
from screens import validators as v
from screens.patients.family import ChoiceModal, RecordForm
from screens.patients.records import PatientRecordsScreen
from screens.widgets.form import cut
from screens.widgets.masked import date_input
from screens.widgets.tickbox import TickBox

# The form's kinds, most often recorded first; the injecting status has its own key.
FORM_KINDS = (
    K.NALOXONE,
    K.HCV_ANTIBODY,
    K.HCV_RNA,
    K.HCV_TREATMENT,
    K.HEP_B_DOSE,
    K.HEP_B_STATUS,
    K.HIV_TEST,
    K.SITE_CHECK,
)
SHORT = {
    K.HEP_B_DOSE: "HBV vaccine",
    K.HEP_B_STATUS: "HBV status",
    K.HCV_ANTIBODY: "HCV antibody",
    K.HCV_RNA: "HCV RNA (PCR)",
    K.HCV_TREATMENT: "HCV treatment",
    K.HIV_TEST: "HIV test",
    K.SITE_CHECK: "Site/DVT check",
    K.NALOXONE: "Naloxone",
    K.INJECTING_STATUS: "Injecting",
}


def _events(view: HealthView) -> list[rules.Event]:
    return [rules.Event(e.kind, e.date, e.result) for e in view.events]


def due_lines(view: HealthView, today: object) -> list[str]:
    """One line per topic, saying what was done last and what is due."""
    events = _events(view)
    hbv_status = rules.latest(events, K.HEP_B_STATUS)
    return [
        rules.injecting_text(view.injecting_status, view.injecting_recorded),
        rules.hbv_text(
            view.hbv_course_completed,
            rules.hbv_doses(events),
            hbv_status.result if hbv_status else "",
        ),
        rules.hcv_next_step(events)
        or rules.hcv_text(view.last_hcv_test, view.injecting_status, today),  # type: ignore[arg-type]
        rules.hiv_text(rules.latest(events, K.HIV_TEST)),
        rules.site_text(rules.latest(events, K.SITE_CHECK), view.injecting_status),
        rules.naloxone_text(view.last_naloxone, today),  # type: ignore[arg-type]
    ]


class HealthForm(RecordForm[HealthRow]):
    """Record one health check: the result list follows the kind chosen."""

    FIELDS = ("kind", "check_date", "result", "detail")
    AUTO_FOCUS = "#kind"
    title_text = "Record a health check"

    def __init__(self, patient_id: int, subtitle: str, kind: str = K.NALOXONE) -> None:
        super().__init__(subtitle)
        self.patient_id = patient_id
        self.kind = kind

    def fields(self) -> ComposeResult:
        today = self.services.clock.today().format("DD/MM/YYYY")
        kinds = [(rules.KIND_LABEL[k], k.value) for k in FORM_KINDS]
        yield from self.field("What", Select(kinds, value=self.kind, allow_blank=False, id="kind"))
        when = date_input(
            today, id="check_date", compact=True, validators=[v.date(self.services.clock.today)]
        )
        yield from self.field("Date", when)
        yield from self.field(
            "Result",
            Select(
                [(label, value) for value, label in rules.RESULTS[self.kind]],
                prompt="choose the result",
                id="result",
            ),
        )
        yield from self.field(
            "Detail",
            Input(placeholder="optional, e.g. batch, product", id="detail", compact=True),
        )
        yield from self.field(
            "Training",
            TickBox("family or friends trained to give it", id="family_trained"),
        )

    def on_mount(self) -> None:
        self._follow_kind(self.kind)

    @on(Select.Changed, "#kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.kind:
            self.kind = event.value
            result: Select[str] = self.query_one("#result", Select)
            result.set_options([(label, value) for value, label in rules.RESULTS[self.kind]])
            self._follow_kind(self.kind)

    def _follow_kind(self, kind: str) -> None:
        row = self.query_one("#family_trained", Checkbox).parent
        if row is not None:
            row.display = kind == K.NALOXONE  # type: ignore[attr-defined]

    def call(self, errors: dict[str, str]) -> Callable[[], HealthRow]:
        text = self.query_one("#check_date", Input).value
        try:
            when = validate.date(text, today=self.services.clock.today())
        except validate.FieldError as exc:
            raise validate.FieldError(str(exc), "check_date") from None
        result = self.query_one("#result", Select).value
        data = HealthInput(
            self.kind,
            when,
            result if isinstance(result, str) else "",
            self.query_one("#detail", Input).value,
            self.kind == K.NALOXONE and self.query_one("#family_trained", Checkbox).value,
        )
        health, pid = self.services.health, self.patient_id
        return lambda: health.record(pid, data)


class RemoveForm(RecordForm[bool]):
    """A correction: remove a record entered in error, saying why."""

    FIELDS = ("reason",)
    AUTO_FOCUS = "#reason"
    title_text = "Remove a health record entered in error"

    def __init__(self, subtitle: str, row: HealthRow) -> None:
        super().__init__(subtitle)
        self.row = row

    def fields(self) -> ComposeResult:
        r = self.row
        yield Static(
            f"{fmt.date_text(r.date)}  {rules.KIND_LABEL.get(r.kind, r.kind)}: "
            f"{rules.result_label(r.kind, r.result)}",
            markup=False,
        )
        yield from self.field(
            "Reason", Input(placeholder="why it is wrong", id="reason", compact=True)
        )

    def call(self, errors: dict[str, str]) -> Callable[[], bool]:
        reason = self.query_one("#reason", Input).value
        health, row = self.services.health, self.row

        def remove() -> bool:
            health.remove(row.id, row.version, reason)
            return True

        return remove


class HealthScreen(PatientRecordsScreen[HealthView]):
    """The patient's health checks; dismisses True on escape if anything changed."""

    CSS_PATH = ["family.tcss", "health.tcss"]
    AUTO_FOCUS = "#events"
    TABLE = "#events"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "record", "Record check", id="health.record"),
        Binding("i", "injecting", "Injecting", id="health.injecting"),
        Binding("delete", "remove", "Remove", key_display="del", id="health.remove"),
        Binding("escape", "back", "Back", id="health.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Health checks · {self.patient_name}", id="title", markup=False)
        yield Static("", id="due", markup=False)
        table: DataTable[str] = DataTable(id="events", cursor_type="row", zebra_stripes=True)
        table.add_columns("Date", "Check", "Result", "Detail")
        yield table
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def fetch(self) -> HealthView:
        # Opened (and audited) once; a reload after a change passes the opening back.
        if self.view is None:
            return self.services.health.open(self.patient_id)
        return self.services.health.for_patient(self.view.opening)

    # -- showing --------------------------------------------------------------------
    def show_view(self, view: HealthView) -> None:
        today = self.services.clock.today()
        self.query_one("#due", Static).update("\n".join(due_lines(view, today)))
        table: DataTable[str] = self.query_one("#events", DataTable)
        keep = table.cursor_row
        table.clear()
        for e in view.events:
            table.add_row(
                fmt.date_text(e.date),
                SHORT.get(e.kind, e.kind),
                cut(rules.result_label(e.kind, e.result), 24),
                cut(e.detail, 23) or "—",
                key=str(e.id),
            )
        if not view.events:
            table.add_row("—", "No health checks recorded yet.", "", "", key="none")
        elif keep:
            table.move_cursor(row=min(keep, len(view.events) - 1))
        self.refresh_bindings()

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        row = self.current
        text = ""
        if row is not None:
            by = f" · recorded by {row.recorded_by}" if row.recorded_by else ""
            text = f"{rules.KIND_LABEL.get(row.kind, row.kind)}{by}"
            text += f" · {row.detail}" if row.detail else ""
        self.query_one("#detail", Static).update(text)

    @property
    def current(self) -> HealthRow | None:
        if self.view is None or not self.view.events:
            return None
        row = self.query_one("#events", DataTable).cursor_row
        return self.view.events[row] if 0 <= row < len(self.view.events) else None

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in {"record", "injecting", "remove"}:
            return True
        if self.view is None or not self.view.can_edit:
            return None  # dimmed: a hint only, the service enforces the role
        if action == "remove" and not self.view.events:
            return None
        return True

    def action_record(self) -> None:
        if self.check_action("record", ()) is True:
            form = HealthForm(self.patient_id, self.patient_name)
            self.app.push_screen(form, self._done("Recorded."))

    def action_injecting(self) -> None:
        if self.check_action("injecting", ()) is not True:
            return
        choices = [(label, value) for value, label in rules.RESULTS[K.INJECTING_STATUS]]

        def answer(choice: str | None) -> None:
            if choice is not None:
                self._say("Saving…")
                health, pid = self.services.health, self.patient_id
                self._write(
                    lambda: health.set_injecting_status(pid, choice), "Injecting status recorded."
                )

        title = "Injecting status, as the patient says today"
        self.app.push_screen(ChoiceModal(title, choices), answer)

    def action_remove(self) -> None:
        row = self.current
        if row is not None and self.check_action("remove", ()) is True:
            self.app.push_screen(RemoveForm(self.patient_name, row), self._done("Removed."))
