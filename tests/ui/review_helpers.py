"""Helpers shared by the review form's UI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from console.app import RecoveryConsole
from screens.review.live import Line


def message(app: RecoveryConsole) -> str:
    return app.screen.query_one("#message", Line).text


def value(app: RecoveryConsole, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


def beside(app: RecoveryConsole, field_id: str) -> str:
    return app.screen.query_one(f"#err-{field_id}", Line).text


async def pick(pilot: Pilot[None], letter: str) -> None:
    """A Select by keys: open its list, jump to the option by its first letter, take it."""
    await pilot.press("enter", letter, "enter")
