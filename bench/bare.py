"""Bare Textual baselines for the key → painted frame figures.

- `BareApp` / `BareScreen`: a key pushes a screen of plain `Static` widgets, as many as
  the console's screen has nodes when it is first painted; a thread worker hands back the
  texts (the console loads every screen's data in a worker too), the handler updates the
  Statics and mounts the extra nodes the console's screen mounts after loading, and, for
  the worklist, hands as many rows to a bare line-drawn table (`BareLines`, a `ScrollView`
  whose `render_line` draws only the lines on screen): the fair raw limit for a table of
  that many rows. No CSS file, no services. With
  `reuse` (the summary's baseline, since the console reuses its summary screen) one
  installed screen serves every push: its Statics are cleared before it is pushed again
  and its worker loads anew. With `at_mount` (the dashboard's baseline, since the
  dashboard reads today's tallies as it mounts) there is no worker: the handler runs in
  `on_mount`, so the first frame carries the texts.
- `LineApp`: the raw Line-API keystroke: an `Input` and a bare `ScrollView` whose
  `render_line` draws rows read with a raw sqlite3 query of the same page, on `Changed`.
"""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from rich.segment import Segment
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from console.rules.names import fold_key

RAW_PAGE = (
    "SELECT id, nhs_number, family_name, given_name, date_of_birth, status, next_review_due "
    "FROM patient WHERE family_key >= ? AND family_key < ? "
    "ORDER BY family_key, given_key, id LIMIT 61"
)


class BareLines(ScrollView, can_focus=True):
    """A header line and rows, drawn only where they are on screen."""

    DEFAULT_CSS = "BareLines { height: 1fr; }"

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[tuple[str, ...]] = []

    def show(self, rows: list[tuple[str, ...]]) -> None:
        self.rows = rows
        self.virtual_size = Size(self.size.width, len(rows) + 1)
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            return Strip([Segment("    Name    NHS number    Due    Why")]).crop_extend(
                0, width, None
            )
        n = y - 1 + self.scroll_offset.y
        if n >= len(self.rows):
            return Strip.blank(width)
        text = "    " + "  ".join(self.rows[n])
        return Strip([Segment(text[:width].ljust(width))])


class BareScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    class Loaded(Message):
        def __init__(self, texts: list[str]) -> None:
            super().__init__()
            self.texts = texts

    def __init__(
        self, composed: int, mounted: int = 0, table_rows: int = 0, *, at_mount: bool = False
    ) -> None:
        super().__init__()
        self.composed = max(composed, 1)
        self.mounted = mounted
        self.table_rows = table_rows
        self.at_mount = at_mount

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="body"):
            if self.table_rows:
                yield BareLines(id="table")
            for n in range(self.composed - 1 - (1 if self.table_rows else 0)):
                yield Static("…", classes="field", id=f"s{n}")

    async def on_mount(self) -> None:
        if self.at_mount:
            await self.on_bare_screen_loaded(self.Loaded(self._texts()))
        else:
            self._load()

    def _texts(self) -> list[str]:
        return [f"value {n}" for n in range(self.composed)]

    def restart(self) -> None:
        """Pushed again: cleared first, as the console's reused summary is, then loaded."""
        for static in self.query(".field").results(Static):
            static.update("…")
        self._load()

    @work(thread=True, exclusive=True)
    def _load(self) -> None:
        self.post_message(self.Loaded(self._texts()))

    async def on_bare_screen_loaded(self, message: Loaded) -> None:
        for n, static in enumerate(self.query(".field").results(Static)):
            static.update(message.texts[n % len(message.texts)])
        if self.table_rows:
            rows = [
                (f"Name {n}", "943 476 5919", "in 3 days", "review") for n in range(self.table_rows)
            ]
            self.query_one(BareLines).show(rows)
        if self.mounted > 0:
            await self.query_one("#body").mount_all(
                [Static(f"more {n}") for n in range(self.mounted)]
            )


class BareApp(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("o", "open", "Open")]

    def __init__(
        self,
        composed: int,
        mounted: int = 0,
        table_rows: int = 0,
        *,
        reuse: bool = False,
        at_mount: bool = False,
    ) -> None:
        super().__init__()
        self.shape = (composed, mounted, table_rows)
        self.reuse = reuse
        self.at_mount = at_mount

    def compose(self) -> ComposeResult:
        yield Static("home")

    def action_open(self) -> None:
        if not self.reuse:
            self.push_screen(BareScreen(*self.shape, at_mount=self.at_mount))
        elif not self.is_screen_installed("bare"):
            screen = BareScreen(*self.shape)
            self.install_screen(screen, "bare")
            self.push_screen(screen)
        else:
            screen = self.get_screen("bare", BareScreen)
            screen.restart()
            self.push_screen(screen)


class LineList(ScrollView):
    def __init__(self) -> None:
        super().__init__()
        self.rows: list[tuple[Any, ...]] = []
        self.query_text = ""

    def show(self, text: str, rows: list[tuple[Any, ...]]) -> None:
        self.rows = rows
        self.query_text = text
        self.virtual_size = Size(self.size.width, len(rows))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        n = y + self.scroll_offset.y
        if n >= len(self.rows):
            return Strip.blank(self.size.width)
        _, nhs, family, given, born, status, due = self.rows[n]
        text = f"{family.upper()}, {given:<20} {nhs} {born} {status:<14} {due or ''}"
        return Strip([Segment(text[: self.size.width].ljust(self.size.width))])


class LineApp(App[None]):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.raw = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def compose(self) -> ComposeResult:
        yield Input(id="search")
        yield LineList()

    def on_input_changed(self, event: Input.Changed) -> None:
        key = fold_key(event.value)
        rows = self.raw.execute(RAW_PAGE, (key, key + "\U0010ffff")).fetchall()
        self.query_one(LineList).show(event.value, rows)
