"""Register a patient or edit demographics and consent (SPEC §2, §3).

Each field is checked when the user leaves it (the validators call console.rules), and
again by the service on save (ctrl+s); the service's errors land beside their fields. A
save over someone else's newer change is refused with who and when, and the input stays.
The screen returns the saved PatientRecord, or None when cancelled.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.validation import Validator
from textual.widgets import Checkbox, Footer, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.rules.vocab import Sex
from console.services.dto import PatientInput, PatientRecord
from console.services.errors import Invalid, ServiceError, Stale
from screens import validators as v
from screens.host import ConsoleScreen
from screens.widgets.tickbox import TickBox

# (field, label, placeholder / allowed range shown to the user)
TEXT_FIELDS = (
    ("nhs_number", "NHS number", "10 digits, e.g. 943 476 5919"),
    ("family_name", "Family name", "required, up to 60 characters"),
    ("given_name", "Given name", "required, up to 60 characters"),
    ("date_of_birth", "Date of birth", "DD/MM/YYYY, not in the future"),
    ("address_line_1", "Address", "line 1"),
    ("address_line_2", "", "line 2"),
    ("town", "Town", ""),
    ("postcode", "Postcode", "e.g. WF1 1AA"),
    ("phone", "Phone", "10–15 digits"),
    ("email", "Email", "name@example.org"),
    ("recovery_start", "Recovery since", "DD/MM/YYYY, optional"),
)
SEX_CHOICES = [(s.value.capitalize(), s.value) for s in Sex]


class PatientFormScreen(ConsoleScreen[PatientRecord | None]):
    CSS_PATH = "form.tcss"
    AUTO_FOCUS = "#nhs_number"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="patient-form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="patient-form.cancel"),
    ]

    class Saved(Message):
        def __init__(self, record: PatientRecord) -> None:
            super().__init__()
            self.record = record

    def __init__(self, record: PatientRecord | None = None) -> None:
        super().__init__()
        self.record = record
        self.saving = False

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        r = self.record
        yield Header(icon="≡")
        if r is None:
            title = "Register a new patient"
        else:
            title = (
                f"Edit {fmt.name_text(r.family_name, r.given_name)} · {fmt.nhs(r.nhs_number)}"
                f" · {fmt.date_text(r.date_of_birth)}"
            )
        yield Static(title, id="form-title", markup=False)
        yield Static("", id="form-message", markup=False)
        with VerticalScroll(id="form"):
            for key, label, hint in TEXT_FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="label")
                    yield Input(
                        self._initial(key),
                        placeholder=hint,
                        id=key,
                        compact=True,
                        validators=self._validators(key),
                        validate_on={"blur", "submitted"},
                    )
                yield Static("", id=f"e-{key}", classes="error", markup=False)
                if key == "date_of_birth":
                    with Horizontal(classes="field"):
                        yield Label("Sex", classes="label")
                        yield Select(
                            SEX_CHOICES,
                            value=r.sex if r else Sex.UNKNOWN.value,
                            allow_blank=False,
                            id="sex",
                            compact=True,
                        )
                    yield Static("", id="e-sex", classes="error", markup=False)
            with Horizontal(classes="field"):
                yield Label("Consent", classes="label")
                yield TickBox(
                    "letters to the home address",
                    r.consent_letters_home if r else False,
                    id="consent_letters_home",
                )
        yield Footer()

    def _initial(self, key: str) -> str:
        r = self.record
        if r is None:
            return ""
        if key == "nhs_number":
            return fmt.nhs(r.nhs_number)
        if key in ("date_of_birth", "recovery_start"):
            value = getattr(r, key)
            return value.strftime("%d/%m/%Y") if value else ""
        return str(getattr(r, key))

    def _validators(self, key: str) -> list[Validator]:
        today = self.services.clock.today
        checks: dict[str, Validator] = {
            "nhs_number": v.nhs_number(),
            "family_name": v.name("family name"),
            "given_name": v.name("given name"),
            "date_of_birth": v.date(today),
            "address_line_1": v.text(80),
            "address_line_2": v.text(80),
            "town": v.text(60),
            "postcode": v.postcode(),
            "phone": v.phone(),
            "email": v.email(),
            "recovery_start": v.date(today, required=False),
        }
        return [checks[key]]

    # -- checking -----------------------------------------------------------------------
    @on(Input.Blurred)
    @on(Input.Submitted)
    def _checked(self, event: Input.Blurred | Input.Submitted) -> None:
        result = event.validation_result
        message = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self._show_error(event.input.id or "", message)

    def _show_error(self, key: str, message: str) -> None:
        error = self.query_one(f"#e-{key}", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def show_errors(self, errors: dict[str, str]) -> None:
        """The service's errors beside their fields; the first invalid field gets focus."""
        first = None
        for key, _label, _hint in (*TEXT_FIELDS, ("sex", "", "")):
            message = errors.get(key, "")
            self._show_error(key, message)
            widget = self.query_one(f"#{key}")
            if isinstance(widget, Input):
                widget.set_class(bool(message), "-invalid")
            if message and first is None:
                first = widget
        if first is not None:
            first.focus()
            self.query_one("#form", VerticalScroll).scroll_to_widget(first)

    def values(self) -> PatientInput:
        texts = {key: self.query_one(f"#{key}", Input).value for key, _l, _h in TEXT_FIELDS}
        return PatientInput(
            **texts,
            sex=str(self.query_one("#sex", Select).value),
            consent_letters_home=self.query_one("#consent_letters_home", Checkbox).value,
        )

    # -- saving -------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        errors: dict[str, str] = {}
        for key, _label, _hint in TEXT_FIELDS:
            field = self.query_one(f"#{key}", Input)
            result = field.validate(field.value)
            if result is not None and not result.is_valid:
                errors[key] = result.failure_descriptions[0]
        if errors:
            self.show_errors(errors)
            self._message("Not saved: put right the fields marked below.")
            return
        self.saving = True
        self._message("Saving…")
        self._save(self.values())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, data: PatientInput) -> None:
        patients = self.services.patients
        if self.record is None:
            saved = patients.register(data)
        else:
            saved = patients.update(self.record.id, self.record.version, data)
        self.post_message(self.Saved(saved))

    def on_patient_form_screen_saved(self, message: Saved) -> None:
        self.saving = False
        self.dismiss(message.record)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.saving = False
        error = event.worker.error
        if isinstance(error, Invalid):
            self.show_errors(error.errors)
            self._message("Not saved: put right the fields marked below.")
        elif isinstance(error, Stale):
            self._message(str(error))  # who and when; the input stays as typed
        elif isinstance(error, ServiceError):
            self._message(str(error))
        else:
            self._message("Not saved: an unexpected error (reported).")
            self.host.report_error(error)

    def _message(self, text: str) -> None:
        self.query_one("#form-message", Static).update(text)

    def action_cancel(self) -> None:
        self.dismiss(None)
