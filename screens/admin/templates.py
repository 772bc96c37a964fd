"""Edit one letter template (admin): a TextArea, the field list, save with ctrl+s.

A template naming a field that does not exist is refused by the service on save, and
the reason shows under the text; the text typed stays on screen.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header, Static, TextArea
from textual.worker import Worker, WorkerState

from console.services.errors import Invalid
from console.services.letters import TemplateInfo
from screens.host import ConsoleScreen
from screens.widgets.discard import leave_or_ask


class TemplateEditScreen(ConsoleScreen[bool]):
    CSS_PATH = "templates.tcss"
    AUTO_FOCUS = "#body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="template-edit.back"),
        Binding("ctrl+s", "save", "Save", id="template-edit.save"),
    ]

    class Loaded(Message):
        def __init__(self, template: TemplateInfo) -> None:
            super().__init__()
            self.template = template

    class Saved(Message):
        def __init__(self, template: TemplateInfo) -> None:
            super().__init__()
            self.template = template

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.saved = False
        self._kept: str | None = None  # the text as loaded or last saved

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Template: {self.key}", id="title")
        yield TextArea("", id="body", soft_wrap=True, show_line_numbers=False)
        names = " ".join(f"{{{n}}}" for n in self.services.letters.field_names())
        yield Static(f"Fields: {names}", id="fields")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.services.letters.template(self.key)))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, body: str) -> None:
        self.post_message(self.Saved(self.services.letters.save_template(self.key, body)))

    def on_template_edit_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#title", Static).update(f"Template: {message.template.title}")
        self.query_one("#body", TextArea).load_text(message.template.body)
        self._kept = message.template.body

    def on_template_edit_screen_saved(self, message: Saved) -> None:
        self.saved = True
        self._kept = message.template.body
        self.query_one("#status", Static).update("Saved. Every new letter uses this text.")
        self.notify("Template saved.", timeout=5)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is WorkerState.ERROR and error is not None:
            if isinstance(error, Invalid):
                self.query_one("#status", Static).update(f"Not saved: {error.errors['body']}")
            else:
                self.host.report_error(error)

    def action_save(self) -> None:
        self.query_one("#status", Static).update("Checking the fields…")
        self._save(self.query_one("#body", TextArea).text)

    def holds_input(self) -> bool:
        return True  # the template's text is on screen: going home would discard it

    def action_close(self) -> None:
        """escape: at once when the text is as loaded or saved, else ask first."""
        body = self.query_one("#body", TextArea).text
        opened = None if self._kept is None or body == self._kept else {}
        leave_or_ask(self, opened, lambda: self.dismiss(self.saved))
