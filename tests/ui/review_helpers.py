"""Helpers shared by the review form's UI tests."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from console.app import RecoveryConsole
from console.services import Services
from console.services.review_dto import ReviewDraft
from screens.review.live import Line
from screens.review.top_row import TopRow


def message(app: RecoveryConsole) -> str:
    return app.screen.query_one("#message", Line).text


def value(app: RecoveryConsole, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


def beside(app: RecoveryConsole, field_id: str) -> str:
    return app.screen.query_one(f"#err-{field_id}", Line).text


async def pick(pilot: Pilot[None], letter: str) -> None:
    """A Select by keys: open its list, jump to the option by its first letter, take it."""
    await pilot.press("enter", letter, "enter")


def pending_decision(worker: Services, patient_id: int = 1) -> ReviewDraft:
    """A strategic review a recovery worker finalised with the OST decision left pending
    for a clinician (every TOP item not answered, BARC-10 declined, goals as they stood)."""
    from console.rules import top
    from console.services.review_dto import GoalReviewInput, ReviewInput

    draft = worker.reviews.start(patient_id, "strategic")
    return worker.reviews.finalise(
        draft.id,
        draft.version,
        ReviewInput(
            top_not_answered=frozenset(i.key for i in top.ITEMS),
            barc10_declined=True,
            goals={g.goal_key: GoalReviewInput(g.status) for g in draft.goals},
            next_review_date=draft.values.next_review_date,
        ),
    )


def marked_rows(screen: Screen[None]) -> list[Widget]:
    """The rows whose label marks the cursor: a TOP row paints its own, other rows
    mark their label widget."""
    rows = [label.parent for label in screen.query(".-here") if label.parent is not None]
    return rows + [row for row in screen.query(TopRow) if row.here]
