"""A yes-or-no question with its facts, before something that cannot be taken back by
escape alone (ending an episode, recording a death): `y` goes ahead, `n` or `escape`
does nothing."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class AskModal(ModalScreen[bool]):
    """A question with its facts: `y` is yes; `n` or `escape` is no (nothing happens)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="ask.yes"),
        Binding("n,escape", "answer(False)", "No", id="ask.no"),
    ]
    DEFAULT_CSS = """
    AskModal { align: center middle; }
    AskModal > Vertical {
        width: 64; height: auto; border: round $warning; padding: 0 1; background: $surface;
    }
    AskModal .ask-title { text-style: bold; }
    AskModal .ask-keys { color: $text-muted; margin-top: 1; }
    """

    def __init__(self, title: str, lines: tuple[str, ...], yes: str, no: str) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines
        self.yes = yes
        self.no = no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, classes="ask-title", markup=False)
            for n, line in enumerate(self.lines):
                yield Static(line, id=f"ask-line-{n}", markup=False)
            yield Static(f"y {self.yes} · n or escape {self.no}", classes="ask-keys", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
