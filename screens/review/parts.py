"""Small pieces every review section uses."""

from __future__ import annotations

from textual.widgets import Static


def heading(text: str) -> Static:
    return Static(f"── {text} " + "─" * max(0, 70 - len(text)), classes="heading")


def note(text: str) -> Static:
    return Static(text, classes="note")


def specimen_text(specimen: str) -> str:
    return {"urine": "u", "oral_fluid": "o"}.get(specimen, "")


def result_text(result: str) -> str:
    return {"positive": "+", "negative": "-"}.get(result, "")
