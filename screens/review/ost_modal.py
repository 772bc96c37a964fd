"""A clinician records the OST decision a recovery worker's review left pending."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static

from console.rules.vocab import DISPENSING_LABEL, MEDICINE_LABEL, Dispensing, DoseInterval, Medicine
from console.services.errors import Invalid, ServiceError
from console.services.review_dto import ReviewDraft
from screens.review import fields as f
from screens.review.parts import needs_new_prescription, select_text
from screens.widgets.masked import date_input

# The new prescription's lists, as the review form offers them.
CHOICES = {
    "m-medicine": ([(MEDICINE_LABEL[m], m.value) for m in Medicine], "medicine (to start)"),
    "m-interval": ([(i.value, i.value) for i in DoseInterval], "interval"),
    "m-dispensing": (
        [(DISPENSING_LABEL[d], d.value) for d in Dispensing],
        "dispensing (none for the injection)",
    ),
}


class OstDecisionModal(ModalScreen[ReviewDraft | None]):
    """Records the decision through the service and dismisses with the review, or None.
    A refusal keeps the modal open with what was typed and the reasons."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ost-decision.cancel"),
        Binding("ctrl+s", "save", "Save", id="ost-decision.save", priority=True),
    ]
    DEFAULT_CSS = """
    OstDecisionModal { align: center middle; }
    OstDecisionModal > Vertical {
        width: 78; height: auto; border: round $primary; padding: 0 1;
    }
    OstDecisionModal Input { margin-bottom: 1; }
    OstDecisionModal #ost-error { text-style: bold; }
    OstDecisionModal Select { margin-bottom: 1; }
    OstDecisionModal #m-new { height: auto; }
    """

    class Refused(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, review_id: int, medicine: str = "") -> None:
        super().__init__()
        self.review_id = review_id
        self.medicine = medicine  # the current prescription's; "" when there is none

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
            with Vertical(id="m-new"):
                for key, (options, prompt) in CHOICES.items():
                    yield Select(options, prompt=prompt, id=key, compact=True)
            yield date_input(placeholder="new dose from dd/mm/yyyy", id="m-from", compact=True)
            yield Static("enter on the last field or ctrl+s saves · escape cancels", id="ost-error")

    def on_mount(self) -> None:
        self.query_one("#m-new").display = False

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "m-decision":
            return
        try:
            decision = f.DECISION.parse(event.value)
        except ValueError:
            return
        # A start (or a first dose) names the medicine, as on the review form.
        self.query_one("#m-new").display = needs_new_prescription(str(decision), self.medicine)

    def enter_moves_on(self, widget: object) -> bool:
        """Enter in a field before the last moves to the next one, as the App reads the
        key (screens/terminal_keys.py, H119); on the last field it saves."""
        return isinstance(widget, Input) and widget.id != "m-from"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "m-from":
            self.action_save()

    def action_save(self) -> None:
        texts = {w.id: w.value for w in self.query(Input)}
        try:
            decision = f.DECISION.parse(texts["m-decision"] or "")
            dose = f.parse_dose(texts["m-dose"] or "")
            start = f.parse_date(texts["m-from"] or "")
        except ValueError as error:
            self.query_one("#ost-error", Static).update(f"✗ {error}")
            return
        entered: dict[str, object] = {
            "decision": "" if decision is f.BLANK else decision,
            "rationale": (texts["m-rationale"] or "").strip(),
            "new_dose_mg": None if dose is f.BLANK else dose,
            "new_dose_from": None if start is f.BLANK else start,
        }
        if self.query_one("#m-new").display:
            for key in CHOICES:
                name = "new_" + key.removeprefix("m-")
                entered[name] = select_text(self.query_one(f"#{key}", Select).value)
        self.query_one("#ost-error", Static).update("Saving…")
        self._record(entered)

    @work(thread=True, exclusive=True, group="ost-decision", exit_on_error=False)
    def _record(self, entered: dict[str, Any]) -> None:
        reviews = self.app.services.reviews  # type: ignore[attr-defined]
        try:
            draft = reviews.record_ost_decision(self.review_id, **entered)
        except Invalid as error:
            self.post_message(self.Refused("✗ " + "; ".join(error.errors.values())))
            return
        except ServiceError as error:
            self.post_message(self.Refused(f"✗ {error}"))
            return
        self.app.call_from_thread(self.dismiss, draft)

    def on_ost_decision_modal_refused(self, message: Refused) -> None:
        self.query_one("#ost-error", Static).update(message.text)

    def action_cancel(self) -> None:
        self.dismiss(None)
