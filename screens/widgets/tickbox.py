"""A checkbox whose state is a character, not a colour: it reads under NO_COLOR too."""

from __future__ import annotations

from textual.widgets import Checkbox


class TickBox(Checkbox):
    """X when ticked, blank when not (a stock Checkbox draws X either way, in colour)."""

    def __init__(self, label: str, value: bool = False, *, id: str) -> None:
        super().__init__(label, value, id=id, compact=True)
        self.BUTTON_INNER = "X" if value else " "

    def watch_value(self) -> None:
        self.BUTTON_INNER = "X" if self.value else " "
        super().watch_value()
        self.refresh()
