"""The worklist's rows: a Line-API widget (STYLE P13), as the patient list is.

Only the lines on screen are drawn, so a worklist of a thousand patients paints as fast
as one of ten; a stock DataTable measured every cell of every row before its first frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

MARK = "■"
CURSOR = "▶"  # the cursor row is marked by a character too, so it shows without colour
# (title, width); the last column takes what is left.
COLUMNS = (("Name", 20), ("NHS number", 12), ("Due", 16), ("Why", 0))


Cells = tuple[str, str, str, str]  # name, NHS number, due, why: as shown


@dataclass(frozen=True)
class WorkRow:
    patient_id: int
    item: object  # what `describe` turns into the row's cells when the row is drawn


class WorkTable(ScrollView, can_focus=True):
    """Rows with a cursor and a selection mark; Home and End go to the first and last
    row and never scroll sideways (issue 13)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"work-table--header", "work-table--cursor"}

    DEFAULT_CSS = """
    WorkTable {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "Previous", show=False),
        Binding("down", "cursor(1)", "Next", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first_row", "First", show=False),
        Binding("end", "last_row", "Last", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[WorkRow] = []
        self.marked: set[int] = set()
        self._describe: Callable[[object], Cells] = lambda item: ("", "", "", "")
        self._cells: dict[int, Cells] = {}  # row index → cells, for the rows drawn so far
        self._styles: dict[tuple[str, ...], Style] = {}

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
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def cursor_row(self) -> int:
        return self.cursor if self.rows else -1

    @property
    def current(self) -> WorkRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def move_cursor(self, *, row: int) -> None:
        self.cursor = row

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    # -- keys -----------------------------------------------------------------------
    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * self._page_rows

    def action_first_row(self) -> None:
        self.cursor = 0
        self.scroll_x = 0

    def action_last_row(self) -> None:
        self.cursor = len(self.rows) - 1
        self.scroll_x = 0

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1))

    def watch_cursor(self, cursor: int) -> None:
        top = round(self.scroll_y)
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + self._page_rows:
            self.scroll_to(y=cursor - self._page_rows + 1, animate=False, immediate=True)
        self.refresh()

    def on_click(self, event: events.Click) -> None:
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            self.cursor = index

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------------
    def _style(self, *components: str) -> Style:
        """Rich styles (visual styles drop `reverse`, which NO_COLOR needs), kept until
        the styles change: `rich_style` walks every ancestor."""
        style = self._styles.get(components)
        if style is None:
            style = self.rich_style
            for name in components:
                style += self.get_component_rich_style(name)
            self._styles[components] = style
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()
        super().notify_style_update()

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
