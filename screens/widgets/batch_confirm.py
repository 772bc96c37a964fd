"""Before letters go to the printer: what will print (count, templates, skipped), and a yes.

Used by the worklist's batch and the letters screen. Dismissed with "go", "again"
(include the patients skipped only because a recall letter went in the last 14 days),
or None (escape: nothing is printed).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.format import nhs
from console.services.letters import BatchPlan, Produced, Skipped
from screens.widgets.form import cut

WIDTH = 70
SHOWN = 40  # skipped patients listed; the rest are counted


def skipped_lines(skipped: tuple[Skipped, ...]) -> list[str]:
    lines = []
    for s in skipped[:SHOWN]:
        who = f"{s.name} ({nhs(s.nhs_number)}): " if s.nhs_number else ""
        lines.append("  " + cut(f"{who}{s.reason}", WIDTH - 2))
    if len(skipped) > SHOWN:
        lines.append(f"  … and {len(skipped) - SHOWN:,} more")
    return lines


def plan_text(plan: BatchPlan) -> str:
    letters = "1 letter" if plan.letters == 1 else f"{plan.letters:,} letters"
    lines = [f"Recall letters: {letters}"]
    lines += [f"  {title}: {n:,}" for title, n in plan.counts]
    if plan.skipped:
        lines.append(f"Skipped {len(plan.skipped):,}:")
        lines += skipped_lines(plan.skipped)
    return "\n".join(lines)


def produced_text(produced: Produced) -> str:
    return f"{produced.summary()}\nSaved {produced.path}"


class ConfirmPrint(ModalScreen[str | None]):
    """What will be printed, and where; enter goes ahead, escape does not."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go", "Go ahead", id="confirm-print.go"),
        Binding("i", "again", "Include recent", id="confirm-print.again"),
        Binding("escape", "cancel", "Cancel", id="confirm-print.cancel"),
    ]
    DEFAULT_CSS = """
    ConfirmPrint { align: center middle; }
    ConfirmPrint > Vertical {
        width: 74; height: auto; max-height: 20; border: round $accent; padding: 0 1;
    }
    ConfirmPrint VerticalScroll { height: auto; max-height: 14; }
    ConfirmPrint #confirm-keys { color: $text-muted; }
    """

    def __init__(self, text: str, go: str, *, recent: int = 0) -> None:
        super().__init__()
        self.text = text
        self.go = go
        self.recent = recent

    def compose(self) -> ComposeResult:
        keys = [f"enter {self.go}"]
        if self.recent:
            keys.append(f"i include the {self.recent:,} sent within 14 days")
        keys.append("escape cancel")
        with Vertical():
            with VerticalScroll():
                yield Static(self.text, id="confirm-text", markup=False)
            yield Static(" · ".join(keys), id="confirm-keys", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "again":
            return bool(self.recent)
        return True

    def action_go(self) -> None:
        self.dismiss("go")

    def action_again(self) -> None:
        if self.recent:
            self.dismiss("again")

    def action_cancel(self) -> None:
        self.dismiss(None)
