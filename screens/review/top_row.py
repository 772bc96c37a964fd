"""A TOP item's row: its fields as widgets; its label, the unit and the last review's
answer painted by the row itself around them. Three Statics fewer a row: the form's first
screenful is mostly TOP rows, and its opening time goes with its widget count (issue 19)."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widget import Widget

UNIT_WIDTH = 9  # "mg/day", "units"…: as wide as the longest unit and a space
NO_AMOUNT_WIDTH = 15  # a days-only item: the amount column and its unit left blank
WAS_WIDTH = 8


class TopRow(Horizontal):
    # Its CSS is in review.tcss, read ahead with the form's: a DEFAULT_CSS would be
    # added on the first open and the whole stylesheet parsed again then.
    COMPONENT_CLASSES = {"top-row--was", "top-row--here"}

    here: reactive[bool] = reactive(False, layout=False)  # a field of the row has the cursor

    def __init__(
        self, *cells: Widget, label: str | None, unit: str | None, was: str, classes: str
    ) -> None:
        """`label` None: the row's first cell labels it (a field itself: "Other: name");
        `unit` None: no amount column, "" none to show (a days-only item)."""
        if label is not None and cells:
            cells[0].add_class("after-label", update=False)  # the label is painted before it
        super().__init__(*cells, classes=classes)
        self.label = label
        self.unit = unit
        self.was = was

    def _fields_width(self) -> int:
        """Where the fields end, as laid out (a row renders after its layout)."""
        return sum(c.outer_size.width + c.styles.margin.width for c in self.children)

    def render(self) -> Text:
        text = Text(end="", no_wrap=True)
        if self.label is not None:
            here = self.get_component_rich_style("top-row--here") if self.here else None
            text.append(self.label, here)
        text.append(" " * (self._fields_width() - text.cell_len))
        if self.unit is not None:
            text.append(self.unit.ljust(UNIT_WIDTH if self.unit else NO_AMOUNT_WIDTH))
        text.append(self.was.ljust(WAS_WIDTH), self.get_component_rich_style("top-row--was"))
        return text
