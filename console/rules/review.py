"""A review's checks (SPEC §2, §4): field ranges, the next review date, the OST decision
and what "complete" means before a review may be finalised. Pure: no database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from console.rules import barc10, schedule, top
from console.rules.vocab import DRUG_PANEL, OstDecision, ReviewKind, Specimen, TestResult

MAX_MONTHS = 6
# Decisions that change the prescription: a new dose (and its date) goes with them.
DOSE_CHANGES = frozenset({OstDecision.REDUCE, OstDecision.INCREASE, OstDecision.START})
ENDS_OST = frozenset({OstDecision.STOP})
MOVES_SCHEDULE = frozenset({ReviewKind.START, ReviewKind.STRATEGIC})


@dataclass(frozen=True)
class OstChoice:
    decision: str
    rationale: str
    new_dose_mg: float | None
    new_dose_from: dt.date | None


def check_top(values: Mapping[str, int | float | bool | None]) -> dict[str, str]:
    """Errors keyed by TOP column; a weekly split must agree with its total."""
    errors: dict[str, str] = {}
    for column, value in values.items():
        message = top.check_value(column, value)
        if message:
            errors[column] = message
    for item in top.ITEMS:
        if item.kind is not top.ItemKind.DAYS:
            continue
        weeks = [values.get(f"{item.key}_w{w}") for w in range(1, top.WEEKS + 1)]
        given = values.get(f"{item.key}_days")
        summed = top.weeks_total(weeks)  # type: ignore[arg-type]
        if any(f"{item.key}_{p}" in errors for p in ("w1", "w2", "w3", "w4", "days")):
            continue
        if summed is not None and given is not None and given != summed:
            errors[f"{item.key}_days"] = f"total {given} is not the weeks' sum {summed}"
    return errors


def check_barc10(answers: Sequence[int | None]) -> dict[str, str]:
    errors = {}
    for n, value in enumerate(answers, start=1):
        message = barc10.check_answer(value)
        if message:
            errors[f"barc10_q{n}"] = message
    return errors


def check_drug_test(
    specimen: str,
    test_date: dt.date | None,
    results: Mapping[str, str],
    review_date: dt.date,
    *,
    final: bool = True,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    tested = any(results.get(s, TestResult.NOT_TESTED) != TestResult.NOT_TESTED for s in DRUG_PANEL)
    if not (specimen or tested or test_date):
        return errors
    if specimen not in {s.value for s in Specimen} and (final or specimen):
        errors["drug_specimen"] = "specimen: urine or oral fluid"
    if test_date is None:
        if final:
            errors["drug_date"] = "date of the test"
    elif test_date > review_date:
        errors["drug_date"] = "the test cannot be after the review"
    for substance, result in results.items():
        if substance not in DRUG_PANEL:
            errors[f"drug_{substance}"] = "not on the panel"
        elif result not in {r.value for r in TestResult}:
            errors[f"drug_{substance}"] = "positive, negative or not tested"
    return errors


def check_ost(choice: OstChoice, review_date: dt.date, *, final: bool = True) -> dict[str, str]:
    """The decision's rules; a draft (`final=False`) is checked for wrong values only, not
    for what is still missing (the rationale, the new dose)."""
    errors: dict[str, str] = {}
    if not choice.decision:
        return errors
    if choice.decision not in {d.value for d in OstDecision}:
        return {"ost_decision": "choose one of the listed decisions"}
    if (
        final
        and choice.decision == OstDecision.CONTINUE_MAINTENANCE
        and not choice.rationale.strip()
    ):
        errors["ost_rationale"] = "a rationale is required to continue maintenance"
    if choice.decision in DOSE_CHANGES:
        dose = choice.new_dose_mg
        if (dose is not None and dose <= 0) or (final and dose is None):
            errors["new_dose_mg"] = "the new dose in mg (more than 0)"
        if final and choice.new_dose_from is None:
            errors["new_dose_from"] = "the date the new dose starts"
    if choice.new_dose_from is not None and choice.new_dose_from < review_date:
        errors["new_dose_from"] = "the new dose cannot start before the review"
    return errors


def rule_next_due(
    kind: str,
    review_date: dt.date,
    last_start_or_strategic: dt.date | None,
    episode_start: dt.date | None = None,
) -> dt.date:
    """The schedule rule's date, the same for every kind of review: six calendar months
    after the latest finalised start or strategic review — this one, for a start or
    strategic review. With none in this episode yet, the start review's own deadline (28
    days after the episode start); with no episode either, six months on."""
    if kind in MOVES_SCHEDULE:
        return schedule.next_strategic_due(review_date)
    if last_start_or_strategic is not None and (
        episode_start is None or last_start_or_strategic >= episode_start
    ):
        return schedule.next_strategic_due(last_start_or_strategic)
    if episode_start is not None:
        return schedule.start_review_due(episode_start)
    return schedule.next_strategic_due(review_date)


def needs_reason(chosen: dt.date | None, reason: str, rule: dt.date) -> bool:
    """The invariant every writing path keeps: a date later than the rule's is stored
    only with its reason."""
    return (
        chosen is not None and schedule.later_date_needs_reason(chosen, rule) and not reason.strip()
    )


def check_next_review(
    chosen: dt.date | None, reason: str, rule: dt.date, review_date: dt.date
) -> dict[str, str]:
    if chosen is None:
        return {}
    if chosen < review_date:
        return {"next_review_date": "cannot be before the review"}
    if needs_reason(chosen, reason, rule):
        return {"next_review_reason": f"later than the rule's {rule:%d/%m/%Y}: give a reason"}
    return {}


def _missing_top(
    top_values: Mapping[str, int | float | bool | None],
    top_not_answered: frozenset[str],
    section: str | None = None,
) -> dict[str, str]:
    missing: dict[str, str] = {}
    for item in top.ITEMS:
        if item.key in top_not_answered or (section is not None and item.section != section):
            continue
        cols = top.column_names(item)
        answered = (
            values_total(top_values, item.key) is not None
            if item.kind is top.ItemKind.DAYS
            else top_values.get(cols[0]) is not None
        )
        if not answered:
            missing[f"top.{item.key}"] = (
                f"TOP: {item.label}: all four weeks, the total, or NA"
                if item.kind is top.ItemKind.DAYS
                else f"TOP: {item.label}: answer or mark NA"
            )
    return missing


NEED_QUESTIONS = ("need_weekly_use", "need_problems", "need_help_now")


def missing_for_checkup(
    *,
    top_values: Mapping[str, int | float | bool | None],
    top_not_answered: frozenset[str],
    barc_answers: Sequence[int | None],
    barc_declined: bool,
    needs: Mapping[str, bool | None],
) -> dict[str, str]:
    """A post-exit check-up's short form (recovery-checkups.md): TOP substance use, BARC-10
    and the three need-for-treatment questions; no goals, OST decision or review date."""
    missing = _missing_top(top_values, top_not_answered, top.SUBSTANCE)
    if not barc_declined and barc10.total(barc_answers) is None:
        missing["barc10"] = "BARC-10: all ten items, or recorded as declined"
    for key in NEED_QUESTIONS:
        if needs.get(key) is None:
            missing[key] = "need for treatment: answer yes or no"
    return missing


def offers_reentry(needs: Mapping[str, bool | None]) -> bool:
    """A yes to any need-for-treatment question offers re-entry to treatment."""
    return any(needs.get(key) for key in NEED_QUESTIONS)


def missing_for_finalise(
    *,
    top_values: Mapping[str, int | float | bool | None],
    top_not_answered: frozenset[str],
    barc_answers: Sequence[int | None],
    barc_declined: bool,
    goal_keys: Sequence[int],
    reviewed_goals: frozenset[int],
    next_review_date: dt.date | None,
    ost_decision: str,
) -> dict[str, str]:
    """What stops a review being finalised, keyed by section or field (empty = complete)."""
    missing = _missing_top(top_values, top_not_answered)
    if not barc_declined and barc10.total(barc_answers) is None:
        missing["barc10"] = "BARC-10: all ten items, or recorded as declined"
    for key in goal_keys:
        if key not in reviewed_goals:
            missing[f"goal.{key}"] = "care plan: every goal's status reviewed"
    if next_review_date is None:
        missing["next_review_date"] = "next review date"
    if not ost_decision:
        missing["ost_decision"] = "OST decision recorded, or pending"
    return missing


def values_total(values: Mapping[str, int | float | bool | None], key: str) -> int | None:
    """A day item's 28-day total: the given total, else the four weeks' sum."""
    given = values.get(f"{key}_days")
    if isinstance(given, int) and not isinstance(given, bool):
        return given
    weeks = [values.get(f"{key}_w{w}") for w in range(1, top.WEEKS + 1)]
    return top.weeks_total(weeks)  # type: ignore[arg-type]
