"""The patient list's flag letters, from the row caches alone (no history scan).

R review overdue · D drift guard · H health (naloxone, hepatitis C) · C check-up due ·
F linkage follow-up due. Each letter is explained on the summary and the help screen.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pendulum


@dataclass(frozen=True)
class ListCaches:
    status: str
    next_review_due: dt.date | None
    current_medicine: str
    ost_continuous_start: dt.date | None
    last_strategic_review: dt.date | None
    last_ost_decision: str
    agreed_plan_substance_goal: dt.date | None
    last_naloxone: dt.date | None
    last_hcv_test: dt.date | None
    injecting_recorded: dt.date | None
    next_checkup_due: dt.date | None
    next_linkage_followup: dt.date | None


FLAG_MEANING = {
    "R": "strategic review overdue",
    "D": "on OST two years or more without a considered decision (drift guard)",
    "H": "health check due (naloxone or hepatitis C)",
    "C": "post-exit check-up due",
    "F": "linkage follow-up due",
}


@lru_cache(maxsize=8)
def _limits(today: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date, pendulum.Date]:
    """One year, two years and six months back: worked out once per day, not once per row."""
    return today.subtract(years=1), today.subtract(years=2), today.subtract(months=6)


def flag_limits(today: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date, pendulum.Date]:
    """(year ago, two years ago, six months ago): the dates the list's SQL flag filter
    compares the caches with, so it and `list_flags` cannot disagree."""
    return _limits(today)


def list_flags(c: ListCaches, today: pendulum.Date) -> str:
    if c.status == "deceased":
        return ""
    flags = []
    if c.next_review_due is not None and c.next_review_due < today:
        flags.append("R")
    if drift_reasons(c, today):
        flags.append("D")
    year_ago = _limits(today)[0]
    on_ost = bool(c.current_medicine)
    if (on_ost and (c.last_naloxone is None or c.last_naloxone < year_ago)) or (
        c.injecting_recorded is not None and (c.last_hcv_test is None or c.last_hcv_test < year_ago)
    ):
        flags.append("H")
    if c.next_checkup_due is not None and c.next_checkup_due <= today:
        flags.append("C")
    if c.next_linkage_followup is not None and c.next_linkage_followup <= today:
        flags.append("F")
    return "".join(flags)


def drift_reasons(c: ListCaches, today: pendulum.Date) -> list[str]:
    """SPEC §4 drift guard on the cached dates: each reason holds until put right."""
    if not c.current_medicine or c.ost_continuous_start is None:
        return []
    _, two_years_ago, six_months_ago = _limits(today)
    if c.ost_continuous_start > two_years_ago:
        return []
    reasons = []
    if (
        c.last_strategic_review is None
        or not c.last_ost_decision
        or c.last_ost_decision == "pending"
    ):
        reasons.append("the latest strategic review has no recorded OST decision")
    if c.last_strategic_review is None or c.last_strategic_review < six_months_ago:
        reasons.append("the latest strategic review is more than six months old")
    if c.agreed_plan_substance_goal is None:
        reasons.append("the agreed care plan has no live substance-use goal")
    return reasons
