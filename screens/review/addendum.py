"""An addendum to a finalised review: which value, its new value and why (SPEC §2).
The original stays as it was; the screen lists every addendum under the title."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from console.rules import top
from console.services.review_dto import Addendum, ReviewDraft


@dataclass(frozen=True)
class AddendumInput:
    field: str
    new_value: str
    reason: str


FIELD_HINT = (
    "Value: a TOP column (opiates_days, psych_health, shared_needle …), "
    "barc10_q1…barc10_q10, or drug_<substance>"
)


def field_label(field: str) -> str:
    if field in top.COLUMNS:
        item, part = top.COLUMNS[field]
        return f"{item.label}{' ' + part if part else ''}"
    if field.startswith("barc10_q"):
        return f"BARC-10 item {field.removeprefix('barc10_q')}"
    return field.removeprefix("drug_").capitalize() + " test"


def addenda_text(draft: ReviewDraft) -> str:
    if not draft.addenda:
        return ""
    lines = [_line(a) for a in draft.addenda]
    return "Addenda (the form keeps the original values):\n" + "\n".join(lines)


def _line(a: Addendum) -> str:
    old = a.old_value or "NA"
    new = a.new_value or "NA"
    return f" {a.at[:10]} {a.by}: {field_label(a.field)} {old} → {new} ({a.reason})"


class AddendumModal(ModalScreen[AddendumInput | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="addendum.cancel"),
    ]
    DEFAULT_CSS = """
    AddendumModal { align: center middle; }
    AddendumModal > Vertical {
        width: 76; height: auto; border: round $primary; padding: 0 1;
    }
    AddendumModal Input { margin-bottom: 1; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Addendum: correct one value of this finalised review")
            yield Static(FIELD_HINT)
            yield Input(placeholder="which value, e.g. opiates_days", id="add-field", compact=True)
            yield Input(
                placeholder="new value (empty = not answered)", id="add-value", compact=True
            )
            yield Input(placeholder="why it is corrected", id="add-reason", compact=True)
            yield Static("enter on the reason saves · escape cancels", id="add-keys")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "add-reason":
            self.focus_next()
            return
        self.dismiss(
            AddendumInput(
                self.query_one("#add-field", Input).value.strip(),
                self.query_one("#add-value", Input).value.strip(),
                self.query_one("#add-reason", Input).value.strip(),
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
