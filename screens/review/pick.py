"""The review's sections in a list: ctrl+g, then a letter or the arrows and enter."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

if TYPE_CHECKING:
    from screens.host import ConsoleScreen as _Base
    from screens.review.sections import ReviewSections
else:
    _Base = object


class SectionPicker(ModalScreen[str | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick.cancel"),
    ]
    DEFAULT_CSS = """
    SectionPicker { align: center middle; }
    SectionPicker > Vertical { width: 40; height: auto; border: round $primary; padding: 0 1; }
    SectionPicker OptionList { height: auto; border: none; padding: 0; }
    """

    def __init__(self, layout: tuple[tuple[str, str], ...], current: str) -> None:
        super().__init__()
        self.sections_shown = layout  # not `layout`: a Screen property
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Go to section")
            yield OptionList(
                *[
                    Option(f"F{n}  {name}", id=key)
                    for n, (key, name) in enumerate(self.sections_shown, 1)
                ],
                id="sections",
            )
            yield Static("enter goes there · escape stays")

    def on_mount(self) -> None:
        keys = [key for key, _ in self.sections_shown]
        if self.current in keys:
            self.query_one(OptionList).highlighted = keys.index(self.current)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class SectionPicking(_Base):
    """Mixed into ReviewScreen: the picker, and the keys it advertises."""

    sections: ReviewSections | None
    section: str
    # and action_section

    def keys_advertised(self) -> list[str]:
        """Every key this form's bindings answer to (a test keeps alt+digit out)."""
        bindings = type(self).BINDINGS  # type: ignore[attr-defined]
        return [key for b in bindings if isinstance(b, Binding) for key in b.key.split(",")]

    def action_pick_section(self) -> None:
        if self.sections is None:
            return
        self.app.push_screen(
            SectionPicker(self.sections.layout, self.section), self._section_picked
        )

    def _section_picked(self, key: str | None) -> None:
        if key is not None and self.sections is not None:
            self.action_section(self.sections.keys.index(key) + 1)
