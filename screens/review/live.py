"""What the form works out as fields change: the BARC-10 total and change, the 28-day
total from four weeks, and unexpected drug-test results (named in text, not colour)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input

from console.rules import barc10, top
from console.rules.drug_tests import unexpected
from console.rules.vocab import DRUG_PANEL
from console.services.review_dto import ReviewDraft

if TYPE_CHECKING:
    from textual.widget import Widget as _Base

    from screens.review.sections import ReviewSections
else:
    _Base = object


class Line(Widget):
    """One line of text that changes often: a repaint, never a new layout of the form
    (a Static's update lays out the whole screen, ~90 ms with 250 fields mounted)."""

    # One line high: a Widget's default height filled the BARC-10 section with its total
    # line, pushing the ten items out of sight on entry (issue 13).
    DEFAULT_CSS = "Line { height: 1; }"

    text: reactive[str] = reactive("", layout=False)

    def __init__(
        self, text: str = "", *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.set_reactive(Line.text, text)

    def render(self) -> str:
        return self.text

    def update(self, text: str) -> None:
        self.text = text


class LiveFigures(_Base):
    """Mixed into ReviewScreen (which provides `draft` and `sections`)."""

    draft: ReviewDraft | None
    sections: ReviewSections | None

    def _barc_total(self) -> None:
        if self.sections is None or self.draft is None:
            return
        answers: list[int | None] = []
        for n in range(1, 11):
            try:
                got = self.sections.specs[f"barc-{n}"].parse(
                    self.sections.texts.get(f"barc-{n}", "")
                )
            except ValueError:
                got = None
            answers.append(got if isinstance(got, int) else None)
        total = barc10.total(answers)
        prev = self.draft.previous.barc10_total if self.draft.previous else None
        answered = sum(a is not None for a in answers)
        if total is None:
            text = f"Total: needs all ten ({answered} of 10 answered) · range 10–60"
        else:
            change = barc10.change(total, prev)
            since = (
                f" · change {change:+d} since last review ({prev})" if change is not None else ""
            )
            text = f"Total {total} of 60{since}"
        for line in self.query("#barc-total").results(Line):
            line.update(text)
        focused = self.app.focused
        if focused is not None and is_barc_item(focused.id):
            self.query_one("#hint", Line).update(self.barc_hint(focused.id or ""))

    def barc_hint(self, field_id: str) -> str:
        """The item's range with the running total: the total line above scrolls away at
        80x24 while the last items are answered."""
        total = self.query_one("#barc-total", Line).text
        return f"Item {field_id.removeprefix('barc-')}: 1–6 · {total}"

    def _drug_flags(self) -> None:
        if self.draft is None or self.sections is None:
            return
        results = {}
        for s in DRUG_PANEL:
            try:
                results[s] = str(
                    self.sections.specs[f"drug-{s}"].parse(self.sections.texts.get(f"drug-{s}", ""))
                )
            except ValueError:
                results[s] = "not_tested"
        found = unexpected(
            {
                k: ("not_tested" if v not in ("positive", "negative") else v)
                for k, v in results.items()
            },
            self.draft.medicine,
        )
        for s in DRUG_PANEL:
            flag = next((x for x in found if x.startswith(s)), "")
            for line in self.query(f"#flag-drug-{s}").results(Line):
                line.update("! UNEXPECTED" if flag else "")

    def _week_total(self, field_id: str) -> None:
        column = field_id.removeprefix("top-")
        if column not in top.COLUMNS or not top.COLUMNS[column][1].startswith("w"):
            return
        if self.sections is None:
            return
        key = top.COLUMNS[column][0].key
        weeks = []
        for w in range(1, 5):
            text = self.sections.texts.get(f"top-{key}_w{w}", "").strip()
            weeks.append(int(text) if text.isdigit() and int(text) <= 7 else None)
        total = top.weeks_total(weeks)
        if total is not None:
            self.query_one(f"#top-{key}_days", Input).value = str(total)


def is_barc_item(field_id: str | None) -> bool:
    return field_id is not None and field_id.startswith("barc-") and field_id[5:].isdigit()
