"""Edit one letter template (admin): the text, this template's own field list beside it
(tab to it; it scrolls, and enter puts the field in at the cursor), ctrl+s saves through
the service, ctrl+r previews the text being edited for a chosen patient.

A field the template cannot fill is refused on save with the reason, under the text,
which stays on screen. escape with unsaved changes asks first.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from console.services.errors import Invalid, ServiceError
from console.services.letters_dto import Preview, TemplateInfo
from console.services.templates import FieldInfo
from screens.admin.template_dialogs import PatientPickModal, PreviewModal
from screens.host import ConsoleScreen
from screens.widgets.discard import field_values, leave_or_ask


class TemplateEditScreen(ConsoleScreen[bool]):
    CSS_PATH = "templates.tcss"
    AUTO_FOCUS = "#body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="template-edit.save"),
        Binding("ctrl+r", "preview", "Preview", id="template-edit.preview"),
        Binding("escape", "close", "Back", id="template-edit.back"),
    ]

    class Loaded(Message):
        def __init__(self, template: TemplateInfo, names: list[FieldInfo]) -> None:
            super().__init__()
            self.template = template
            self.names = names

    class Saved(Message):
        def __init__(self, template: TemplateInfo) -> None:
            super().__init__()
            self.template = template

    class Previewed(Message):
        def __init__(self, preview: Preview, draft: bool) -> None:
            super().__init__()
            self.preview = preview
            self.draft = draft

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.saved = False
        self.names: list[FieldInfo] = []
        self._opened: dict[str, object] | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Template: {self.key}", id="title")
        with Horizontal(id="editor"):
            yield TextArea("", id="body", soft_wrap=True, show_line_numbers=False)
            with Vertical(id="side"):
                yield Static("Fields (enter puts in)", classes="side-title")
                yield OptionList(id="fields")
        yield Static("", id="field-help", markup=False)
        yield Static("", id="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    # -- workers ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        info = self.services.letters.template(self.key)
        self.post_message(self.Loaded(info, self.services.templates.fields(self.key)))

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _save(self, body: str) -> None:
        self.post_message(self.Saved(self.services.templates.save(self.key, body)))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, patient_id: int, body: str | None) -> None:
        shown = self.services.templates.preview(self.key, patient_id, body)
        self.post_message(self.Previewed(shown, body is not None))

    # -- messages -----------------------------------------------------------------------
    def on_template_edit_screen_loaded(self, message: Loaded) -> None:
        info = message.template
        state = "the practice's wording" if info.edited else "as shipped"
        self.query_one("#title", Static).update(f"Template: {info.title} ({state})")
        self.query_one("#body", TextArea).load_text(info.body)
        self.names = message.names
        fields = self.query_one("#fields", OptionList)
        fields.clear_options()
        fields.add_options(
            Option(f"{{{f.name}}}" + (" ▤" if f.table else ""), id=f.name) for f in self.names
        )
        if self.names:
            fields.highlighted = 0  # its description shows under the text
        self._opened = field_values(self)
        tables = " · ▤ a table, on a line of its own" if any(f.table for f in self.names) else ""
        self._say(f"{len(self.names)} fields this letter can fill{tables}")

    def on_template_edit_screen_saved(self, message: Saved) -> None:
        self.saved = True
        self._opened = field_values(self)
        title = message.template.title
        self.query_one("#title", Static).update(f"Template: {title} (the practice's wording)")
        self._say("Saved. Every new letter uses this text.")
        self.notify("Template saved.", timeout=5)

    def on_template_edit_screen_previewed(self, message: Previewed) -> None:
        self._say("")
        self.app.push_screen(PreviewModal(message.preview, message.draft))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        error = event.worker.error
        if event.state is not WorkerState.ERROR or error is None:
            return
        if isinstance(error, Invalid):
            self._say("Not saved: " + " ".join(error.errors.values()), error=True)
        elif isinstance(error, ServiceError):
            self._say(str(error), error=True)
        else:
            self.host.report_error(error)

    @on(OptionList.OptionHighlighted, "#fields")
    def _describe(self, event: OptionList.OptionHighlighted) -> None:
        found = next((f for f in self.names if f.name == event.option.id), None)
        if found is not None:
            self.query_one("#field-help", Static).update(f"{{{found.name}}}: {found.description}")

    @on(OptionList.OptionSelected, "#fields")
    def _insert(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        found = next((f for f in self.names if f.name == event.option.id), None)
        if found is None:
            return
        body = self.query_one("#body", TextArea)
        text = f"{{{found.name}}}"
        if found.table:  # a table stands on a line of its own, between blank lines
            text = f"\n\n{text}\n\n"
        body.insert(text)
        body.focus()

    def _say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#status", Static)
        status.update(text)
        status.set_class(error, "-error")

    # -- keys ---------------------------------------------------------------------------
    def action_save(self) -> None:
        self._say("Checking the fields…")
        self._save(self.query_one("#body", TextArea).text)

    def action_preview(self) -> None:
        def chosen(patient_id: int | None) -> None:
            if patient_id is None:
                return
            self._say("Making the preview…")
            body = self.query_one("#body", TextArea).text
            changed = self._opened is not None and field_values(self) != self._opened
            self._preview(patient_id, body if changed else None)

        self.app.push_screen(PatientPickModal(), chosen)

    def holds_input(self) -> bool:
        return True  # the template's text is on screen: going home would discard it

    def action_close(self) -> None:
        leave_or_ask(self, self._opened, lambda: self.dismiss(self.saved))
