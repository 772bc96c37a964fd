"""The Textual application: services in, global keys, the palette and the first screen.

Feature keys live on the screens (STYLE P1, A6); the App keeps quit, help and palette.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import SearchIcon
from textual.screen import Screen

from console.services import Services
from console.services.dto import PatientRow, Practice
from console.services.errors import ServiceError
from console.services.roles import Action, allowed
from screens.commands import PatientProvider
from screens.first_run import FirstRunScreen
from screens.help import HelpScreen, keys_of
from screens.patient_list import PatientListScreen
from screens.patient_summary import PatientSummaryScreen

# Rich's colour systems with 16 colours or fewer: use the terminal's own ANSI palette.
FEW_COLOURS = ("standard", "windows")


class RecoveryConsole(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "Recovery Console"
    COMMANDS = App.COMMANDS | {PatientProvider}
    # The patient list is the bottom of the stack. A mode rather than get_default_screen(),
    # because Textual loads a screen's CSS_PATH for modes but not for the default screen.
    MODES: ClassVar[dict[str, type[Screen[None]]]] = {"patients": PatientListScreen}
    DEFAULT_MODE = "patients"

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
            # A 16-colour terminal gets its own ANSI palette rather than truecolour squeezed
            # into 16. (NO_COLOR needs nothing here: Textual filters colour out itself.)
            self.theme = "ansi-dark"

    def on_mount(self) -> None:
        self.refresh_header()
        first_run = not self.services.practice.is_set_up()
        if first_run and allowed(self.services.staff.roles, Action.ADMINISTER):
            # The first-run screen says "made admin" itself: a toast would cover its field.
            self.push_screen(FirstRunScreen(bootstrapped=self.bootstrapped), self._first_run_done)
            return
        if self.bootstrapped:
            self.notify(
                f"You ({self.services.login}) are the first member of staff on this database "
                "and have been made admin.",
                title="Welcome",
                timeout=10,
            )
        if first_run:
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
        demo = practice.is_demo and "DEMO" not in name.upper()
        self.title = f"DEMO · {name}" if demo else name
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

    def on_command_palette_opened(self) -> None:
        # Textual's palette shows an emoji; our screens keep to common font characters.
        for icon in self.screen.query(SearchIcon):
            icon.icon = "▸"

    # -- global keys ----------------------------------------------------------------
    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        keys = keys_of(screen, self)
        title = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(_words(title), keys))


def _words(camel: str) -> str:
    """PatientList → Patient list."""
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in camel).strip()
    return out[:1].upper() + out[1:]
