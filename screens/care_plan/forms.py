"""The care plan's modal forms: goal, status (and drop), agreement.

Each returns a frozen dataclass (STYLE P7); the editor hands it to the service, which
checks again. Fields are checked as they are left (blur) and on save; a refused save
reopens the form with the same input and the reason (SPEC §7: input stays on screen).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar, Generic, TypeVar

import pendulum
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Select, Static

from console.rules import careplan as rules
from console.rules.vocab import DOMAIN_LABEL, GoalStatus
from console.services.careplan_dto import AgreeInput, GoalInput, StatusInput
from screens.widgets.discard import field_values, leave_or_ask
from screens.widgets.masked import MaskedInput, as_typed, date_input

T = TypeVar("T")
NEXT_STATUS = {
    GoalStatus.NOT_STARTED: GoalStatus.IN_PROGRESS.value,
    GoalStatus.IN_PROGRESS: GoalStatus.ACHIEVED.value,
    GoalStatus.ACHIEVED: GoalStatus.IN_PROGRESS.value,
    GoalStatus.DROPPED: GoalStatus.IN_PROGRESS.value,
}
Check = Callable[[str], object]


def _said(check: Check, text: str) -> str | None:
    try:
        check(text)
    except rules.FieldError as exc:
        return str(exc)
    return None


class FormModal(ModalScreen[T | None], Generic[T]):
    """Label + field + error line per field; ctrl+s saves, escape cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="care-plan-form.save"),
        Binding("escape", "cancel", "Cancel", id="care-plan-form.cancel"),
    ]
    title_text = ""

    def __init__(self, *, message: str = "", errors: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.message = message
        self.errors = dict(errors or {})
        self.checks: dict[str, Check] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(self.title_text, id="form-title")
            yield from self.fields()
            yield Static(self.message, id="form-message", markup=False)
            yield Static("ctrl+s save · esc cancel", id="form-keys")

    def fields(self) -> ComposeResult:
        yield from ()

    def field(
        self, key: str, label: str, widget: Input | Select[str], check: Check | None = None
    ) -> ComposeResult:
        if check is not None:
            self.checks[key] = check
            if isinstance(widget, MaskedInput) and widget.check is None:
                widget.check = lambda text: _said(check, text)  # marked as typed
        widget.id = f"field-{key}"
        yield Label(label, classes="field-label")
        yield widget
        error = Static(
            self.errors.get(key, ""), id=f"error-{key}", classes="field-error", markup=False
        )
        error.display = key in self.errors
        yield error

    def on_mount(self) -> None:
        for key in self.errors:
            self._mark(key, self.errors[key])
        self.call_after_refresh(self._remember_opened)

    def _remember_opened(self) -> None:
        # What the fields held when the form opened: escape asks only after a change.
        self._opened = field_values(self)

    def value(self, key: str) -> str:
        widget = self.query_one(f"#field-{key}")
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else str(widget.value)
        assert isinstance(widget, Input)
        return widget.value

    def _mark(self, key: str, message: str) -> None:
        line = self.query_one(f"#error-{key}", Static)
        line.update(f"! {message}" if message else "")
        line.display = bool(message)  # an empty error line takes no room
        self.query_one(f"#field-{key}").set_class(bool(message), "-invalid-field")

    def check(self, key: str) -> bool:
        try:
            self.checks[key](self.value(key))
        except rules.FieldError as exc:
            self._mark(key, str(exc))
            return False
        self._mark(key, "")
        return True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """A masked field's mistake is shown as it is typed, not only on leaving."""
        said = as_typed(event.input)
        if said is not None:
            self._mark((event.input.id or "").removeprefix("field-"), said)

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        key = (event.input.id or "").removeprefix("field-")
        if key in self.checks:
            self.check(key)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    def action_save(self) -> None:
        results = [self.check(key) for key in self.checks]  # every field, not the first only
        if all(results):
            self.dismiss(self.result())
        else:
            self.query_one("#form-message", Static).update(
                "Not saved: please correct the marked fields."
            )

    def result(self) -> T:
        raise NotImplementedError

    def action_cancel(self) -> None:
        leave_or_ask(self, getattr(self, "_opened", None), lambda: self.dismiss(None))


class GoalFormModal(FormModal[GoalInput]):
    def __init__(
        self,
        initial: GoalInput,
        *,
        today: pendulum.Date,
        new: bool,
        old_target: str = "",
        message: str = "",
        errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message=message, errors=errors)
        self.initial = initial
        self.today = today
        self.new = new
        self.old_target = old_target  # the stored target of the goal being edited
        self.title_text = "Add a goal" if new else "Edit goal"

    def fields(self) -> ComposeResult:
        g = self.initial
        options = [(label, d.value) for d, label in DOMAIN_LABEL.items()]
        yield from self.field(
            "domain",
            "Domain",
            Select(options, value=g.domain or Select.NULL, allow_blank=not g.domain),
            rules.domain,
        )
        yield from self.field(
            "words",
            "The goal, in the patient's words",
            Input(g.words, max_length=rules.WORDS_LIMIT),
            rules.words,
        )
        yield from self.field(
            "actions", "Actions", Input(g.actions, max_length=rules.ACTIONS_LIMIT), rules.actions
        )
        yield from self.field(
            "owner", "Who does them", Input(g.owner, max_length=rules.OWNER_LIMIT), rules.owner
        )
        earliest = "today or later" if self.new else "DD/MM/YYYY"
        yield from self.field(
            "target_date",
            f"Target date (optional, {earliest})",
            date_input(g.target_date),
            self._target,
        )

    def _target(self, text: str) -> object:
        # An unchanged old target may lie in the past (the service applies the same rule).
        new = self.new or text.strip() != self.old_target
        return rules.target_date(text, today=self.today, new=new)

    def result(self) -> GoalInput:
        return GoalInput(
            *(self.value(k) for k in ("domain", "words", "actions", "owner", "target_date"))
        )


class StatusModal(FormModal[StatusInput]):
    def __init__(
        self,
        goal_words: str,
        current: str,
        *,
        drop: bool = False,
        initial: StatusInput | None = None,
        message: str = "",
        errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message=message, errors=errors)
        self.drop = drop
        self.current = current
        self.initial = initial
        self.title_text = f"{'Drop' if drop else 'Status of'}: {goal_words}"

    def fields(self) -> ComposeResult:
        if not self.drop:
            options = [
                (rules.STATUS_LABEL[s], s.value) for s in GoalStatus if s is not GoalStatus.DROPPED
            ]
            # Offer the likely next step, so one key press records the usual move.
            chosen = self.initial.status if self.initial else NEXT_STATUS[self.current]
            yield from self.field(
                "status", "New status", Select(options, value=chosen, allow_blank=False)
            )
        note = self.initial.note if self.initial else ""
        if self.drop:
            yield from self.field(
                "note", "Reason for dropping (required)", Input(note), self._reason
            )
        else:
            yield from self.field("note", "Note (optional)", Input(note), self._note)

    @staticmethod
    def _reason(text: str) -> str:
        return rules.text_field(text, label="a reason", limit=rules.REASON_LIMIT, required=True)

    @staticmethod
    def _note(text: str) -> str:
        return rules.text_field(text, label="note", limit=rules.NOTE_LIMIT, required=False)

    def result(self) -> StatusInput:
        status = GoalStatus.DROPPED.value if self.drop else self.value("status")
        return StatusInput(status, self.value("note"))


class AgreeModal(FormModal[AgreeInput]):
    def __init__(
        self,
        version_no: int,
        *,
        today: pendulum.Date,
        initial: AgreeInput | None = None,
        message: str = "",
        errors: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message=message, errors=errors)
        self.today = today
        self.initial = initial or AgreeInput(today.format("DD/MM/YYYY"), "")
        self.title_text = f"Agree version {version_no} with the patient"

    def fields(self) -> ComposeResult:
        a = self.initial
        yield from self.field(
            "agreed_on",
            "Date agreed (DD/MM/YYYY, not in the future)",
            date_input(a.agreed_on),
            lambda v: rules.agreed_on(v, today=self.today),
        )
        yield from self.field(
            "agreed_with",
            "Agreed with (the patient, and anyone with them)",
            Input(a.agreed_with),
            lambda v: rules.text_field(
                v, label="who agreed", limit=rules.AGREED_WITH_LIMIT, required=True
            ),
        )
        yield from self.field(
            "comment",
            "Patient's comment (optional)",
            Input(a.comment),
            lambda v: rules.text_field(
                v, label="comment", limit=rules.COMMENT_LIMIT, required=False
            ),
        )

    def result(self) -> AgreeInput:
        return AgreeInput(self.value("agreed_on"), self.value("agreed_with"), self.value("comment"))
