"""Dialogs of the template screens: choose a patient to preview for, the preview, and
the question before the shipped wording is put back."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.format import nhs
from console.services import Services
from console.services.dto import PatientRow
from console.services.letters_dto import Preview


class PatientPickModal(ModalScreen[int | None]):
    """Type a name or NHS number; ↓ to the matches, enter chooses one."""

    CSS_PATH = "templates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="pick-patient.cancel"),
    ]

    class Found(Message):
        def __init__(self, rows: tuple[PatientRow, ...]) -> None:
            super().__init__()
            self.rows = rows

    @property
    def services(self) -> Services:
        return self.app.services  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal"):
            yield Static("Preview for which patient?", classes="modal-title")
            yield Input(placeholder="family name or NHS number", id="who", compact=True)
            yield OptionList(id="matches")
            yield Static(
                "type to search · ↓ to the matches · enter chooses · escape cancels",
                classes="keys",
            )

    @on(Input.Changed, "#who")
    def _typed(self, event: Input.Changed) -> None:
        self._search(event.value)

    @on(Input.Submitted, "#who")
    def _to_list(self) -> None:
        matches = self.query_one("#matches", OptionList)
        if matches.option_count:
            matches.focus()
            matches.highlighted = 0

    def on_key(self, event: object) -> None:
        if getattr(event, "key", "") == "down" and self.query_one("#who", Input).has_focus:
            self._to_list()

    @work(thread=True, exclusive=True, group="pick", exit_on_error=False)
    def _search(self, text: str) -> None:
        rows = self.services.patients.search(text, limit=8).rows if text.strip() else ()
        self.post_message(self.Found(rows))

    def on_patient_pick_modal_found(self, message: Found) -> None:
        matches = self.query_one("#matches", OptionList)
        matches.clear_options()
        matches.add_options(
            Option(
                f"{r.family_name.upper()}, {r.given_name}  {nhs(r.nhs_number)}  "
                f"{r.date_of_birth:%d/%m/%Y}",
                id=str(r.id),
            )
            for r in message.rows
        )

    @on(OptionList.OptionSelected, "#matches")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(int(event.option.id or 0) or None)

    def action_cancel(self) -> None:
        self.dismiss(None)


class PreviewModal(ModalScreen[None]):
    """The letter as it would read for that patient, or why none would be produced."""

    CSS_PATH = "templates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "close", "Close", id="template-preview.close"),
    ]

    def __init__(self, preview: Preview, draft: bool) -> None:
        super().__init__()
        self.preview = preview
        self.draft = draft

    def compose(self) -> ComposeResult:
        p = self.preview
        which = "the text being edited (not saved)" if self.draft else "the saved wording"
        with Vertical(classes="modal"):
            yield Static(f"Preview: {p.title}, from {which}", classes="modal-title")
            with VerticalScroll(id="preview-scroll"):
                shown = p.refusal or (f"{p.note}\n\n{p.text}" if p.note else p.text)
                yield Static(shown, id="preview-body", markup=False)
            yield Static("↑↓ pgup pgdn scroll · escape closes", classes="keys")

    def on_mount(self) -> None:
        self.query_one("#preview-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class RestoreModal(ModalScreen[bool]):
    """y puts the shipped wording back; the practice's wording stays in the history."""

    CSS_PATH = "templates.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Restore", id="template-restore.yes"),
        Binding("n,escape", "answer(False)", "Keep", id="template-restore.no"),
    ]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal"):
            yield Static(f"Put back the shipped wording of {self.title_text}?", markup=False)
            yield Static("The practice's wording stays in the template's history.")
            yield Static("y restore it · n or escape keep the practice's wording", classes="keys")

    def action_answer(self, restore: bool) -> None:
        self.dismiss(restore)
