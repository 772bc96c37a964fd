"""Sections 5–7 of the review form (care plan review, OST decision, next review) and a
post-exit check-up's need for treatment (reference/recovery-checkups.md)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Static

from console import format as fmt
from console.rules.vocab import (
    DISPENSING_LABEL,
    DOMAIN_LABEL,
    MEDICINE_LABEL,
    Dispensing,
    Domain,
    DoseInterval,
    Medicine,
)
from console.services.review_dto import PlanReviewed
from screens.review import fields as f
from screens.review.live import Line
from screens.review.parts import heading, needs_new_prescription, note

if TYPE_CHECKING:
    from screens.review.sections import ReviewSections

YES_NO = [("Yes", "yes"), ("No", "no")]
# (field id, ReviewInput name, the question as reference/recovery-checkups.md words it)
NEED_QUESTIONS = (
    (
        "need-weekly",
        "need_weekly_use",
        "Since your last check-up, have you used {} weekly or more often?",
    ),
    (
        "need-problems",
        "need_problems",
        "In the past month, have you had any problems because of drink or drugs?",
    ),
    ("need-help", "need_help_now", "Do you feel you need help or treatment now?"),
)


def error_line(field_id: str) -> Line:
    """Where a field's message is shown beside it."""
    return Line("", id=f"err-{field_id}", classes="err")


def answer_text(value: object) -> str:
    return {True: "Yes", False: "No"}.get(value, "not answered")  # type: ignore[call-overload]


def plan(b: ReviewSections) -> Iterator[Widget]:
    draft = b.draft
    yield heading("Care plan review · n not started · p in progress · a achieved · d dropped")
    yield note(plan_source(draft.plan))
    if not draft.goals and draft.plan is not None:
        yield note("No goals in this plan version.")
    for goal in draft.goals:
        reviewed = draft.values.goals.get(goal.goal_key)
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
            b.field(
                f.goal_field(goal.words),
                f"goal-status-{goal.goal_key}",
                reviewed.status if reviewed else "",
                "wide",
            ),
            Static(" note", classes="short-label"),
            b.field(
                f.TEXT, f"goal-note-{goal.goal_key}", reviewed.note if reviewed else "", "text"
            ),
            classes="row",
        )


def plan_source(plan: PlanReviewed | None) -> str:
    """Which version's goals are reviewed, in words (issue 13: never the unagreed draft's
    wording while an agreed version stands)."""
    if plan is None:
        return "No care plan yet: no goals to review."
    if not plan.agreed:
        return f"No version agreed yet: reviewing the draft's goals (version {plan.version_no})."
    when = f", agreed {fmt.date_text(plan.agreed_on)}" if plan.agreed_on else ""
    text = f"Reviewing the agreed plan (version {plan.version_no}{when})."
    if plan.newer_draft:
        text += f" A newer draft, version {plan.newer_draft}, is not yet agreed."
    return text


def ost(b: ReviewSections) -> Iterator[Widget]:
    draft = b.draft
    v = draft.values
    yield heading("OST decision (clinicians)")
    if not draft.can_decide_ost and not b.read_only:
        yield note(
            "Only a clinician records the decision: this review will be marked pending "
            "and a clinician records it later."
        )
    yield note(f.DECISION.hint)
    locked = not draft.can_decide_ost
    yield Horizontal(
        Static("Decision", classes="label"),
        b.field(f.DECISION, "ost-decision", v.ost_decision, "wide", locked=locked),
        Static("", id="ost-decision-text", classes="expected"),
        classes="row",
    )
    dose = "" if v.new_dose_mg is None else f.value_text(v.new_dose_mg)
    yield Horizontal(
        Static("New dose (mg)", classes="label"),
        b.field(f.DOSE, "ost-dose", dose, "wide", locked=locked),
        Static(" from", classes="short-label"),
        b.field(f.DATE, "ost-from", f.date_text(v.new_dose_from), "date", locked=locked),
        classes="row",
    )
    yield Horizontal(
        Static("Rationale", classes="label"),
        b.field(f.TEXT, "ost-rationale", v.ost_rationale, "text", locked=locked),
        classes="row",
    )
    new = Vertical(
        _pick_row(b, "Medicine", f.MEDICINE, "ost-medicine", v.new_medicine, locked,
                  [(MEDICINE_LABEL[m], m.value) for m in Medicine], "choose"),
        _pick_row(b, "Interval", f.INTERVAL, "ost-interval", v.new_interval, locked,
                  [(i.value, i.value) for i in DoseInterval], "choose"),
        _pick_row(b, "Dispensing", f.DISPENSING, "ost-dispensing", v.new_dispensing, locked,
                  [(DISPENSING_LABEL[d], d.value) for d in Dispensing], "none (injection)"),
        id="ost-new",
    )  # fmt: skip
    new.display = needs_new_prescription(v.ost_decision, draft.medicine)
    yield new
    yield note(
        f"Required to continue maintenance. Now: {fmt.ost_text(draft.medicine, draft.dose_mg)}"
    )
    if draft.ost_decided_by:
        yield note(f"Decided by {draft.ost_decided_by} on {_day_text(draft.ost_decided_at)}")


def _day_text(at: str) -> str:
    """An ISO timestamp as staff write the day (never 2026-12-02)."""
    try:
        return fmt.date_text(dt.date.fromisoformat(at[:10]))
    except ValueError:
        return at[:10]


def _pick_row(
    b: ReviewSections,
    label: str,
    spec: f.FieldSpec,
    field_id: str,
    value: str,
    locked: bool,
    options: list[tuple[str, str]],
    prompt: str,
) -> Horizontal:
    return Horizontal(
        Static(label, classes="label"),
        b.select(spec, field_id, options, value, prompt, locked=locked),
        error_line(field_id),
        classes="row",
    )


def review_date_row(b: ReviewSections) -> Horizontal:
    return Horizontal(
        Static("Review date", classes="label"),
        b.field(
            f.review_date_field(b.today),
            "review-date",
            f.date_text(b.draft.values.review_date),
            "date",
        ),
        error_line("review-date"),
        classes="row",
    )


def next_review(b: ReviewSections) -> Iterator[Widget]:
    v = b.draft.values
    yield heading("Next review")
    yield note(
        f"The rule gives {fmt.date_text(b.draft.rule_next_due)}. Earlier is fine; "
        "later needs a reason."
    )
    yield Horizontal(
        Static("Next review", classes="label"),
        b.field(f.NEXT_DATE, "next-date", f.date_text(v.next_review_date), "date"),
        classes="row",
    )
    yield Horizontal(
        Static("Reason if later", classes="label"),
        b.field(f.TEXT, "next-reason", v.next_review_reason, "text"),
        classes="row",
    )
    yield heading("Review held")
    yield review_date_row(b)


def need(b: ReviewSections) -> Iterator[Widget]:
    draft = b.draft
    values = draft.values
    yield heading("Need for treatment · each answered Yes or No")
    substances = draft.problem_substances or "drink or drugs"
    for field_id, name, wording in NEED_QUESTIONS:
        answer = getattr(values, name, None)
        text = "" if answer is None else ("yes" if answer else "no")
        yield Static(wording.format(substances), classes="question")
        yield Horizontal(
            Static("  answer", classes="label"),
            b.select(f.NEED, field_id, YES_NO, text, "(not answered)"),
            error_line(field_id),
            classes="row",
        )
    yield from _previous_checkup(b)
    yield heading("Check-up held")
    yield review_date_row(b)


def _previous_checkup(b: ReviewSections) -> Iterator[Widget]:
    prev = b.draft.previous
    if prev is None or prev.kind != "post_exit_checkup":
        yield note("No earlier check-up to compare with.")
        return
    answers = " · ".join(
        f"{short} {answer_text(getattr(prev, name, None))}"
        for short, name in (
            ("weekly use", "need_weekly_use"),
            ("problems", "need_problems"),
            ("help now", "need_help_now"),
        )
    )
    yield note(f"Last check-up {fmt.date_text(prev.review_date)}: {answers}")
    if getattr(prev, "reentry", "") == "declined":
        yield Static(
            "! Last check-up: a new treatment episode was offered and declined. Follow up.",
            classes="followup",
        )
