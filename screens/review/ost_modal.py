"""A clinician records the OST decision a recovery worker's review left pending."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from screens.review import fields as f


class OstDecisionModal(ModalScreen[dict[str, object] | None]):
    """Dismisses with decision, rationale, new_dose_mg and new_dose_from, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ost-decision.cancel"),
    ]
    DEFAULT_CSS = """
    OstDecisionModal { align: center middle; }
    OstDecisionModal > Vertical {
        width: 78; height: auto; border: round $primary; padding: 0 1;
    }
    OstDecisionModal Input { margin-bottom: 1; }
    OstDecisionModal #ost-error { text-style: bold; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Record the OST decision for this review")
            yield Static(f.DECISION.hint)
            yield Input(placeholder="decision (c, r, d, i, s, x, n)", id="m-decision", compact=True)
            yield Input(
                placeholder="rationale (required to continue)", id="m-rationale", compact=True
            )
            yield Input(
                placeholder="new dose mg (reduce, increase, start)", id="m-dose", compact=True
            )
            yield Input(placeholder="new dose from dd/mm/yyyy", id="m-from", compact=True)
            yield Static("enter on the last field saves · escape cancels", id="ost-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "m-from":
            self.focus_next()
            return
        texts = {w.id: w.value for w in self.query(Input)}
        try:
            decision = f.DECISION.parse(texts["m-decision"] or "")
            dose = f.parse_dose(texts["m-dose"] or "")
            start = f.parse_date(texts["m-from"] or "")
        except ValueError as error:
            self.query_one("#ost-error", Static).update(f"✗ {error}")
            return
        self.dismiss(
            {
                "decision": "" if decision is f.BLANK else decision,
                "rationale": (texts["m-rationale"] or "").strip(),
                "new_dose_mg": None if dose is f.BLANK else dose,
                "new_dose_from": None if start is f.BLANK else start,
            }
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
