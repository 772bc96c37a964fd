"""Administration (SPEC §3 screen 9): the practice manager's sections, admin role only."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from screens.admin.audit import AuditScreen
from screens.admin.practice import PracticeScreen
from screens.admin.staff import StaffScreen
from screens.admin.templates import TemplatesScreen
from screens.host import ConsoleScreen

SECTIONS = (
    ("staff", "Staff and roles", "who may sign in, with which roles and title"),
    ("practice", "Practice details", "letterhead, signature, time zone, idle lock"),
    ("templates", "Letter templates", "wording, preview, history, shipped wording"),
    ("audit", "Audit log", "who did what and when; verify the chain"),
    ("resources", "Recovery resources directory", "mutual aid groups and local services"),
)


class AdminScreen(ConsoleScreen[None]):
    CSS_PATH = "admin.tcss"
    AUTO_FOCUS = "#sections"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", "Back", id="admin.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Administration", id="title")
        yield OptionList(
            *(Option(f"{title:<30} {help_text}", id=key) for key, title, help_text in SECTIONS),
            id="sections",
        )
        yield Static("↑↓ and enter opens a section · escape goes back to the list", classes="note")
        yield Footer()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        key = event.option.id
        if key == "staff":
            self.app.push_screen(StaffScreen())
        elif key == "practice":
            self.app.push_screen(PracticeScreen())
        elif key == "resources":
            self.nav.open_resources(from_area=True)
        elif key == "templates":
            self.app.push_screen(TemplatesScreen())
        elif key == "audit":
            self.app.push_screen(AuditScreen())
