"""Before a review is finalised: every item still missing or wrong, at once, by section
and field; enter goes to the highlighted one, escape to the first."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.widgets.form import cut

WIDTH = 72


class MissingModal(ModalScreen[str | None]):
    """Dismissed with the field id to go to (None: the first)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "first", "Go to the first", id="missing.first"),
    ]
    DEFAULT_CSS = """
    MissingModal { align: center middle; }
    MissingModal > Vertical {
        width: 76; height: auto; max-height: 20; border: round $error; padding: 0 1;
    }
    MissingModal OptionList { height: auto; max-height: 14; border: none; padding: 0; }
    MissingModal #missing-keys { color: $text-muted; }
    """

    def __init__(self, lines: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        count = len(self.lines)
        with Vertical():
            yield Static(
                f"Not finalised: {count} item{'s' if count != 1 else ''} to complete first",
                markup=False,
            )
            yield OptionList(
                *[
                    Option(cut(f"{section:<13} {words}", WIDTH), id=field_id)
                    for field_id, section, words in self.lines
                ],
                id="missing-list",
            )
            yield Static(
                "enter goes to the highlighted item · escape to the first", id="missing-keys"
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_first(self) -> None:
        self.dismiss(None)
