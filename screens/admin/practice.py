"""Practice details (admin): the letterhead, signature, accessibility line, BARC-10 fall
threshold, idle lock and time zone, with the letterhead previewed as letters print it."""

from __future__ import annotations

from dataclasses import fields
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, Input, Label, Static
from textual.worker import Worker, WorkerState

from console.services.dto import Practice, PracticeInput
from console.services.errors import Invalid, ServiceError
from screens.host import ConsoleScreen

# (field, label, hint)
FIELDS = (
    ("name", "Practice name", "as the letterhead shows it"),
    ("address", "Address", "lines separated by commas"),
    ("phone", "Telephone", "e.g. 0113 496 0000"),
    ("email", "Email", "e.g. reception@practice.nhs.uk"),
    ("ods_code", "ODS code", "a letter then five digits, e.g. B86001"),
    ("signature", "Signature (batches)", "who signs batch letters"),
    ("accessibility", "Accessibility line", "offer large print, easy read, languages"),
    ("barc10_fall_threshold", "BARC-10 fall alert", "points, 1-50 (default 6)"),
    ("idle_minutes", "Idle lock (minutes)", "1-240 (default 10)"),
    ("timezone", "Time zone", "IANA name, e.g. Europe/London"),
)
PREVIEW_WIDTH = 72


class PracticeScreen(ConsoleScreen[None]):
    CSS_PATH = "admin.tcss"
    AUTO_FOCUS = "#name"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="practice.save", priority=True),
        Binding("escape", "back", "Back", id="practice.back"),
    ]

    class Loaded(Message):
        def __init__(self, practice: Practice) -> None:
            super().__init__()
            self.practice = practice

    def __init__(self) -> None:
        super().__init__()
        self.practice: Practice | None = None
        self._dirty = False
        self._leaving = False

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Practice details", id="title")
        with VerticalScroll(id="fields"):
            for key, label, hint in FIELDS:
                with Horizontal(classes="field"):
                    yield Label(label, classes="label")
                    yield Input(placeholder=hint, id=key, disabled=True)
                yield Static("", id=f"e-{key}", classes="error", markup=False)
            yield Static("", id="letterhead", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="practice", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.services.practice.get()))

    def on_practice_screen_loaded(self, message: Loaded) -> None:
        self.practice = practice = message.practice
        for key, _label, _hint in FIELDS:
            field = self.query_one(f"#{key}", Input)
            with field.prevent(Input.Changed):
                field.value = str(getattr(practice, key))
            field.disabled = False
        self._dirty = False
        self._preview()
        self.query_one("#name", Input).focus()

    def _typed(self) -> PracticeInput:
        values = {f.name: self.query_one(f"#{f.name}", Input).value for f in fields(PracticeInput)}
        return PracticeInput(**values)

    def _preview(self) -> None:
        data = self._typed()
        lines = self.services.practice.letterhead(data, PREVIEW_WIDTH)
        extra = [line for line in (data.accessibility,) if line.strip()]
        self.query_one("#letterhead", Static).update(
            "\n".join(["Letterhead as letters print it:", *lines, *extra])
        )

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self.practice is not None:
            self._dirty = True
            self._preview()

    def holds_input(self) -> bool:
        return self._dirty

    def _say(self, text: str) -> None:
        self.query_one("#message", Static).update(text)

    def _mark(self, errors: dict[str, str]) -> None:
        first = None
        for key, _label, _hint in FIELDS:
            message = errors.get(key, "")
            line = self.query_one(f"#e-{key}", Static)
            line.update(f"! {message}" if message else "")
            line.set_class(bool(message), "-shown")
            if message and first is None:
                first = key
        if first is not None:
            self.query_one(f"#{first}", Input).focus()

    def action_save(self) -> None:
        if self.practice is None:
            return
        self._say("Saving…")
        self._save(self._typed(), self.practice.version)

    @work(thread=True, exclusive=True, group="practice-save", exit_on_error=False)
    def _save(self, data: PracticeInput, version: int) -> None:
        saved = self.services.practice.update(data, version)
        self.post_message(self.Loaded(saved))
        self.app.call_from_thread(self._saved)

    def _saved(self) -> None:
        self._mark({})
        self._say("Saved. Letters and the header use these details from now on.")
        refresh = getattr(self.app, "refresh_header", None)
        if callable(refresh):
            refresh()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if isinstance(error, Invalid):
            self._mark(error.errors)
            self._say("Not saved: please correct the marked fields.")
        elif isinstance(error, ServiceError):
            self._say(str(error))  # e.g. a colleague saved first: the input stays
        else:
            self.host.report_error(error)
            self._say("Not saved: unexpected error.")

    def action_back(self) -> None:
        if self._dirty and not self._leaving:
            self._leaving = True
            self._say("Unsaved changes: ctrl+s saves them, escape again leaves without.")
            return
        self.app.pop_screen()
