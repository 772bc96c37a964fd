"""The Textual application: services in, global keys, the palette and the first screen.

Feature keys live on the screens (STYLE P1, A6); the App keeps quit, help and palette.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from console.services import Services
from console.services.dto import PatientRow, Practice
from console.services.errors import ServiceError
from console.services.roles import Action, allowed
from screens.commands import PatientProvider
from screens.first_run import FirstRunScreen
from screens.help import HelpScreen
from screens.patient_list import PatientListScreen
from screens.patient_summary import PatientSummaryScreen

# Rich's colour systems with 16 colours or fewer: use the terminal's own ANSI palette.
FEW_COLOURS = ("standard", "windows")


class RecoveryConsole(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Recovery Console"
    COMMANDS = App.COMMANDS | {PatientProvider}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Not priority: an Input keeps q (A7), so typing "Quinn" never quits.
        Binding("q", "quit", "Quit", id="app.quit-q"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding(
            "ctrl+p", "command_palette", "Commands", show=False, id="app.commands", priority=True
        ),
    ]

    def __init__(self, services: Services, *, bootstrapped: bool = False) -> None:
        super().__init__()
        self.services = services
        self.bootstrapped = bootstrapped
        self.practice: Practice | None = None
        if self.console.color_system in FEW_COLOURS:
            # 16-colour terminals (and NO_COLOR via Textual's filter) get native ANSI colours
            # rather than truecolour squeezed into 16.
            self.theme = "ansi-dark"

    def get_default_screen(self) -> Screen[None]:
        return PatientListScreen()

    def on_mount(self) -> None:
        self.refresh_header()
        if self.bootstrapped:
            self.notify(
                f"You are the first member of staff on this database ({self.services.login}) "
                "and have been made admin.",
                title="Welcome",
                timeout=10,
            )
        if not self.services.practice.is_set_up():
            if allowed(self.services.staff.roles, Action.ADMINISTER):
                self.push_screen(FirstRunScreen(), self._first_run_done)
            else:
                self.notify(
                    "The practice is not set up yet: ask the practice manager to start the "
                    "console once.",
                    severity="warning",
                    timeout=10,
                )

    def _first_run_done(self, done: bool | None) -> None:
        self.refresh_header()
        screen = self.screen
        if done and isinstance(screen, PatientListScreen):
            screen.reload()

    def refresh_header(self) -> None:
        """Practice name, DEMO, and who is signed in (roles change when demo data loads)."""
        self.practice = practice = self.services.practice.get()
        staff = self.services.staff
        name = practice.name if practice.name else "Recovery Console"
        self.title = f"DEMO · {name}" if practice.is_demo else name
        self.sub_title = f"{staff.name} · {staff.roles_text}"
        self.set_class(practice.is_demo, "-demo")

    # -- shared by the screens ------------------------------------------------------
    def open_patient(self, row: PatientRow) -> None:
        self.push_screen(PatientSummaryScreen(row))

    def report_error(self, error: BaseException) -> None:
        """One place where a failed worker reaches the user (STYLE P5)."""
        if isinstance(error, ServiceError):
            self.notify(str(error), severity="error", timeout=10)
        else:
            # Database errors can quote a row: name the kind only, never the text.
            self.notify(
                f"Unexpected {type(error).__name__}; nothing was half-written. "
                "Please report the time it happened.",
                severity="error",
                timeout=10,
            )

    # -- global keys ----------------------------------------------------------------
    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        bindings = screen.active_bindings  # public API, not widget._bindings (A11)
        display = {key: self.get_key_display(a.binding) for key, a in bindings.items()}
        keys = HelpScreen.keys_from(bindings, display)
        title = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(_words(title), keys))


def _words(camel: str) -> str:
    """ "PatientList" → "Patient list"."""
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in camel).strip()
    return out[:1].upper() + out[1:]
