"""Which linked resource a mutual aid introduction is about: the patient's linked
resources, latest first; enter chooses, escape keeps the current choice."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.widgets.form import cut


class ResourcePicker(ModalScreen[int | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="resource-picker.cancel"),
    ]
    CSS_PATH = "letters.tcss"

    def __init__(self, resources: list[tuple[int, str]], current: int | None) -> None:
        super().__init__()
        self.resources = resources
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static("Introduce which resource? (linked, latest first)", id="picker-title")
            yield OptionList(
                *(Option(cut(name, 60), id=str(rid)) for rid, name in self.resources),
                id="resources",
            )
            yield Static("enter choose · escape cancel", id="picker-keys")

    def on_mount(self) -> None:
        options = self.query_one("#resources", OptionList)
        ids = [rid for rid, _ in self.resources]
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
