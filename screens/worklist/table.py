"""The worklist's rows: a Line-API widget (STYLE P13), as the patient list is.

Only the lines on screen are drawn, so a worklist of a thousand patients paints as fast
as one of ten; a stock DataTable measured every cell of every row before its first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from textual.binding import BindingType
from textual.strip import Strip

from screens.widgets.line_table import LineTable, cursor_bindings

MARK = "■"
CURSOR = "▶"  # the cursor row is marked by a character too, so it shows without colour
# (title, width); the last column takes what is left.
COLUMNS = (("Name", 20), ("NHS number", 12), ("Due", 16), ("Why", 0))


Cells = tuple[str, str, str, str]  # name, NHS number, due, why: as shown


@dataclass(frozen=True)
class WorkRow:
    patient_id: int
    item: object  # what `describe` turns into the row's cells when the row is drawn


class WorkTable(LineTable[WorkRow]):
    """Worklist rows with a cursor and a selection mark."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"work-table--header", "work-table--cursor"}

    DEFAULT_CSS = """
    WorkTable {
        & > .work-table--header { text-style: bold underline; }
        & > .work-table--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .work-table--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = cursor_bindings()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[WorkRow] = []
        self.marked: set[int] = set()
        self._describe: Callable[[object], Cells] = lambda item: ("", "", "", "")
        self._cells: dict[int, Cells] = {}  # row index → cells, for the rows drawn so far

    # -- data, from the screen ------------------------------------------------------
    def show(
        self, rows: list[WorkRow], marked: set[int], describe: Callable[[object], Cells]
    ) -> None:
        """Rows are formatted only when drawn: a thousand rows' dates are not worked out
        before the first frame."""
        self.rows = rows
        self._describe = describe
        self._cells = {}
        self.marked = marked  # the screen's own set: a mark shows as soon as it changes
        self._resize()
        self.cursor = min(self.cursor, max(len(rows) - 1, 0))
        self.refresh()

    @property
    def cursor_row(self) -> int:
        return self.cursor if self.rows else -1

    def move_cursor(self, *, row: int) -> None:
        self.cursor = row

    # -- drawing --------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self._style()
        if y == 0:
            titles = [title.ljust(w) if w else title for title, w in COLUMNS]
            header = self._style("work-table--header")
            segments = [Segment("    ", base)]
            for title in titles:
                segments += [Segment(title, header), Segment("  ", base)]
            return Strip(segments).crop_extend(0, width, base)
        index = round(self.scroll_y) + y - 1
        if index >= len(self.rows):
            return Strip.blank(width, base)
        row = self.rows[index]
        here = index == self.cursor
        style = self._style("work-table--cursor") if here else base
        mark = MARK if row.patient_id in self.marked else " "
        shown = self._cells.get(index)
        if shown is None:
            shown = self._cells[index] = self._describe(row.item)
        cells = [c[:w].ljust(w) if w else c for c, (_, w) in zip(shown, COLUMNS, strict=True)]
        text = f"{CURSOR if here else ' '}{mark}  " + "  ".join(cells)
        return Strip([Segment(text, style)]).crop_extend(0, width, style)
