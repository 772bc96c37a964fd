"""Leaving never throws input away: a dialog whose fields changed asks before `escape`
discards them (issue 13). A dialog records its fields when it opens (`opened_values`)
and on `escape` calls `leave_or_ask`."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

FIELDS = "Input, Select, Checkbox, TextArea"


def field_values(screen: Screen[object]) -> dict[str, object]:
    """Every field's value by id, as the dialog holds it now."""
    out: dict[str, object] = {}
    for widget in screen.query(FIELDS):
        if widget.id:
            out[widget.id] = getattr(widget, "value", getattr(widget, "text", None))
    return out


class DiscardModal(ModalScreen[bool]):
    """True: discard what was typed; False: keep editing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", id="discard.yes"),
        Binding("n,escape", "answer(False)", "Keep editing", id="discard.no"),
    ]
    DEFAULT_CSS = """
    DiscardModal { align: center middle; }
    DiscardModal > Vertical { width: 56; height: auto; border: round $warning; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Discard what you typed in this dialog?", markup=False)
            yield Static("y discard it · n or escape keep editing", markup=False)

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


def leave_or_ask(
    screen: Screen[object], opened: dict[str, object] | None, leave: Callable[[], None]
) -> None:
    """Leave at once when nothing changed since the dialog opened; otherwise ask."""
    if opened is None or field_values(screen) == opened:
        leave()
        return

    def answered(discard: bool | None) -> None:
        if discard:
            leave()

    screen.app.push_screen(DiscardModal(), answered)
