"""First run on an empty database (the admin): demonstration data, or start empty."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.validation import Function
from textual.widgets import Footer, Header, Input, LoadingIndicator, Static
from textual.worker import Worker, WorkerState

from console.services.errors import Invalid, ServiceError
from screens.host import ConsoleScreen


def _has_text(value: str) -> bool:
    return bool(value.strip())


DEMO_PATIENTS = 300
DEMO_SEED = 1


class FirstRunScreen(ConsoleScreen[bool]):
    """Dismissed with True once the practice is set up (demo data or a name)."""

    CSS_PATH = "first_run.tcss"
    AUTO_FOCUS = ""  # keep d and e as keys until the user chooses to type a name

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "demo", "Demonstration data", id="first-run.demo"),
        Binding("e", "start_empty", "Start empty", id="first-run.start-empty"),
        Binding("escape", "leave_name", "Back to choices", id="first-run.leave"),
    ]

    class Done(Message):
        def __init__(self, *, started_empty: bool = False) -> None:
            super().__init__()
            self.started_empty = started_empty

    def __init__(self, *, bootstrapped: bool = False) -> None:
        super().__init__()
        self.busy = False
        self.bootstrapped = bootstrapped

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        with Vertical(id="first-run"):
            yield Static("Welcome to Recovery Console", id="welcome")
            yield Static(
                "This database is new: it has no practice and no patients yet.\n"
                "Try the console with invented patients, or name your practice.",
                id="explain",
            )
            if self.bootstrapped:
                yield Static(
                    f"You ({self.services.login}) are its first member of staff, "
                    "so you have been made admin.",
                    id="bootstrapped",
                    markup=False,
                )
            yield Static(
                f"[b]d[/b]  Load demonstration data ({DEMO_PATIENTS} patients, "
                "clearly marked DEMO)",
                id="choice-demo",
                classes="choice",
            )
            yield Static(
                "[b]e[/b]  Start empty: type the practice's name, then press enter",
                id="choice-empty",
                classes="choice",
            )
            with Horizontal(id="name-row"):
                yield Input(
                    placeholder="e.g. Moorside Surgery",
                    id="practice-name",
                    validators=[Function(_has_text, "Practice name is required")],
                    validate_on=["submitted"],
                )
                yield Static("", id="name-error", markup=False)
            yield LoadingIndicator(id="busy")
            yield Static("", id="progress", markup=False)
            yield Static("", id="error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._set_busy("")

    # -- choices --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("demo", "start_empty") and self.busy:
            return None  # shown dimmed while loading
        if action == "leave_name":
            return isinstance(self.focused, Input)
        return True

    def action_demo(self) -> None:
        self._set_busy(f"Loading {DEMO_PATIENTS} demonstration patients…")
        self._load_demo()

    def action_start_empty(self) -> None:
        self.query_one("#practice-name", Input).focus()
        self.refresh_bindings()

    def action_leave_name(self) -> None:
        self.set_focus(None)
        self.refresh_bindings()

    @on(Input.Submitted, "#practice-name")
    def _name_submitted(self, event: Input.Submitted) -> None:
        result = event.validation_result
        if result is not None and not result.is_valid:
            self._name_error(" ".join(result.failure_descriptions))
            return
        self._name_error("")
        self._set_busy("Setting up the practice…")
        self._set_up(event.value)  # the service tidies and checks it again

    @on(Input.Changed, "#practice-name")
    def _name_changed(self, event: Input.Changed) -> None:
        if event.value.strip():
            self._name_error("")

    # -- work -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="first-run", exit_on_error=False)
    def _load_demo(self) -> None:
        self.services.demo.load(DEMO_PATIENTS, seed=DEMO_SEED)
        self.post_message(self.Done())

    @work(thread=True, exclusive=True, group="first-run", exit_on_error=False)
    def _set_up(self, name: str) -> None:
        self.services.practice.set_up(name)
        self.post_message(self.Done(started_empty=True))

    def on_first_run_screen_done(self, message: Done) -> None:
        self.dismiss(True)
        if message.started_empty:  # the rest of the letterhead, the time zone and so on
            self.nav.open_practice_details()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self._set_busy("")
        error = event.worker.error
        if isinstance(error, Invalid) and "name" in error.errors:
            self._name_error(error.errors["name"])
        elif isinstance(error, ServiceError):
            self._show_error(str(error))
        else:
            self.host.report_error(error)
            self._show_error(
                "Something went wrong; nothing was half-written. Try again, or start empty."
            )

    # -- display --------------------------------------------------------------------
    def _set_busy(self, text: str) -> None:
        self.busy = bool(text)
        for selector in ("#busy", "#progress"):
            self.query_one(selector).display = self.busy
        self.query_one("#progress", Static).update(text)
        self._show_error("")
        self.query_one("#practice-name", Input).disabled = self.busy
        self.refresh_bindings()

    def _show_error(self, text: str) -> None:
        error = self.query_one("#error", Static)
        error.update(text)
        error.display = bool(text)

    def _name_error(self, text: str) -> None:
        self.query_one("#name-error", Static).update(text)
        self.query_one("#practice-name", Input).set_class(bool(text), "-invalid")
