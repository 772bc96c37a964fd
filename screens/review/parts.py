"""Small pieces every review section uses."""

from __future__ import annotations

from textual.widgets import Select, Static

from console.rules.review import DOSE_CHANGES
from console.rules.vocab import OstDecision

CORROBORATION_ROWS = 3


def needs_new_prescription(decision: str, medicine: str) -> bool:
    """A start, or a dose change with no prescription now, names the medicine to give."""
    return decision == OstDecision.START or (decision in DOSE_CHANGES and not medicine)


def select_text(value: object) -> str:
    return "" if value is Select.NULL or value is None else str(value)


def heading(text: str) -> Static:
    return Static(f"── {text} " + "─" * max(0, 70 - len(text)), classes="heading")


def note(text: str) -> Static:
    return Static(text, classes="note")


def specimen_text(specimen: str) -> str:
    return {"urine": "u", "oral_fluid": "o"}.get(specimen, "")


def result_text(result: str) -> str:
    return {"positive": "+", "negative": "-"}.get(result, "")
