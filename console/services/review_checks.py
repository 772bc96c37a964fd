"""A review's checks against the stored patient: every range and rule at once, for a
draft (wrong values only) or for finalise (and what is still missing), and the next
review date a new draft starts with. Reads only; the service writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from console.rules import barc10, top
from console.rules import review as rules
from console.rules.vocab import GoalStatus, OstDecision, ReviewKind, Role
from console.services import review_dto as d
from console.services.review_store import check_new_medicine, needs_new_medicine
from console.services.roles import Action, allowed
from db.models import Patient, Review
from db.queries import reviews as q

if TYPE_CHECKING:
    from sqlmodel import Session

GOAL_STATUSES = {s.value for s in GoalStatus}
SOURCES = frozenset({"pharmacy", "keyworker", "family_member", "specialist_service", "other"})
NOT_A_VALUE = "as typed: not a value yet"


def review_goals(
    session: Session, patient_id: int
) -> tuple[Sequence[sa.Row[Any]], d.PlanReviewed | None]:
    """The goals a review reviews, for the form and finalise alike: the agreed plan
    version's, or the draft's while none is agreed (a start review)."""
    versions = q.plan_versions(session=session, patient_id=patient_id)
    if versions is None:
        return (), None
    if versions["agreed_id"] is None:
        plan = d.PlanReviewed(versions["latest_no"], agreed=False)
        return q.plan_goals(session=session, plan_id=versions["latest_id"]), plan
    newer = versions["latest_no"] if versions["latest_no"] > versions["agreed_no"] else None
    plan = d.PlanReviewed(versions["agreed_no"], True, versions["agreed_on"], newer)
    return q.plan_goals(session=session, plan_id=versions["agreed_id"]), plan


def errors(
    today: dt.date,
    roles: frozenset[Role],
    session: Session,
    row: Review,
    patient: Patient,
    data: d.ReviewInput,
    *,
    final: bool,
    goals: Sequence[sa.Row[Any]] | None = None,
) -> dict[str, str]:
    """Every range and rule at once, each field's message; a draft (`final=False`) is
    checked for wrong values only, not for what is still missing."""
    review_date = data.review_date or row.review_date
    errors: dict[str, str] = {}
    if review_date > today:
        errors["review_date"] = "a review cannot be dated in the future"
    errors |= rules.check_top(data.top)
    bad_na = data.top_not_answered - top.ITEM_BY_KEY.keys()
    if bad_na:
        errors["top_not_answered"] = "not TOP items: " + ", ".join(sorted(bad_na))
    if len(data.barc10) != len(barc10.ITEMS):
        errors["barc10"] = "ten answers"
    else:
        errors |= rules.check_barc10(data.barc10)
    if data.drug_test is not None:
        t = data.drug_test
        errors |= rules.check_drug_test(
            t.specimen, t.test_date, t.results, review_date, final=final
        )
    for n, c in enumerate(data.corroborations):
        if c.source not in SOURCES and (final or c.source):
            errors[f"corroboration_{n}"] = "choose a source"
        elif final and not c.said.strip():
            errors[f"corroboration_{n}"] = "what the source said"
    if row.kind == ReviewKind.POST_EXIT_CHECKUP:
        # The short form: no goals, OST decision or next review date (SPEC §4).
        if data.goals:
            errors["goals"] = "a check-up does not review care plan goals"
        if data.ost_decision:
            errors["ost_decision"] = "a check-up records no OST decision"
        return errors
    if data.goals:
        if goals is None:
            goals, _plan = review_goals(session, row.patient_id)
        goal_keys = {g.goal_key for g in goals}
        for key, g in data.goals.items():
            if key not in goal_keys:
                errors[f"goal.{key}"] = "not a goal of the plan under review"
            elif g.status not in GOAL_STATUSES:
                errors[f"goal.{key}"] = "not started, in progress, achieved or dropped"
    if data.ost_decision not in ("", OstDecision.PENDING) and not allowed(
        roles, Action.OST_DECISION
    ):
        errors["ost_decision"] = "only a clinician records an OST decision: mark it pending"
    choice = rules.OstChoice(
        data.ost_decision, data.ost_rationale, data.new_dose_mg, data.new_dose_from
    )
    errors |= rules.check_ost(choice, review_date, final=final)
    if needs_new_medicine(session, row.patient_id, data.ost_decision):
        for key, message in check_new_medicine(data, final).items():
            errors.setdefault(key, message)
    rule = rules.rule_next_due(
        row.kind, review_date, patient.last_strategic_review, patient.episode_start
    )
    errors |= rules.check_next_review(
        data.next_review_date, data.next_review_reason, rule, review_date
    )
    return errors


def final_errors(
    today: dt.date,
    roles: frozenset[Role],
    session: Session,
    row: Review,
    patient: Patient,
    data: d.ReviewInput,
) -> tuple[d.ReviewInput, dict[str, str], Sequence[sa.Row[Any]]]:
    """The values finalise stores, every reason it refuses, and the goals reviewed."""
    if row.kind == ReviewKind.POST_EXIT_CHECKUP:
        found = errors(today, roles, session, row, patient, data, final=True)
        found |= {k: NOT_A_VALUE for k in data.raw if k not in found}
        return data, found, ()
    if not data.ost_decision and not allowed(roles, Action.OST_DECISION):
        data = replace(data, ost_decision=OstDecision.PENDING.value)
    goals, _plan = review_goals(session, row.patient_id)
    found = errors(today, roles, session, row, patient, data, final=True, goals=goals)
    found |= {k: NOT_A_VALUE for k in data.raw if k not in found}
    missing = rules.missing_for_finalise(
        top_values=data.top,
        top_not_answered=data.top_not_answered,
        barc_answers=data.barc10,
        barc_declined=data.barc10_declined,
        goal_keys=[g.goal_key for g in goals],
        reviewed_goals=frozenset(data.goals),
        next_review_date=data.next_review_date,
        ost_decision=data.ost_decision,
    )
    if after_exit(row_kind=row.kind, patient=patient):
        # The exit review of an episode already ended: nothing is due after it.
        missing.pop("next_review_date", None)
        if data.next_review_date is not None:
            found["next_review_date"] = "the episode has ended: leave the next review blank"
    for key, message in missing.items():
        found.setdefault(key, message)
    return data, found, goals


def after_exit(*, row_kind: str, patient: Patient) -> bool:
    """An exit review recorded after its episode closed (no episode is open now)."""
    return row_kind == ReviewKind.EXIT and patient.episode_start is None


def carried(kind: str, today: dt.date, patient: Patient) -> tuple[dt.date, str]:
    """A new draft's next review date and reason: the rule's date for a start or strategic
    review; another kind carries the current due date with its reason (a later date
    without a reason is not carried: the rule's date is offered instead)."""
    rule = rules.rule_next_due(kind, today, patient.last_strategic_review, patient.episode_start)
    due, reason = patient.next_review_due, patient.next_review_reason.strip()
    if kind in rules.MOVES_SCHEDULE or due is None or due < today:
        return rule, ""
    if rules.needs_reason(due, reason, rule):
        return rule, ""
    return due, reason if due > rule else ""
