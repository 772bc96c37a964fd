"""One patient's summary (SPEC §3.2): every section in one scrollable column at 80x24.

Opening the summary is audited by the service, so it happens once, in a thread worker.
The title line (name, NHS number, date of birth) comes from the list row and shows at
once, so the user sees whose record is opening before anything else (hazard log).
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.services.dto import PatientRecord, PatientRow
from console.services.errors import ServiceError
from console.services.roles import Action, allowed
from console.services.summary_dto import PatientSummary
from screens import summary_sections as text
from screens.host import ConsoleScreen
from screens.widgets.trend import Trend

FIELDS = (
    ("address", "Address"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("letters", "Letters to home"),
    ("sex", "Sex"),
    ("status", "Status"),
    ("keyworker", "Keyworker"),
    ("next-review", "Next review"),
)

SECTIONS = (
    ("treatment", "Treatment"),
    ("alerts", "Alerts"),
    ("progress", "Progress"),
    ("support", "Recovery support"),
    ("family", "Family and supporters"),
    ("health", "Health checks"),
    ("letters-sent", "Letters sent"),
    ("episodes", "Earlier episodes"),
)


# Sparklines in grid order (two columns): id, label, ReviewPoint field, range, "/N", better.
TRENDS: tuple[tuple[str, str, str, int, int, int | None, bool], ...] = (
    ("barc", "BARC-10", "barc10_total", 10, 60, None, True),
    ("qol", "Quality life", "quality_of_life", 0, 20, 20, True),
    ("opiates", "Opiate days", "opiates_days", 0, 28, 28, False),
    ("psych", "Psych health", "psych_health", 0, 20, 20, True),
    ("alcohol", "Alcohol days", "alcohol_days", 0, 28, 28, False),
    ("physical", "Phys health", "physical_health", 0, 20, 20, True),
)


class PatientSummaryScreen(ConsoleScreen[None]):
    CSS_PATH = "patient_summary.tcss"
    AUTO_FOCUS = "#body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "Back", id="patient-summary.back"),
        Binding("e", "edit", "Edit", id="patient-summary.edit"),
        Binding("x", "episode", "Episode", id="patient-summary.episode"),
        Binding("p", "prescription", "Prescription", id="patient-summary.prescription"),
        Binding("c", "care_plan", "Plan", id="patient-summary.care-plan"),
    ]

    class Opened(Message):
        def __init__(self, summary: PatientSummary) -> None:
            super().__init__()
            self.summary = summary

    class Demographics(Message):
        def __init__(self, record: PatientRecord) -> None:
            super().__init__()
            self.record = record

    def __init__(self, row: PatientRow) -> None:
        super().__init__()
        self.row = row  # what the list already showed: enough for the title line
        self.record: PatientRecord | None = None
        self.summary: PatientSummary | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(self._title(self.row), id="title", markup=False)
        with VerticalScroll(id="body"):
            yield Static("Demographics", classes="section")
            with Grid(id="details"):
                for key, label in FIELDS:
                    yield Static(label, classes="label")
                    yield Static("", id=f"f-{key}", classes="value", markup=False)
            yield Static("", id="recovery", markup=False)
            for key, heading in SECTIONS:
                yield Static(heading, id=f"h-{key}", classes="section clinical")
                if key == "progress":
                    yield Grid(id="progress", classes="clinical")
                elif key == "alerts":
                    yield Vertical(id="alerts", classes="clinical")
                else:
                    yield Static("", id=key, classes="text clinical", markup=False)
            yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def _title(self, row: PatientRow | PatientRecord) -> str:
        today = self.services.clock.today()
        return " · ".join(
            (
                fmt.name_text(row.family_name, row.given_name),
                fmt.nhs(row.nhs_number),
                fmt.dob_text(row.date_of_birth, today),
            )
        )

    def on_mount(self) -> None:
        self.query_one("#details").loading = True
        self._open(self.row.id)

    # -- loading ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _open(self, patient_id: int) -> None:
        self.post_message(self.Opened(self.services.summary.open(patient_id)))

    async def on_patient_summary_screen_opened(self, message: Opened) -> None:
        self.summary = summary = message.summary
        self.record = record = summary.record
        today = self.services.clock.today()
        self.query_one("#title", Static).update(self._title(record))
        details = self.query_one("#details")
        details.loading = False
        details.display = True
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
            "keyworker": summary.keyworker or "none assigned",
            "next-review": (
                f"{fmt.date_text(record.next_review_due)} · "
                f"{fmt.due_text(record.next_review_due, today)}"
                if record.next_review_due
                else "not scheduled"
            ),
        }
        for key, value in values.items():
            self.query_one(f"#f-{key}", Static).update(value)
        urgency = fmt.due_class(record.next_review_due, today)
        review = self.query_one("#f-next-review")
        review.remove_class("-overdue", "-soon", "-later", "-none")
        review.add_class(f"-{urgency}")
        self.query_one("#f-letters").set_class(not record.consent_letters_home, "-warning")
        self.query_one("#recovery", Static).update(text.recovery_text(summary, today))
        self.query_one("#treatment", Static).update(text.treatment_text(summary, today))
        self.query_one("#support", Static).update(text.links_text(summary))
        self.query_one("#family", Static).update(text.family_text(summary))
        self.query_one("#health", Static).update(text.health_text(summary))
        self.query_one("#letters-sent", Static).update(text.letters_text(summary))
        self.query_one("#episodes", Static).update(text.past_episodes_text(summary))
        await self._show_alerts(summary)
        await self._show_progress(summary)
        self.query_one("#message", Static).update("")

    async def _show_alerts(self, summary: PatientSummary) -> None:
        box = self.query_one("#alerts")
        await box.remove_children()
        heading = self.query_one("#h-alerts", Static)
        heading.update(f"Alerts ({len(summary.alerts)})" if summary.alerts else "Alerts")
        if not summary.alerts:
            await box.mount(Static("No alerts.", classes="muted"))
            return
        # The letter, and its name, say what the alert is: colour is only an extra.
        await box.mount_all(
            Static(
                f"{a.letter} {text.ALERT_NAMES.get(a.letter, ''):<9} {a.text}",
                classes=f"alert -alert-{a.letter.lower()}",
                markup=False,
            )
            for a in summary.alerts
        )

    async def _show_progress(self, summary: PatientSummary) -> None:
        grid = self.query_one("#progress", Grid)
        await grid.remove_children()
        reviews = summary.reviews
        self.query_one("#h-progress", Static).update(
            f"Progress ({len(reviews)} review{'' if len(reviews) == 1 else 's'})"
        )
        if not reviews:
            await grid.mount(Static("No finalised reviews yet.", classes="muted"))
            return
        await grid.mount_all(
            [
                Trend(
                    label,
                    [getattr(r, field) for r in reviews],
                    low=low,
                    high=high,
                    out_of=out_of,
                    higher_is_better=better,
                    id=f"t-{name}",
                )
                for name, label, field, low, high, out_of, better in TRENDS
            ]
        )

    def reload(self) -> None:
        self._open(self.row.id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if event.worker.group == "demographics":
            self.host.report_error(error)
            return
        self.query_one("#details").loading = False
        self.query_one("#details").display = False
        for widget in self.query(".clinical"):
            widget.display = False
        if isinstance(error, ServiceError):
            # A refusal names the action and the role; it carries no patient data.
            self.query_one("#message", Static).update(str(error))
        else:
            self.host.report_error(error)
            self.query_one("#message", Static).update("The record could not be opened.")

    # -- actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        roles = self.services.staff.roles
        if action == "prescription":
            return True if allowed(roles, Action.OST_DECISION) else None  # dimmed: a hint
        if action == "episode":
            return True if allowed(roles, Action.MANAGE_EPISODES) else None
        return True

    def action_edit(self) -> None:
        if self.record is not None:
            self._edit(self.record)
        else:  # reception: demographics without the clinical summary
            self._demographics(self.row.id)

    @work(thread=True, exclusive=True, group="demographics", exit_on_error=False)
    def _demographics(self, patient_id: int) -> None:
        self.post_message(self.Demographics(self.services.patients.demographics(patient_id)))

    def on_patient_summary_screen_demographics(self, message: Demographics) -> None:
        self._edit(message.record)

    def _edit(self, record: PatientRecord) -> None:
        from screens.patient_form import PatientFormScreen

        def saved(result: PatientRecord | None) -> None:
            if result is None:
                return
            self.query_one("#title", Static).update(self._title(result))
            if self.summary is not None:
                self.reload()

        self.app.push_screen(PatientFormScreen(record), saved)

    def action_episode(self) -> None:
        if not self._may(Action.MANAGE_EPISODES) or self.summary is None:
            return
        from screens.episode import EpisodeModal

        self.app.push_screen(EpisodeModal(self.summary.record, self.summary.episode), self._changed)

    def action_prescription(self) -> None:
        if not self._may(Action.OST_DECISION) or self.summary is None:
            return
        from screens.episode import PrescriptionModal

        self.app.push_screen(
            PrescriptionModal(self.summary.record, self.summary.current_dose), self._changed
        )

    def _may(self, action: Action) -> bool:
        if allowed(self.services.staff.roles, action):
            return True
        from console.services.roles import needed

        self.notify(f"Not allowed: to {action.value} needs the role {needed(action)}.")
        return False

    def _changed(self, result: object) -> None:
        if result is not None:
            self.reload()

    def action_care_plan(self) -> None:
        from screens.care_plan import CarePlanScreen

        name = fmt.name_text(self.row.family_name, self.row.given_name)
        self.app.push_screen(CarePlanScreen(self.row.id, name))
