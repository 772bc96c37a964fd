"""After a check-up with a yes to a need-for-treatment question: offer a new treatment
episode (reference/recovery-checkups.md). `y` opens one today; `n` keeps the check-ups
and flags the next one to follow up."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

ACCEPTED = "New episode opened today."
DECLINED = "Stays on check-ups; next check-up will follow up."


class ReentryModal(ModalScreen[bool | None]):
    """Dismisses True (accepted), False (declined) or None (escape: ask later)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes, open an episode", id="reentry.yes"),
        Binding("n", "answer(False)", "No, stay on check-ups", id="reentry.no"),
        Binding("escape", "answer(None)", "Not now", id="reentry.later"),
    ]
    DEFAULT_CSS = """
    ReentryModal { align: center middle; }
    ReentryModal > Vertical {
        width: 72; height: auto; border: round $primary; padding: 0 1;
    }
    ReentryModal #reentry-question { text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Offer a new treatment episode?", id="reentry-question")
            yield Static(
                "The patient answered yes to a need-for-treatment question. With their "
                "agreement a new episode opens today and the check-ups stop."
            )
            yield Static("y  Yes: the patient agrees; open a new episode today")
            yield Static("n  No: the patient declines; stay on check-ups")
        yield Footer()

    def action_answer(self, accept: bool | None) -> None:
        self.dismiss(accept)
