"""A table drawn line by line (STYLE P13): a header line, then rows with a cursor.

The cursor, paging, scrolling, resize and style caching shared by the patient list and
the worklist; each subclass draws its own lines (`render_line`) and holds its own rows.
Only the lines on screen are drawn, so a thousand rows paint as fast as ten.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.reactive import reactive
from textual.scroll_view import ScrollView

RowT = TypeVar("RowT")


def cursor_bindings(prefix: str | None = None, noun: str = "") -> list[BindingType]:
    """The cursor keys every line table answers (its actions are LineTable's); `prefix`
    names their ids (the keymap's), `noun` what a row is in the help ("Next patient")."""
    keys = (
        ("up", "cursor(-1)", "Previous", "up"),
        ("down", "cursor(1)", "Next", "down"),
        ("pageup", "page(-1)", "Page up", "page-up"),
        ("pagedown", "page(1)", "Page down", "page-down"),
        ("home", "first", "First", "first"),
        ("end", "last", "Last", "last"),
    )
    return [
        Binding(
            key,
            action,
            f"{words} {noun}" if noun and not words.startswith("Page") else words,
            show=False,
            id=f"{prefix}.{name}" if prefix else None,
        )
        for key, action, words, name in keys
    ]


class LineTable(ScrollView, Generic[RowT], can_focus=True):
    """Rows below one header line; Home and End go to the first and last row and never
    scroll sideways (issue 13)."""

    DEFAULT_CSS = """
    LineTable {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;
    }
    """

    cursor: reactive[int] = reactive(0, always_update=True)

    def __init__(self, *, id: str | None = None, classes: str = "") -> None:
        super().__init__(id=id, classes=classes)
        self.rows: Sequence[RowT] = []
        self._styles: dict[tuple[str, ...], Style] = {}

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def current(self) -> RowT | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def _resize(self) -> None:
        self.virtual_size = Size(self.scrollable_content_region.width, len(self.rows) + 1)

    def on_resize(self, event: events.Resize) -> None:
        self._resize()

    # -- keys -----------------------------------------------------------------------
    @property
    def _page_rows(self) -> int:
        return max(self.scrollable_content_region.height - 1, 1)  # less the header

    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, step: int) -> None:
        self.cursor += step * self._page_rows

    def action_first(self) -> None:
        self.cursor = 0
        self.scroll_x = 0

    def action_last(self) -> None:
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
        index = round(self.scroll_y) + event.y - 1  # the header is line 0
        if 0 <= index < len(self.rows):
            self.cursor = index
            self._clicked(index, event.chain)

    def _clicked(self, index: int, chain: int) -> None:
        """A row was clicked (`chain` 2 for a double click); the cursor is on it."""

    def on_focus(self) -> None:
        self.refresh()  # the cursor row's colours follow focus

    def on_blur(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------------
    def _style(self, *components: str) -> Style:
        """The widget's style with component classes over it, later ones winning.

        Rich styles rather than visual styles: those drop `reverse`, which NO_COLOR needs.
        Kept until the styles change: `rich_style` walks every ancestor, and a frame asks
        for it several times a line.
        """
        style = self._styles.get(components)
        if style is None:
            style = self.rich_style
            for name in components:
                style += self.get_component_rich_style(name)
            self._styles[components] = style
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()  # focus, blur, theme or CSS changed
        super().notify_style_update()
