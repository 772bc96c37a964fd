"""The modal form every area's add/edit dialogue is built on: a label, a field and an
error line per field; ctrl+s saves through the service in a worker, escape cancels.

The form calls the service itself, so a refused save keeps the input open and shows each
reason beside its field (or on the message line when no field owns it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, Generic, TypeVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState

from console.rules.validate import FieldError
from console.services import Services
from console.services.errors import Invalid, ServiceError
from screens.widgets.discard import field_values, leave_or_ask
from screens.widgets.masked import as_typed

T = TypeVar("T")
NOT_SAVED = "Not saved: please correct the marked fields."
LINE = 78  # a message line at 80 columns, inside its padding


def cut(text: str, width: int) -> str:
    """One line of at most `width` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def labelled(
    leads: tuple[str, ...], label: str, reason: str, *, more: str = "", width: int = LINE
) -> str:
    """A refusal on one message line: `✗ label: reason`, after the longest lead that
    lets it fit ("Draft saved 10:00; to correct: ", then "Saved 10:00: "). The label is
    never dropped; only when the shortest lead is too long is the reason cut."""
    reason = " ".join(reason.split())
    if label and reason.startswith(f"{label}: "):
        reason = reason[len(label) + 2 :]
    named = f"✗ {label}: " if label else "✗ "
    for lead in leads:
        text = f"{lead}{named}{reason}{more}"
        if len(text) <= width:
            return text
    head = f"{leads[-1] if leads else ''}{named}"
    room = max(width - len(head) - len(more), 1)
    return f"{head}{cut(reason, room)}{more}"


class Saved(Message):
    def __init__(self, result: object) -> None:
        super().__init__()
        self.result = result


class ServiceForm(ModalScreen[T | None], Generic[T]):
    """Subclasses compose with `field()` and `form_footer()`, and say in `call()` which
    service call saves the form (or fill `errors`, or raise FieldError naming a field)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="form.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]
    FIELDS: tuple[str, ...] = ()

    @property
    def services(self) -> Services:
        return self.app.services  # type: ignore[attr-defined,no-any-return]

    def field(self, label: str, widget: Widget, *, note: str = "") -> ComposeResult:
        with Horizontal(classes="field", id=f"row-{widget.id}"):
            yield Label(label, classes="label")
            yield widget
            if note:
                yield Static(note, classes="note", markup=False)
        yield Static("", id=f"e-{widget.id}", classes="error", markup=False)

    def form_footer(self) -> ComposeResult:
        yield Static("", id="form-message", markup=False)
        yield Static("ctrl+s Save   esc Cancel", classes="keys")

    @on(Input.Blurred)
    def _checked(self, event: Input.Blurred) -> None:
        result = event.validation_result
        message = "" if result is None or result.is_valid else result.failure_descriptions[0]
        self.show_error(event.input.id or "", message)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        """A masked field's mistake is shown as it is typed, not only on leaving."""
        said = as_typed(event.input)
        if said is not None:
            self.show_error(event.input.id or "", said)

    def show_error(self, key: str, message: str) -> bool:
        """The message beside its field; False when no field owns it."""
        found = self.query(f"#e-{key}") if key else None
        if not found:
            return False
        error = found.first(Static)
        error.update(f"! {message}" if message else "")
        error.set_class(bool(message), "-shown")
        return True

    def say(self, message: str) -> None:
        self.query_one("#form-message", Static).update(message)

    def refuse(self, errors: dict[str, str]) -> None:
        unplaced = [m for key, m in errors.items() if not self.show_error(key, m)]
        self.say(" ".join(f"! {m}" for m in unplaced) if unplaced else NOT_SAVED)
        self._focus_first(errors)

    def _focus_first(self, errors: dict[str, str]) -> None:
        """The cursor goes to the first field in error, in the order they are on screen."""
        order = [k for k in self.FIELDS if k in errors] + [
            k for k in errors if k not in self.FIELDS
        ]
        for key in order:
            found = self.query(f"#{key}") if key.replace("_", "").replace("-", "").isalnum() else ()
            for widget in found:
                if widget.focusable:
                    widget.focus()
                    return

    def action_save(self) -> None:
        for key in self.FIELDS:
            self.show_error(key, "")
        self.say("")
        errors: dict[str, str] = {}
        try:
            call = self.call(errors)
        except FieldError as exc:
            errors[str(exc.args[1]) if len(exc.args) > 1 else ""] = str(exc.args[0])
            call = None
        if errors or call is None:
            self.refuse(errors)
            return
        self.proceed(call)

    def proceed(self, call: Callable[[], T]) -> None:
        """Make the checked call; a form that asks first (ending an episode) overrides it."""
        self.say("Saving…")
        self._run(call)

    def call(self, errors: dict[str, str]) -> Callable[[], T] | None:
        """The service call to make, or None with `errors` filled in by field."""
        raise NotImplementedError

    @work(thread=True, exclusive=True, group="form", exit_on_error=False)
    def _run(self, call: Callable[[], T]) -> None:
        self.post_message(Saved(call()))

    def on_saved(self, message: Saved) -> None:
        message.stop()
        self.dismiss(message.result)  # type: ignore[arg-type]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if isinstance(error, Invalid):
            self.refuse(error.errors)
        elif isinstance(error, ServiceError):
            self.say(str(error))
        else:
            self.say("Not saved: unexpected error.")
            self.app.report_error(error)  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        # What the fields held when the dialog opened (after the subclass filled them).
        self.call_after_refresh(self._remember_opened)

    def _remember_opened(self) -> None:
        self._opened = field_values(self)

    def action_cancel(self) -> None:
        """escape: leave at once if nothing changed, else ask before discarding."""
        leave_or_ask(self, getattr(self, "_opened", None), lambda: self.dismiss(None))
