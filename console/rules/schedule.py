"""Review and check-up schedules (SPEC §4), with pendulum calendar-month arithmetic.

31 August + 6 months is the end of February (28th, or 29th in a leap year): pendulum
clamps to the month's last day, as staff count months.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import pendulum

START_REVIEW_DAYS = 28
STRATEGIC_MONTHS = 6
DUE_SOON_DAYS = 28
CHECKUP_MONTHS = 3
CHECKUPS = 8
CHECKUPS_PER_RENEWAL = 4  # a renewal is another year of quarterly check-ups


class DueState(StrEnum):
    NONE = "none"
    LATER = "later"
    SOON = "soon"
    TODAY = "today"
    OVERDUE = "overdue"


def _p(day: dt.date) -> pendulum.Date:
    return pendulum.date(day.year, day.month, day.day)


def start_review_due(episode_start: dt.date) -> pendulum.Date:
    """A new episode's start review (start TOP, first care plan) is due within 28 days."""
    return _p(episode_start).add(days=START_REVIEW_DAYS)


def next_strategic_due(last_start_or_strategic: dt.date) -> pendulum.Date:
    """Six calendar months after the latest finalised start or strategic review."""
    return _p(last_start_or_strategic).add(months=STRATEGIC_MONTHS)


def due_state(due: dt.date | None, today: dt.date) -> DueState:
    if due is None:
        return DueState.NONE
    days = due.toordinal() - today.toordinal()
    if days < 0:
        return DueState.OVERDUE
    if days == 0:
        return DueState.TODAY
    if days <= DUE_SOON_DAYS:
        return DueState.SOON
    return DueState.LATER


def checkup_dates(exit_date: dt.date, count: int = CHECKUPS) -> list[pendulum.Date]:
    """Exit + 3, 6 … 24 months, each counted from the exit date (not from the last one)."""
    start = _p(exit_date)
    return [start.add(months=CHECKUP_MONTHS * n) for n in range(1, count + 1)]


def checkup_due_after(exit_date: dt.date, planned: int, done: int) -> pendulum.Date | None:
    """The check-up due once `done` have been finalised (count-based: after the n-th the
    (n+1)-th planned date); None when every planned check-up is done."""
    if done >= planned:
        return None
    return checkup_dates(exit_date, planned)[max(done, 0)]


def later_date_needs_reason(chosen: dt.date, rule: dt.date) -> bool:
    """Staff may set an earlier date freely; a later one needs a recorded reason."""
    return chosen > rule
