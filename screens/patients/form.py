"""Register a patient or edit demographics and consent (SPEC §2, §3).

Each field is checked when the user leaves it (the validators call console.rules), and
again by the service on save (ctrl+s); the service's errors land beside their fields. A
save over someone else's newer change is refused with who and when, and the input stays.
The screen returns the saved PatientRecord, or None when cancelled.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.validation import Validator
from textual.widgets import Checkbox, Footer, Header, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.rules.vocab import CONTACT_METHODS, Sex
from console.services.dto import Keyworker, PatientInput, PatientRecord
from console.services.errors import Invalid, ServiceError, Stale
from console.services.roles import Action, allowed
from screens import validators as v
from screens.host import ConsoleScreen
from screens.widgets.discard import field_values, leave_or_ask
from screens.widgets.masked import MaskedInput, date_input, nhs_input
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
NONE = "none"  # the choice for "no preference" / "none assigned" (a Select needs a value)
CONTACT_CHOICES = [("No preference", NONE), *[(t, k) for k, t in CONTACT_METHODS.items()]]
# Household: a clinician's or recovery worker's to record (SPEC §1); others do not see it.
HOUSEHOLD_FIELDS = (
    ("children_under_16", "Children <16", "living in the household, 0–20"),
    ("safe_storage_discussed", "Safe storage", "date discussed DD/MM/YYYY, blank if not"),
)
DATE_FIELDS = frozenset({"date_of_birth", "recovery_start", "safe_storage_discussed"})
ERROR_KEYS = (
    *(key for key, _l, _h in TEXT_FIELDS),
    "sex",
    "preferred_contact",
    "keyworker_id",
    *(key for key, _l, _h in HOUSEHOLD_FIELDS),
)


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

    class Keyworkers(Message):
        def __init__(self, staff: tuple[Keyworker, ...]) -> None:
            super().__init__()
            self.staff = staff

    def __init__(self, record: PatientRecord | None = None) -> None:
        super().__init__()
        self.record = record
        self.saving = False
        self.household = False  # set on compose from the role

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
                    yield self._input(key, hint)
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
            yield from self._choice("Contact", CONTACT_CHOICES, "preferred_contact")
            consents = (
                ("Consent", "letters to the home address", "consent_letters_home"),
                ("", "contact with named family", "consent_family_contact"),
                ("", "sharing with the specialist service", "consent_share_specialist"),
            )
            for label, text, key in consents:
                with Horizontal(classes="field"):
                    yield Label(label, classes="label")
                    yield TickBox(text, bool(getattr(r, key)) if r else False, id=key)
            yield from self._choice("Keyworker", [("None assigned", NONE)], "keyworker_id")
            self.household = allowed(self.services.staff.roles, Action.EDIT_HOUSEHOLD)
            if self.household:
                for key, label, hint in HOUSEHOLD_FIELDS:
                    with Horizontal(classes="field"):
                        yield Label(label, classes="label")
                        yield self._input(key, hint)
                    yield Static("", id=f"e-{key}", classes="error", markup=False)
        yield Footer()

    def _input(self, key: str, hint: str) -> Input:
        """A text field; NHS number and dates are formatted as they are typed, and
        marked as soon as what is typed is complete and wrong."""
        validators = self._validators(key)
        kwargs: dict[str, Any] = {
            "placeholder": hint,
            "id": key,
            "compact": True,
            "validators": validators,
            "validate_on": {"blur", "submitted"},
        }
        if key == "nhs_number":  # its validator is also the rule it is marked by as typed
            return nhs_input(self._initial(key), **kwargs)
        if key in DATE_FIELDS:
            return date_input(self._initial(key), **kwargs)
        return Input(self._initial(key), **kwargs)

    def _choice(self, label: str, choices: list[tuple[str, str]], key: str) -> ComposeResult:
        r = self.record
        value = NONE
        if r is not None and key == "preferred_contact" and r.preferred_contact:
            value = r.preferred_contact
        if r is not None and key == "keyworker_id" and r.keyworker_id is not None:
            value = str(r.keyworker_id)  # kept while the staff list loads
            choices = [*choices, ("…", value)]
        with Horizontal(classes="field"):
            yield Label(label, classes="label")
            yield Select(choices, value=value, allow_blank=False, id=key, compact=True)
        yield Static("", id=f"e-{key}", classes="error", markup=False)

    def on_mount(self) -> None:
        self._load_keyworkers()
        self.call_after_refresh(self._remember_opened)

    def _remember_opened(self) -> None:
        # What the form held when it opened: escape asks only after a change.
        self._opened = field_values(self)

    @work(thread=True, exclusive=True, group="keyworkers", exit_on_error=False)
    def _load_keyworkers(self) -> None:
        self.post_message(self.Keyworkers(self.services.patients.keyworkers()))

    def on_patient_form_screen_keyworkers(self, message: Keyworkers) -> None:
        choices = [("None assigned", NONE), *[(k.name, str(k.id)) for k in message.staff]]
        current = self.record.keyworker_id if self.record else None
        if current is not None and all(k.id != current for k in message.staff):
            choices.append(("a former member of staff", str(current)))  # kept as it was
        select = self.query_one("#keyworker_id", Select)
        select.set_options(choices)
        select.value = NONE if current is None else str(current)
        if hasattr(self, "_opened"):  # the list arriving is not a change made by staff
            self._opened["keyworker_id"] = select.value

    def _initial(self, key: str) -> str:
        r = self.record
        if r is None:
            return ""
        if key == "nhs_number":
            return fmt.nhs(r.nhs_number)
        if key in ("date_of_birth", "recovery_start", "safe_storage_discussed"):
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
            "children_under_16": v.children(),
            "safe_storage_discussed": v.date(today, required=False),
        }
        return [checks[key]]

    # -- checking -----------------------------------------------------------------------
    @on(Input.Blurred)
    @on(Input.Submitted)
    def _checked(self, event: Input.Blurred | Input.Submitted) -> None:
        result = event.validation_result
        message = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self._show_error(event.input.id or "", message)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """A masked field's mistake is shown as it is typed, not only on leaving."""
        field = event.input
        complete = isinstance(field, MaskedInput) and field.mask.complete(field.value)
        if isinstance(field, MaskedInput) and field.id and (field.problem or complete):
            self._show_error(field.id, field.problem)

    def _show_error(self, key: str, message: str) -> None:
        error = self.query_one(f"#e-{key}", Static)
        error.update(message)
        error.set_class(bool(message), "-shown")

    def show_errors(self, errors: dict[str, str]) -> None:
        """The service's errors beside their fields; the first invalid field gets focus."""
        first = None
        for key in ERROR_KEYS:
            if not self.query(f"#{key}"):
                continue  # a household field not on this member of staff's form
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
        household: dict[str, str | None] = {
            key: self.query_one(f"#{key}", Input).value if self.household else None
            for key, _l, _h in HOUSEHOLD_FIELDS
        }
        contact = str(self.query_one("#preferred_contact", Select).value)
        keyworker = str(self.query_one("#keyworker_id", Select).value)
        return PatientInput(
            **texts,
            **household,  # type: ignore[arg-type]
            sex=str(self.query_one("#sex", Select).value),
            consent_letters_home=self.query_one("#consent_letters_home", Checkbox).value,
            consent_family_contact=self.query_one("#consent_family_contact", Checkbox).value,
            consent_share_specialist=self.query_one("#consent_share_specialist", Checkbox).value,
            preferred_contact="" if contact == NONE else contact,
            keyworker_id=None if keyworker == NONE else int(keyworker),
        )

    # -- saving -------------------------------------------------------------------------
    def action_save(self) -> None:
        if self.saving:
            return
        errors: dict[str, str] = {}
        typed = (*TEXT_FIELDS, *(HOUSEHOLD_FIELDS if self.household else ()))
        for key, _label, _hint in typed:
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

    def holds_input(self) -> bool:
        return True  # a form on screen: going home would discard it

    def action_cancel(self) -> None:
        leave_or_ask(self, getattr(self, "_opened", None), lambda: self.dismiss(None))
