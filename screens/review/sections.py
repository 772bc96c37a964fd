"""The review form's seven sections (SPEC §3.4): each builds its rows of fields and
registers how each field is read, so the screen can check and collect them all."""

from __future__ import annotations

from collections.abc import Iterator

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static

from console import format as fmt
from console.rules import barc10, top
from console.rules.vocab import DOMAIN_LABEL, DRUG_PANEL, Domain
from console.services.review_dto import ReviewDraft
from screens.review import fields as f
from screens.review.live import Line

SECTIONS = (
    ("top", "TOP"),
    ("tests", "Tests"),
    ("corroboration", "Corroboration"),
    ("barc10", "BARC-10"),
    ("plan", "Plan"),
    ("ost", "OST"),
    ("next", "Next review"),
)
CORROBORATION_ROWS = 3
Specs = dict[str, f.FieldSpec]


def _input(
    specs: Specs, spec: f.FieldSpec, field_id: str, value: str, read_only: bool, cls: str
) -> Input:
    specs[field_id] = spec
    return Input(
        value,
        placeholder="·" * (2 if cls == "cell" else 4),
        id=field_id,
        compact=True,
        classes=cls,
        disabled=read_only,
        select_on_focus=True,
    )


def _heading(text: str) -> Static:
    return Static(f"── {text} " + "─" * max(0, 70 - len(text)), classes="heading")


def section_of(field_id: str) -> str:
    prefix = field_id.split("-", 1)[0]
    return {
        "top": "top",
        "drug": "tests",
        "cor": "corroboration",
        "barc": "barc10",
        "barc10": "barc10",
        "goal": "plan",
        "ost": "ost",
        "next": "next",
    }.get(prefix, "top")


class ReviewSections:
    """Builds the sections for one draft and remembers every field's spec."""

    def __init__(self, draft: ReviewDraft, read_only: bool) -> None:
        self.draft = draft
        self.read_only = read_only
        self.specs: Specs = {}

    def compose_all(self) -> Iterator[Widget]:
        yield VerticalScroll(*self._top(), id="top", classes="section")
        yield VerticalScroll(*self._tests(), id="tests", classes="section")
        yield VerticalScroll(*self._corroboration(), id="corroboration", classes="section")
        yield VerticalScroll(*self._barc10(), id="barc10", classes="section")
        yield VerticalScroll(*self._plan(), id="plan", classes="section")
        yield VerticalScroll(*self._ost(), id="ost", classes="section")
        yield VerticalScroll(*self._next(), id="next", classes="section")

    def _field(self, spec: f.FieldSpec, field_id: str, value: str, cls: str = "cell") -> Input:
        return _input(self.specs, spec, field_id, value, self.read_only, cls)

    # -- 1 TOP ------------------------------------------------------------------------
    def _top(self) -> ComposeResult:
        values = self.draft.values
        prev = self.draft.previous
        na = values.top_not_answered
        section = ""
        yield Static(
            "Past 28 days: weeks 0–7 each, or a total. NA = not answered (not 0).",
            classes="note",
        )
        for item in top.ITEMS:
            if item.section != section:
                section = item.section
                yield _heading(f"TOP · {section}")
                if item.kind is top.ItemKind.DAYS or section == top.SUBSTANCE:
                    yield Static(
                        f"{'':22}wk1 wk2 wk3 wk4 total amount        last",
                        classes="columns",
                    )
            cells: list[Widget] = [Static(item.label[:21], classes="label")]
            for column in top.column_names(item):
                text = f.NA if item.key in na else f.value_text(values.top.get(column))
                unanswered = (
                    values.top.get(
                        top.column_names(item)[-1 if item.kind is not top.ItemKind.DAYS else 4]
                    )
                    is None
                )
                if (
                    self.draft.finalised
                    and not text
                    and unanswered
                    and not column.endswith("_amount")
                ):
                    text = f.NA  # finalised: an empty answer is "not answered"
                cls = "amount" if column.endswith("_amount") else "cell"
                if column.endswith("_days"):
                    cls = "total"
                cells.append(self._field(f.top_field(column), f"top-{column}", text, cls))
            if item.amount_unit:
                cells.append(Static(item.amount_unit, classes="unit"))
            elif item.kind is top.ItemKind.DAYS:
                cells.append(Static("", classes="no-amount"))
            last = ""
            if prev is not None:
                key = f"{item.key}_days" if item.kind is top.ItemKind.DAYS else item.key
                last = f.short(prev.top.get(key))
            cells.append(Static(last, classes="was", id=f"was-top-{item.key}"))
            yield Horizontal(*cells, classes="row")

    # -- 2 drug test ------------------------------------------------------------------
    def _tests(self) -> ComposeResult:
        test = self.draft.values.drug_test
        expected = self.draft.expected_positive
        medicine = fmt.ost_text(self.draft.medicine, self.draft.dose_mg)
        yield _heading("Drug test")
        yield Static(
            f"Prescribed: {medicine}. Expected positive: {', '.join(sorted(expected)) or 'none'}.",
            classes="note",
        )
        yield Horizontal(
            Static("Specimen", classes="label"),
            self._field(
                f.SPECIMEN, "drug-specimen", _specimen_text(test.specimen if test else ""), "wide"
            ),
            Static(" Date ", classes="short-label"),
            self._field(f.DATE, "drug-date", f.date_text(test.test_date if test else None), "date"),
            classes="row",
        )
        yield Static(f"{'':22}result  expected   last      (+ / - / blank)", classes="columns")
        prev = self.draft.previous
        for substance in DRUG_PANEL:
            result = test.results.get(substance, "not_tested") if test else "not_tested"
            want = "positive" if substance in expected else "negative"
            last = prev.drug_results.get(substance, "") if prev else ""
            yield Horizontal(
                Static(substance.capitalize(), classes="label"),
                self._field(f.RESULT, f"drug-{substance}", _result_text(result), "cell"),
                Static(want, classes="expected"),
                Static(_result_text(last) or "", classes="was"),
                Line("", classes="flag", id=f"flag-drug-{substance}"),
                classes="row",
            )

    # -- 3 corroboration --------------------------------------------------------------
    def _corroboration(self) -> ComposeResult:
        rows = list(self.draft.values.corroborations)
        yield _heading("Independent corroboration")
        yield Static(
            "Source: p pharmacy · k keyworker · f family member · s specialist · o other",
            classes="note",
        )
        for n in range(max(CORROBORATION_ROWS, len(rows))):
            source, said = (rows[n].source, rows[n].said) if n < len(rows) else ("", "")
            yield Horizontal(
                Static(f"Source {n + 1}", classes="label"),
                self._field(f.SOURCE, f"cor-source-{n}", source, "wide"),
                Static(" said", classes="short-label"),
                self._field(f.TEXT, f"cor-said-{n}", said, "text"),
                classes="row",
            )

    # -- 4 BARC-10 --------------------------------------------------------------------
    def _barc10(self) -> ComposeResult:
        values = self.draft.values
        prev = self.draft.previous
        yield _heading("BARC-10 · 1 strongly disagree … 6 strongly agree")
        yield Line("", id="barc-total", classes="note")
        for n, wording in enumerate(barc10.ITEMS, start=1):
            was = f"was {f.short(prev.barc10[n - 1])}" if prev else ""
            yield Horizontal(
                Static(f"{n:>2} {wording}", classes="wording"),
                self._field(f.barc_field(n), f"barc-{n}", f.value_text(values.barc10[n - 1])),
                Static(was, classes="was"),
                classes="row barc-row",
            )
        yield Horizontal(
            Static("Declined (y/n)", classes="label"),
            self._field(f.DECLINED, "barc-declined", "y" if values.barc10_declined else ""),
            Static("y = the patient chose not to answer", classes="note"),
            classes="row",
        )

    # -- 5 care plan review -----------------------------------------------------------
    def _plan(self) -> ComposeResult:
        yield _heading("Care plan review · n not started · p in progress · a achieved · d dropped")
        if not self.draft.goals:
            yield Static("No goals in the current plan.", classes="note")
        for goal in self.draft.goals:
            reviewed = self.draft.values.goals.get(goal.goal_key)
            domain = (
                DOMAIN_LABEL.get(Domain(goal.domain), goal.domain)
                if goal.domain in {d.value for d in Domain}
                else goal.domain
            )
            yield Static(
                f"{domain}: {goal.words}  (now {goal.status.replace('_', ' ')})", classes="goal"
            )
            yield Horizontal(
                Static("  new status", classes="label"),
                self._field(
                    f.GOAL,
                    f"goal-status-{goal.goal_key}",
                    reviewed.status if reviewed else "",
                    "wide",
                ),
                Static(" note", classes="short-label"),
                self._field(
                    f.TEXT, f"goal-note-{goal.goal_key}", reviewed.note if reviewed else "", "text"
                ),
                classes="row",
            )

    # -- 6 OST decision ---------------------------------------------------------------
    def _ost(self) -> ComposeResult:
        v = self.draft.values
        yield _heading("OST decision (clinicians)")
        if not self.draft.can_decide_ost and not self.read_only:
            yield Static(
                "Only a clinician records the decision: this review will be marked pending "
                "and a clinician records it later.",
                classes="note",
            )
        yield Static(f.DECISION.hint, classes="note")
        locked = self.read_only or not self.draft.can_decide_ost
        decision = _input(self.specs, f.DECISION, "ost-decision", v.ost_decision, locked, "wide")
        yield Horizontal(
            Static("Decision", classes="label"),
            decision,
            Static("", id="ost-decision-text", classes="expected"),
            classes="row",
        )
        dose = "" if v.new_dose_mg is None else f.value_text(v.new_dose_mg)
        yield Horizontal(
            Static("New dose (mg)", classes="label"),
            _input(self.specs, f.DOSE, "ost-dose", dose, locked, "wide"),
            Static(" from", classes="short-label"),
            _input(self.specs, f.DATE, "ost-from", f.date_text(v.new_dose_from), locked, "date"),
            classes="row",
        )
        yield Horizontal(
            Static("Rationale", classes="label"),
            _input(self.specs, f.TEXT, "ost-rationale", v.ost_rationale, locked, "text"),
            classes="row",
        )
        yield Static(
            "Required to continue maintenance. Now: "
            f"{fmt.ost_text(self.draft.medicine, self.draft.dose_mg)}",
            classes="note",
        )
        if self.draft.ost_decided_by:
            yield Static(
                f"Decided by {self.draft.ost_decided_by} at "
                f"{self.draft.ost_decided_at[:16].replace('T', ' ')}",
                classes="note",
            )

    # -- 7 next review ----------------------------------------------------------------
    def _next(self) -> ComposeResult:
        v = self.draft.values
        yield _heading("Next review")
        yield Static(
            f"The rule gives {fmt.date_text(self.draft.rule_next_due)}. Earlier is fine; "
            "later needs a reason.",
            classes="note",
        )
        yield Horizontal(
            Static("Next review", classes="label"),
            self._field(f.DATE, "next-date", f.date_text(v.next_review_date), "date"),
            classes="row",
        )
        yield Horizontal(
            Static("Reason if later", classes="label"),
            self._field(f.TEXT, "next-reason", v.next_review_reason, "text"),
            classes="row",
        )


def _specimen_text(specimen: str) -> str:
    return {"urine": "u", "oral_fluid": "o"}.get(specimen, "")


def _result_text(result: str) -> str:
    return {"positive": "+", "negative": "-"}.get(result, "")
