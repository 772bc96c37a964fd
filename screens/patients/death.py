"""`d` on the summary: record a death whatever the status, or correct one recorded in error
(clinician or recovery worker; the service checks the role and the date again).

Recording asks first, naming the patient and the date, because it stops every review,
check-up, letter and the prescription (hazards H40, H41).
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from console import format as fmt
from console.rules import validate
from console.services.dto import DeathChange
from screens import validators as v
from screens.patients.episode import PatientModal, checked_date
from screens.widgets.ask import AskModal
from screens.widgets.form import ServiceForm
from screens.widgets.masked import date_input

WHAT_DEATH_DOES = (
    "Recording a death closes an open episode (exit 89), stops the prescription whoever"
    " records it, and stops reviews, check-ups, recalls, letters and worklist entries."
)

BEFORE_BIRTH = "the date of death is before the date of birth"


class DeathModal(PatientModal[DeathChange]):
    """The date of death: not in the future, not before the birth."""

    FIELDS = ("date_of_death",)
    AUTO_FOCUS = "#date_of_death"

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal"):
            yield from self.heading("Record a death")
            yield from self.field(
                "Date of death",
                date_input(
                    id="date_of_death",
                    compact=True,
                    validators=[v.date(self._today), v.Rule(self._after_birth)],
                ),
            )
            yield Static(WHAT_DEATH_DOES, classes="hint", markup=False)
            yield from self.form_footer()

    def _today(self) -> pendulum.Date:
        return self.services.clock.today()

    def _after_birth(self, text: str) -> None:
        try:
            value = validate.date(text, today=self._today(), required=False)
        except validate.FieldError:
            return  # the date rule says what is wrong with it
        if value is not None and value < self.record.date_of_birth:
            raise validate.FieldError(BEFORE_BIRTH)

    def call(self, errors: dict[str, str]) -> Callable[[], DeathChange]:
        died = checked_date(self, "date_of_death")
        if died < self.record.date_of_birth:
            raise validate.FieldError(BEFORE_BIRTH, "date_of_death")
        deaths = self.services.deaths
        pid = self.record.id
        return lambda: deaths.record(pid, died)

    def proceed(self, call: Callable[[], DeathChange]) -> None:
        r = self.record
        died = checked_date(self, "date_of_death")
        who = f"{fmt.name_text(r.family_name, r.given_name)} · {fmt.nhs(r.nhs_number)}"

        def answered(yes: bool | None) -> None:
            if yes:
                ServiceForm.proceed(self, call)

        self.app.push_screen(
            AskModal(
                "Record this death?",
                (f"{who} died on {fmt.date_text(died)}.", WHAT_DEATH_DOES),
                "record the death",
                "go back to the form",
            ),
            answered,
        )


class CorrectDeathModal(PatientModal[DeathChange]):
    """A death recorded in error: the reason is kept in the audit log."""

    FIELDS = ("reason",)
    AUTO_FOCUS = "#reason"

    def compose(self) -> ComposeResult:
        died = self.record.date_of_death
        with Vertical(classes="modal"):
            yield from self.heading("Correct a death recorded in error")
            yield Static(
                f"Recorded as deceased{f' on {fmt.date_text(died)}' if died else ''}. Correcting"
                " it brings back the status it replaced; a stopped prescription stays stopped"
                " (a clinician records it again).",
                classes="hint",
                markup=False,
            )
            yield from self.field(
                "Why in error",
                Input(
                    placeholder="e.g. recorded against the wrong patient",
                    id="reason",
                    compact=True,
                ),
            )
            yield from self.form_footer()

    def call(self, errors: dict[str, str]) -> Callable[[], DeathChange]:
        reason = self.query_one("#reason", Input).value
        deaths = self.services.deaths
        pid = self.record.id
        return lambda: deaths.correct(pid, reason)


def death_words(change: DeathChange) -> str:
    """What the summary says after the modal closes."""
    if change.date_of_death is None:
        reopened = " and the episode reopened" if change.episode_reopened else ""
        return f"Death record corrected: status back to {fmt.status_text(change.status)}{reopened}."
    done = ["Death recorded"]
    if change.episode_closed:
        done.append("the episode closed (exit 89)")
    if change.prescription_stopped:
        done.append("the prescription stopped")
    return ", ".join(done) + "."
