"""Sections 1–4 of the review form: TOP, drug test, corroboration, BARC-10. A post-exit
check-up asks only TOP's substance-use items."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from console import format as fmt
from console.rules import barc10 as barc_rules
from console.rules import top as top_rules
from console.rules.vocab import DRUG_PANEL
from screens.review import fields as f
from screens.review.live import Line
from screens.review.parts import (
    CORROBORATION_ROWS,
    heading,
    note,
    result_text,
    specimen_text,
)
from screens.review.top_row import TopRow

if TYPE_CHECKING:
    from screens.review.sections import ReviewSections

OTHER = "other_substance"


def top(b: ReviewSections) -> Iterator[Widget]:
    draft = b.draft
    values = draft.values
    prev = draft.previous
    na = values.top_not_answered
    checkup = draft.kind == "post_exit_checkup"
    section = ""
    yield note("Past 28 days: weeks 0–7 each, or a total. NA = not answered (not 0).")
    for item in top_rules.ITEMS:
        if checkup and item.section != top_rules.SUBSTANCE:
            continue  # a check-up asks substance use only
        if item.section != section:
            section = item.section
            yield heading(f"TOP · {section}")
            if item.kind is top_rules.ItemKind.DAYS or section == top_rules.SUBSTANCE:
                yield Static(f"{'':22}wk1 wk2 wk3 wk4 total amount        last", classes="columns")
        cells: list[Widget] = []
        label: str | None = None
        if item.key == OTHER:
            cells += [
                Static("Other:", classes="other-label"),
                b.field(
                    f.OTHER_NAME,
                    "top-other_substance_name",
                    values.other_substance_name,
                    "name",
                    placeholder="name it",
                ),
            ]
        else:  # the hint line has it whole
            label = item.label if len(item.label) <= 21 else item.label[:20] + "…"
        columns = top_rules.column_names(item)
        answer = columns[-1 if item.kind is not top_rules.ItemKind.DAYS else 4]
        for column in columns:
            text = f.NA if item.key in na else f.value_text(values.top.get(column))
            unanswered = values.top.get(answer) is None
            if draft.finalised and not text and unanswered and not column.endswith("_amount"):
                text = f.NA  # finalised: an empty answer is "not answered"
            cls = "amount" if column.endswith("_amount") else "cell"
            if column.endswith("_days"):
                cls = "total"
            cells.append(b.field(f.top_field(column), f"top-{column}", text, cls))
        unit = item.amount_unit or ("" if item.kind is top_rules.ItemKind.DAYS else None)
        last = ""
        if prev is not None:
            key = f"{item.key}_days" if item.kind is top_rules.ItemKind.DAYS else item.key
            last = f.short(prev.top.get(key))
        yield TopRow(*cells, label=label, unit=unit, was=last, classes="row")


def tests(b: ReviewSections) -> Iterator[Widget]:
    draft = b.draft
    test = draft.values.drug_test
    expected = draft.expected_positive
    medicine = fmt.ost_text(draft.medicine, draft.dose_mg)
    yield heading("Drug test")
    yield note(
        f"Prescribed: {medicine}. Expected positive: {', '.join(sorted(expected)) or 'none'}."
    )
    yield Horizontal(
        Static("Specimen", classes="label"),
        b.field(f.SPECIMEN, "drug-specimen", specimen_text(test.specimen if test else ""), "wide"),
        Static(" Date ", classes="short-label"),
        b.field(f.DATE, "drug-date", f.date_text(test.test_date if test else None), "date"),
        classes="row",
    )
    yield Static(f"{'':22}result  expected   last      (+ / - / blank)", classes="columns")
    prev = draft.previous
    for substance in DRUG_PANEL:
        result = test.results.get(substance, "not_tested") if test else "not_tested"
        want = "positive" if substance in expected else "negative"
        last = prev.drug_results.get(substance, "") if prev else ""
        yield Horizontal(
            Static(substance.capitalize(), classes="label"),
            b.field(f.RESULT, f"drug-{substance}", result_text(result), "cell"),
            Static(want, classes="expected"),
            Static(result_text(last) or "", classes="was"),
            Line("", classes="flag", id=f"flag-drug-{substance}"),
            classes="row",
        )


def corroboration(b: ReviewSections) -> Iterator[Widget]:
    rows = list(b.draft.values.corroborations)
    yield heading("Independent corroboration")
    yield note("Source: p pharmacy · k keyworker · f family member · s specialist · o other")
    for n in range(max(CORROBORATION_ROWS, len(rows))):
        source, said = (rows[n].source, rows[n].said) if n < len(rows) else ("", "")
        yield Horizontal(
            Static(f"Source {n + 1}", classes="label"),
            b.field(f.SOURCE, f"cor-source-{n}", source, "wide"),
            Static(" said", classes="short-label"),
            b.field(f.TEXT, f"cor-said-{n}", said, "text"),
            classes="row",
        )


def barc10(b: ReviewSections) -> Iterator[Widget]:
    values = b.draft.values
    prev = b.draft.previous
    yield heading("BARC-10 · 1 strongly disagree … 6 strongly agree")
    yield Line("", id="barc-total", classes="note")
    for n, wording in enumerate(barc_rules.ITEMS, start=1):
        was = f"was {f.short(prev.barc10[n - 1])}" if prev else ""
        yield Horizontal(
            Static(f"{n:>2} {wording}", classes="wording"),
            b.field(f.barc_field(n), f"barc-{n}", f.value_text(values.barc10[n - 1])),
            Static(was, classes="was"),
            classes="row barc-row",
        )
    yield Horizontal(
        Static("Declined (y/n)", classes="label"),
        b.field(f.DECLINED, "barc-declined", "y" if values.barc10_declined else ""),
        Static("y = the patient chose not to answer", classes="note"),
        classes="row",
    )
