"""Reading a review for the form: its values, the previous review's (corrected by their
addenda), the current plan's goals and the expected drug-test results; and the checks
and current values an addendum needs."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from console.rules import barc10, top
from console.rules import review as rules
from console.rules.drug_tests import expected_positive
from console.rules.schedule import CHECKUPS
from console.rules.vocab import DRUG_PANEL, ReviewKind, ReviewStatus, Role
from console.services import review_draft
from console.services import review_dto as d
from console.services.review_checks import review_goals
from console.services.roles import Action, allowed
from db.models import Patient, Review
from db.queries import reviews as q


def to_draft(
    session: Session, row: Review, patient: Patient, roles: frozenset[Role]
) -> d.ReviewDraft:
    assert row.id is not None
    rid = row.id
    texts, marks = review_draft.from_json(row.draft_texts)
    top_row = q.top(session=session, review_id=rid)
    top_values = {c: top_row[c] for c in top.COLUMNS if top_row and top_row[c] is not None}
    barc = q.barc(session=session, review_id=rid)
    test = q.drug_test(session=session, review_id=rid)
    reviewed = {
        g["goal_key"]: d.GoalReviewInput(g["new_status"], g["note"])
        for g in q.goal_reviews(session=session, review_id=rid)
    }
    values = d.ReviewInput(
        review_date=row.review_date,
        top=top_values,
        other_substance_name=(top_row["other_substance_name"] if top_row else ""),
        top_not_answered=frozenset(
            k for k in (top_row["not_answered"] if top_row else "").split(",") if k
        ),
        drug_test=d.DrugTestInput(
            test["specimen"], test["test_date"], {s: test[s] for s in DRUG_PANEL}
        )
        if test
        else None,
        corroborations=tuple(
            d.CorroborationInput(c["source"], c["said"])
            for c in q.corroborations(session=session, review_id=rid)
        ),
        barc10=tuple(barc[f"q{n}"] for n in range(1, 11)) if barc else (None,) * 10,
        barc10_declined=row.barc10_declined,
        goals=reviewed,
        ost_decision=row.ost_decision,
        ost_rationale=row.ost_rationale,
        new_dose_mg=row.new_dose_mg,
        new_dose_from=row.new_dose_from,
        new_medicine=row.new_medicine,
        new_interval=row.new_interval,
        new_dispensing=row.new_dispensing,
        next_review_date=row.next_review_date,
        next_review_reason=row.next_review_reason,
        need_weekly_use=row.need_weekly_use,
        need_problems=row.need_problems,
        need_help_now=row.need_help_now,
        raw=texts,
    )
    number, substances = _checkup(session, row, patient)
    goals, plan = ((), None) if number else review_goals(session, row.patient_id)
    rx = q.current_prescription(session=session, patient_id=row.patient_id)
    sedatives = [s for s in (rx.sedatives if rx else "").split(",") if s.strip()]
    return d.ReviewDraft(
        id=rid,
        patient_id=row.patient_id,
        patient_name=f"{patient.family_name.upper()}, {patient.given_name}",
        nhs_number=patient.nhs_number,
        kind=row.kind,
        status=row.status,
        version=row.version,
        held_by=q.staff_name(session=session, staff_id=row.held_by),
        values=values,
        previous=previous(session, row),
        goals=tuple(d.GoalLine(g.goal_key, g.domain, g.words, g.status) for g in goals),
        plan=plan,
        medicine=rx.medicine if rx else "",
        dose_mg=rx.dose_mg if rx else None,
        expected_positive=expected_positive(rx.medicine if rx else "", sedatives),
        rule_next_due=rules.rule_next_due(
            row.kind, row.review_date, patient.last_strategic_review, patient.episode_start
        )
        if row.status == ReviewStatus.DRAFT
        else (row.next_review_date or row.review_date),
        ost_decided_by=q.staff_name(session=session, staff_id=row.ost_decided_by),
        ost_decided_at=row.ost_decided_at,
        finalised_at=row.finalised_at,
        addenda=tuple(
            d.Addendum(
                a["at"],
                a["by_name"] or "",
                a["field"],
                a["old_value"],
                a["new_value"],
                a["reason"],
            )
            for a in q.addenda(session=session, review_id=rid)
        ),
        can_decide_ost=allowed(roles, Action.OST_DECISION),
        checkup_number=number,
        checkups_planned=(patient.checkups_planned or CHECKUPS) if number else 0,
        problem_substances=substances,
        reentry=row.reentry,
        marks=marks,
    )


def _checkup(session: Session, row: Review, patient: Patient) -> tuple[int | None, str]:
    """A check-up's number since the exit before it (1-based) and the problem substances
    of that episode, for the first need-for-treatment question."""
    if row.kind != ReviewKind.POST_EXIT_CHECKUP:
        return None, ""
    assert row.id is not None
    ep = q.episode_ended_by(session=session, patient_id=row.patient_id, day=row.review_date)
    if ep is None:
        return 1, ""
    before = q.checkups_before(
        session=session,
        patient_id=row.patient_id,
        since=ep["end_date"],
        review_id=row.id,
        review_date=row.review_date,
    )
    return before + 1, ep["problem_substances"]


def previous(session: Session, row: Review) -> d.Previous | None:
    assert row.id is not None
    prev = q.previous(session=session, patient_id=row.patient_id, before_id=row.id)
    if prev is None:
        return None
    pid = prev["id"]
    fixed = q.corrected(session=session, rows=[_merged(session, pid, prev)])[0]
    barc = q.corrected_barc(session=session, review_id=pid)
    test = q.drug_test(session=session, review_id=pid)
    return d.Previous(
        review_date=prev["review_date"],
        kind=prev["kind"],
        top={c: fixed.get(c) for c in top.COLUMNS},
        barc10=tuple(barc),
        barc10_total=barc10.total(barc),
        drug_results={s: test[s] for s in DRUG_PANEL} if test else {},
        ost_decision=prev["ost_decision"],
        need_weekly_use=prev["need_weekly_use"],
        need_problems=prev["need_problems"],
        need_help_now=prev["need_help_now"],
        reentry=prev["reentry"],
    )


def _merged(session: Session, review_id: int, review: Any) -> dict[str, Any]:
    top_row = q.top(session=session, review_id=review_id)
    out = {c: (top_row[c] if top_row else None) for c in top.COLUMNS}
    out["id"] = review_id
    return out


def check_field(field: str, text: str) -> str | None:
    """An addendum's field and value: a TOP column, a BARC-10 item or a test result."""
    if field in top.COLUMNS and top.COLUMNS[field][1].startswith("w"):
        return "correct the 28-day total (weekly counts stay as recorded)"
    if field in top.COLUMNS:
        try:
            value = q.parse_value(field, text)
        except ValueError:
            return "a number, yes/no, or empty for not answered"
        item = top.COLUMNS[field][0]
        if item.kind is top.ItemKind.YES_NO and not (value is None or isinstance(value, bool)):
            return "answer yes or no"
        return top.check_value(field, value)
    if field.startswith("barc10_q") and field.removeprefix("barc10_q") in {
        str(n) for n in range(1, 11)
    }:
        if not text.isdigit():
            return "answer 1–6"
        return barc10.check_answer(int(text))
    if field.startswith("drug_") and field.removeprefix("drug_") in DRUG_PANEL:
        return (
            None
            if text in ("positive", "negative", "not_tested")
            else ("positive, negative or not_tested")
        )
    return "not a value that can be corrected"


def current_value(session: Session, review_id: int, field: str) -> str:
    """The value as it stands now (after earlier addenda), as text."""
    for fix in reversed(q.addenda(session=session, review_id=review_id)):
        if fix["field"] == field:
            return str(fix["new_value"])
    if field in top.COLUMNS and top.COLUMNS[field][1].startswith("w"):
        return "correct the 28-day total (weekly counts stay as recorded)"
    if field in top.COLUMNS:
        row = q.top(session=session, review_id=review_id)
        return q.value_text(row[field] if row else None)
    if field.startswith("barc10_q"):
        row = q.barc(session=session, review_id=review_id)
        return q.value_text(row["q" + field.removeprefix("barc10_q")] if row else None)
    row = q.drug_test(session=session, review_id=review_id)
    return q.value_text(row[field.removeprefix("drug_")] if row else None)
