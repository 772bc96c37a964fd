"""The summary's review history: every review, drafts too, newest first, two lines each.

A focusable list so the keyboard reaches any review; `enter` posts `Chosen` and the
summary opens it (finalised ones read-only, drafts to carry on with).
"""

from __future__ import annotations

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.services.summary_dto import ReviewPoint
from screens.patients.summary_sections import history_lines


class ReviewHistory(OptionList):
    class Chosen(Message):
        def __init__(self, point: ReviewPoint) -> None:
            super().__init__()
            self.point = point

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.points: dict[str, ReviewPoint] = {}

    def show(self, points: tuple[ReviewPoint, ...]) -> None:
        """Replace the rows, keeping the highlighted review (coming back from one)."""
        was = self.highlighted_option.id if self.highlighted_option is not None else None
        self.points = {str(p.id): p for p in points}
        self.set_options(
            Option(Content("\n".join(history_lines(p))), id=key) for key, p in self.points.items()
        )
        if was in self.points:
            self.highlighted = self.get_option_index(was)

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        point = self.points.get(event.option.id or "")
        if point is not None:
            self.post_message(self.Chosen(point))
