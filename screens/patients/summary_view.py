"""The summary's body: one Line-API widget drawing every section line by line.

One widget in place of some sixty Statics: Textual styles, lays out and paints a few
nodes, so the summary paints within its budget whatever the record holds (issue 19).
Lines are wrapped once, when the record or the width changes, and `render_line` hands
out the prepared strips.

The review history is a window of six reviews (two lines each) among the lines. `v` or
`tab` puts a cursor on it: up and down move between reviews (the window scrolls within
itself, as a list box would), enter posts `Chosen`, `tab` again returns to scrolling.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from console.services.summary_dto import ReviewPoint
from screens.patients.summary_layout import History, Line
from screens.patients.summary_sections import history_lines

WINDOW = 6  # reviews shown at once in the history


class SummaryView(ScrollView, can_focus=True):
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "summary-view--heading",
        "summary-view--muted",
        "summary-view--error",
        "summary-view--overdue",
        "summary-view--warning",
        "summary-view--red",
        "summary-view--amber",
        "summary-view--history",
        "summary-view--cursor",
    }

    DEFAULT_CSS = """
    SummaryView {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-gutter: stable;
        & > .summary-view--heading { text-style: bold underline; }
        & > .summary-view--muted { color: $text-muted; }
        & > .summary-view--error { color: $text-error; text-style: bold; }
        & > .summary-view--overdue { color: $text-error; text-style: bold; }
        & > .summary-view--warning { color: $text-warning; }
        & > .summary-view--red { color: $text-error; }
        & > .summary-view--amber { color: $text-warning; }
        & > .summary-view--history { background: $surface; }
        & > .summary-view--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .summary-view--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "choose", "Open the review", show=False, id="summary-view.choose"),
        Binding("tab", "toggle_history", "Review history", show=False, id="summary-view.tab"),
        Binding(
            "shift+tab", "toggle_history", "Review history", show=False, id="summary-view.back-tab"
        ),
    ]

    class Chosen(Message):
        """Enter on a review in the history."""

        def __init__(self, point: ReviewPoint) -> None:
            super().__init__()
            self.point = point

    def __init__(self, items: list[Line | History], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items = items
        self.history: tuple[ReviewPoint, ...] = ()
        self.in_history = False  # the cursor is on the review history
        self.cursor = 0  # the review under the cursor
        self._top = 0  # the first review in the window
        self._strips: list[Strip] = []
        self._history_at = 0  # where the window's strips start
        self._width = 0
        self._stale = True
        self._styles: dict[tuple[str, ...], Style] = {}

    # -- content ----------------------------------------------------------------------
    def show(self, items: list[Line | History], history: Sequence[ReviewPoint] = ()) -> None:
        """Replace the lines, keeping the review under the cursor (coming back from one)."""
        was = self.history[self.cursor].id if self.history else None
        self.items = items
        self.history = tuple(history)
        ids = [p.id for p in self.history]
        self.cursor = ids.index(was) if was in ids else 0
        if not self.history:
            self.in_history = False
        self._top = min(self._top, max(len(self.history) - WINDOW, 0))
        self._keep_in_window()
        self._rebuild()

    def restart(self, items: list[Line | History]) -> None:
        """Another patient's lines: no review, cursor or scroll position carried over."""
        self.history = ()
        self.in_history = False
        self.cursor = self._top = 0
        self.items = items
        self.scroll_to(0, 0, animate=False, immediate=True)
        # The virtual height kept (blank lines below): a new height would lay the screen
        # out again, and again when the scrollbar went, before its first frame (issue 19).
        self._rebuild(keep_height=True)

    def text(self, key: str) -> str:
        """The words shown under one key ("treatment", "f-status", "t-barc"), lines joined."""
        lines = []
        for item in self.items:
            if isinstance(item, Line) and any(k == key for _, _, k in item.spans):
                lines.append("".join(words for words, _, k in item.spans if k == key))
        return "\n".join(lines)

    def shown(self) -> str:
        """Every line as drawn, below the fold too (what scrolling reaches)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips)

    def texts(self, key: str) -> list[str]:
        return [line for line in self.text(key).split("\n") if line]

    def history_text(self, index: int) -> str:
        return "\n".join(history_lines(self.history[index]))

    # -- history cursor ---------------------------------------------------------------
    def enter_history(self) -> None:
        if self.history:
            self.in_history = True
            self._redraw_history()
            # The heading and the whole window in view, as a list box is when focused.
            shown = min(len(self.history) - self._top, WINDOW) * 2
            region = Region(0, self._history_at - 1, 1, shown + 1)
            self.scroll_to_region(region, animate=False, immediate=True, center=True)

    def action_toggle_history(self) -> None:
        if self.in_history:
            self.in_history = False
            self._redraw_history()
        else:
            self.enter_history()

    def action_choose(self) -> None:
        if self.in_history and self.history:
            self.post_message(self.Chosen(self.history[self.cursor]))

    def _move(self, step: int) -> None:
        self.cursor = min(max(self.cursor + step, 0), len(self.history) - 1)
        self._keep_in_window()
        self._redraw_history(scroll=True)

    def _keep_in_window(self) -> None:
        if self.cursor < self._top:
            self._top = self.cursor
        elif self.cursor >= self._top + WINDOW:
            self._top = self.cursor - WINDOW + 1

    def action_scroll_up(self) -> None:
        self._move(-1) if self.in_history else super().action_scroll_up()

    def action_scroll_down(self) -> None:
        self._move(1) if self.in_history else super().action_scroll_down()

    def action_page_up(self) -> None:
        self._move(-WINDOW) if self.in_history else super().action_page_up()

    def action_page_down(self) -> None:
        self._move(WINDOW) if self.in_history else super().action_page_down()

    def action_scroll_home(self) -> None:
        self._move(-len(self.history)) if self.in_history else super().action_scroll_home()

    def action_scroll_end(self) -> None:
        self._move(len(self.history)) if self.in_history else super().action_scroll_end()

    def on_click(self, event: events.Click) -> None:
        line = round(self.scroll_y) + event.y - self._history_at
        shown = min(len(self.history) - self._top, WINDOW)
        if self.history and 0 <= line < shown * 2:
            self.in_history = True
            self.cursor = self._top + line // 2
            self._redraw_history()
            self.action_choose()

    def on_focus(self) -> None:
        self._redraw_history()

    def on_blur(self) -> None:
        self._redraw_history()

    # -- drawing ----------------------------------------------------------------------
    def _style(self, *roles: str) -> Style:
        """The widget's rich style with the roles' component styles over it, cached until
        the styles change (rich styles keep `reverse`, which NO_COLOR needs)."""
        style = self._styles.get(roles)
        if style is None:
            style = self.rich_style
            for role in roles:
                if role:
                    style += self.get_component_rich_style(f"summary-view--{role}")
            self._styles[roles] = style
        return style

    def notify_style_update(self) -> None:
        self._styles.clear()  # focus, blur, theme or CSS changed
        self._stale = True
        super().notify_style_update()

    def on_resize(self, event: events.Resize) -> None:
        if self.scrollable_content_region.width != self._width:
            self._rebuild()

    def _rebuild(self, refresh: bool = True, keep_height: bool = False) -> None:
        width = self.scrollable_content_region.width
        self._width = width
        if not width:  # not laid out yet: built on the first resize
            return
        self._stale = False
        strips: list[Strip] = []
        for item in self.items:
            if isinstance(item, History):
                self._history_at = len(strips)
                strips += self._history_strips(width)
            else:
                strips += self._wrap(item, width)
        self._strips = strips
        height = max(len(strips), self.virtual_size.height) if keep_height else len(strips)
        self.virtual_size = Size(width, height)
        if refresh:
            self.refresh()

    def _redraw_history(self, scroll: bool = False) -> None:
        if not self.history or not self._strips:
            return
        at = self._history_at
        window = self._history_strips(self._width)
        self._strips[at : at + len(window)] = window
        self.refresh()
        if scroll:
            y = at + (self.cursor - self._top) * 2
            self.scroll_to_region(Region(0, y, 1, 2), animate=False, immediate=True)

    def _history_strips(self, width: int) -> list[Strip]:
        strips = []
        end = min(self._top + WINDOW, len(self.history))
        for index in range(self._top, end):
            on = self.in_history and index == self.cursor
            style = self._style("history", "cursor") if on else self._style("history")
            first, second = history_lines(self.history[index])
            # Arrows at the window's right edge say more reviews are above or below it.
            up = "▲" if index == self._top and self._top > 0 else ""
            down = "▼" if index == end - 1 and end < len(self.history) else ""
            for words, mark in ((first, up), (second, down)):
                text = Text(" " + words, style=style)
                if mark:
                    text.pad_right(max(width - 2 - text.cell_len, 1))
                    text.append(mark)
                strips.append(self._strip(text, width, style))
        return strips

    def _strip(self, text: Text, width: int, pad: Style | None = None) -> Strip:
        # Rich leaves a span-less Text's own style off its segment: put it back, since
        # NO_COLOR's filter needs a style on every segment.
        own = text.style if isinstance(text.style, Style) else self._style()
        segments = [
            s if s.style is not None else Segment(s.text, own)
            for s in text.render(self.app.console, end="")
        ]
        return Strip(segments).crop_extend(0, width, pad or self._style())

    def _wrap(self, line: Line, width: int) -> list[Strip]:
        """One line of spans as strips, wrapped at the width less a column each side."""
        base = self._style()
        if not line.spans:
            return [Strip.blank(width, base)]
        inner = max(width - 2, 1)
        console = self.app.console
        spans = line.spans
        head: Text | None = None
        if line.indent and len(spans) > 1:  # label column, the value wraps beside it
            first, *rest = spans
            head = Text(first[0].ljust(line.indent), style=self._style(first[1]))
            spans = tuple(rest)
            inner = max(inner - line.indent, 1)
        if head is None and sum(cell_len(words) for words, _, _ in spans) <= inner:
            # Most lines fit: segments as they are, no wrapping to work out.
            segments = [Segment(" ", base)]
            segments += [Segment(words, self._style(role)) for words, role, _ in spans]
            return [Strip(segments).crop_extend(0, width, base)]
        body = Text(style=base)
        for words, role, _key in spans:
            body.append(words, self._style(role))
        out = []
        for n, part in enumerate(body.wrap(console, inner) or [Text()]):
            lead = Text(" ", style=base)
            if head is not None:
                lead.append_text(head if n == 0 else Text(" " * line.indent, style=base))
            lead.append_text(part)
            out.append(self._strip(lead, width))
        return out

    def render_line(self, y: int) -> Strip:
        if self._stale and self._width:
            self._rebuild(refresh=False)  # a style change: same lines, new colours
        index = round(self.scroll_y) + y
        if index < len(self._strips):
            return self._strips[index]
        return Strip.blank(self._width or self.size.width, self._style())
