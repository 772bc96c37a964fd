"""`?`: the keys of the screen underneath (from its active bindings) and the flag letters."""

from __future__ import annotations

import textwrap
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from console.rules.flags import CUT, FLAG_MEANING, MORE_MEANING

KEY_WIDTH = 9
COLUMN_WIDTH = 35


def keys_of(screen: Screen[object], app: App[object]) -> list[tuple[str, str]]:
    """(key, what it does) for the screen's own keys, its widgets', then the App's.

    Only our bindings (they carry an id) and the footer's: Textual's built-in scrolling
    and focus keys would crowd out what a newcomer needs.
    """
    keys: dict[tuple[int, str], list[str]] = {}
    for active in screen.active_bindings.values():  # public API (A11)
        binding = active.binding
        if not binding.description or binding.system or not (binding.id or binding.show):
            continue
        order = 0 if active.node is screen else 2 if active.node is app else 1
        shown = keys.setdefault((order, binding.description), [])  # "^q q  Quit"
        shown.append(app.get_key_display(binding))
    ordered = sorted(keys.items(), key=lambda item: item[0][0])  # stable: declared order
    return [(" ".join(k), description) for (_, description), k in ordered]


def _two_columns(rows: list[tuple[str, str]]) -> Text:
    half = (len(rows) + 1) // 2
    text = Text()
    for left, right in zip(rows[:half], [*rows[half:], None], strict=False):
        for index, cell in enumerate((left, right)):
            if cell is None:
                continue
            key, description = cell
            text.append(f" {key:<{KEY_WIDTH}}", style="bold")
            width = COLUMN_WIDTH - KEY_WIDTH - 2
            text.append(f" {description[:width]:<{width}}" if index == 0 else f" {description}")
        text.append("\n")
    text.rstrip()
    return text


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,question_mark,q", "dismiss", "Close", id="help.close"),
    ]

    def __init__(self, title: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.keys = keys

    def compose(self) -> ComposeResult:
        flags = Text()
        for letter, meaning in {**FLAG_MEANING, CUT: MORE_MEANING}.items():
            flags.append(f" {letter}", style="bold")
            flags.append("  " + "\n    ".join(textwrap.wrap(meaning, 64)) + "\n")
        flags.rstrip()
        with VerticalScroll(id="help"):
            yield Static(f"Keys · {self.title_text}", classes="heading", markup=False)
            yield Static(_two_columns(self.keys), id="help-keys")
            yield Static("Flag letters in the patient list", classes="heading")
            yield Static(flags, id="help-flags")
            yield Static("escape, ? or q closes this help", classes="hint")
