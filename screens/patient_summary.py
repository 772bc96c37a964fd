"""One patient's summary (SPEC §3.2). For now: demographics, consent, status, next review.

Opening a record is audited by the service, so it happens once, in a thread worker.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.services.dto import PatientRecord, PatientRow
from console.services.errors import ServiceError
from screens.host import ConsoleScreen

FIELDS = (
    ("address", "Address"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("letters", "Letters to home"),
    ("sex", "Sex"),
    ("status", "Status"),
    ("next-review", "Next review"),
    ("recovery", "Recovery since"),
)


class PatientSummaryScreen(ConsoleScreen[None]):
    CSS_PATH = "patient_summary.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "Back", id="patient-summary.back"),
    ]

    class Opened(Message):
        def __init__(self, record: PatientRecord) -> None:
            super().__init__()
            self.record = record

    def __init__(self, row: PatientRow) -> None:
        super().__init__()
        self.row = row  # what the list already showed: enough for the title line
        self.record: PatientRecord | None = None

    def compose(self) -> ComposeResult:
        today = self.services.clock.today()
        row = self.row
        title = " · ".join(
            (
                fmt.name_text(row.family_name, row.given_name),
                fmt.nhs(row.nhs_number),
                fmt.dob_text(row.date_of_birth, today),
            )
        )
        yield Header(icon="≡")
        yield Static(title, id="title", markup=False)
        with VerticalScroll(id="body"):
            yield Static("Demographics", classes="section")
            with Grid(id="details"):
                for key, label in FIELDS:
                    yield Static(label, classes="label")
                    yield Static("", id=f"f-{key}", classes="value", markup=False)
            yield Static("", id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#details").loading = True
        self._open(self.row.id)

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open(self, patient_id: int) -> None:
        self.post_message(self.Opened(self.services.patients.open(patient_id)))

    def on_patient_summary_screen_opened(self, message: Opened) -> None:
        self.record = record = message.record
        today = self.services.clock.today()
        details = self.query_one("#details")
        details.loading = False
        values = {
            "address": fmt.address_text(
                record.address_line_1,
                record.address_line_2,
                f"{record.town} {record.postcode}",
            )
            or "not recorded",
            "phone": record.phone or "not recorded",
            "email": record.email or "not recorded",
            "letters": "yes, consented" if record.consent_letters_home else "no consent",
            "sex": record.sex.capitalize(),
            "status": fmt.status_text(record.status),
            "next-review": (
                f"{fmt.date_text(record.next_review_due)} · "
                f"{fmt.due_text(record.next_review_due, today)}"
                if record.next_review_due
                else "not scheduled"
            ),
            "recovery": fmt.date_text(record.recovery_start)
            if record.recovery_start
            else "not recorded",
        }
        for key, value in values.items():
            self.query_one(f"#f-{key}", Static).update(value)
        urgency = fmt.due_class(record.next_review_due, today)
        self.query_one("#f-next-review").add_class(f"-{urgency}")
        self.query_one("#f-letters").set_class(not record.consent_letters_home, "-warning")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one("#details").loading = False
        self.query_one("#details").display = False
        error = event.worker.error
        if isinstance(error, ServiceError):
            # A refusal names the action and the role; it carries no patient data.
            self.query_one("#message", Static).update(str(error))
        else:
            self.host.report_error(error)
            self.query_one("#message", Static).update("The record could not be opened.")
