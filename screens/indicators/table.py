"""The dashboard's indicator rows: one Line-API widget (STYLE P13), as the worklist is.

A stock DataTable measured and rendered every cell through Rich on each frame (a third
of the dashboard's paint); here each row is one line of text drawn when it is on screen.
Styles live in `dashboard.tcss` rather than DEFAULT_CSS: a new DEFAULT_CSS source makes
Textual re-parse the whole stylesheet on the first open, while the screen's own sheet is
read ahead by the warm-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

from rich.segment import Segment
from textual.binding import BindingType
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from console.rules import indicators as rules
from screens.widgets.line_table import LineTable, cursor_bindings

BAR = 18
CURSOR = "▶"  # the cursor row is marked by a character too, so it shows without colour
# (title, width, how the title sits over its cells), each column followed by two spaces.
COLUMNS = (("Indicator", 33, "<"), ("Met", 13, "^"), ("%", 5, ">"), ("Share", BAR, "<"))

Cells = tuple[str, str, str, str]  # title, met, percent, share: as shown


def cells(count: rules.Count, trend: str | None = None) -> Cells:
    """A row as shown: numerator right-aligned against the slash, the share's bar (or
    the 12-month trend once it has filled in). Six digits each side: a count is never
    cut short by its column."""
    return (
        count.title,
        f"{count.numerator:>6}/{count.denominator:<6}",  # a 260,000 list's fit whole
        f"{rules.percent_text(count):>5}",
        trend if trend else rules.bar(count, BAR),
    )


class IndicatorTable(LineTable[rules.Count]):
    """One indicator a line under a header line, with a cursor; as tall as its rows."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"indicator-table--header", "indicator-table--cursor"}

    BINDINGS: ClassVar[list[BindingType]] = cursor_bindings("indicator-table")

    class Chosen(Message):
        """A row double-clicked (enter is the screen's own key)."""

        def __init__(self, count: rules.Count) -> None:
            super().__init__()
            self.count = count

    def __init__(self, lines: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.lines = lines  # rows to make room for before they arrive: no relayout then
        self.styles.max_height = lines + 1  # with the header; the CSS gives `height: 1fr`
        self.rows: tuple[rules.Count, ...] = ()
        self.trend: Mapping[str, str] = {}

    def show(self, counts: tuple[rules.Count, ...], trend: Mapping[str, str]) -> None:
        self.rows = counts
        self.trend = trend
        self._resize()
        self.cursor = min(self.cursor, max(len(counts) - 1, 0))
        self.refresh()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return max(self.lines, len(self.rows)) + 1

    def _clicked(self, index: int, chain: int) -> None:
        if chain >= 2:
            self.post_message(self.Chosen(self.rows[index]))

    def row_cells(self, index: int) -> Cells:
        count = self.rows[index]
        return cells(count, self.trend.get(count.key))

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._style()
        if y == 0:
            header = self._style("indicator-table--header")
            segments = [Segment("  ", header)]
            for title, w, align in COLUMNS:
                segments.append(Segment(f"{title:{align}{w}}  ", header))
            return Strip(segments).crop_extend(0, width, header)
        index = round(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        here = index == self.cursor
        style = self._style("indicator-table--cursor") if here else base
        widths = (w for _, w, _ in COLUMNS)
        shown = (c[:w].ljust(w) for c, w in zip(self.row_cells(index), widths, strict=True))
        text = f"{CURSOR if here else ' '} " + "  ".join(shown)
        return Strip([Segment(text, style)]).crop_extend(0, width, style)
