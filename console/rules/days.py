"""Sets of days (issue 17): the days on which something holds, as sorted, disjoint
spans, and "today minus k months" turned round (the day-clamped pendulum arithmetic of
console.rules.indicators), so a rule on "today" can be written once for every today.
Pure: plain values in and out."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pendulum

FIRST, LAST = dt.date(1, 1, 1), dt.date(9999, 12, 31)
Span = tuple[dt.date, dt.date]  # inclusive
Days = tuple[Span, ...]  # sorted, disjoint, not touching: the days something holds
Steps = tuple[tuple[str, int], ...]  # ("months", 6), ("years", 1): subtracted in turn

ALWAYS: Days = ((FIRST, LAST),)
NEVER: Days = ()


# -- sets of days ------------------------------------------------------------------------
def next_day(d: dt.date) -> dt.date:
    return d if d == LAST else d + dt.timedelta(days=1)


def prev(d: dt.date) -> dt.date:
    return d if d == FIRST else d - dt.timedelta(days=1)


def since(d: dt.date) -> Days:
    return ((d, LAST),)


def until(d: dt.date) -> Days:
    return ((FIRST, d),)


def both(a: Days, b: Days) -> Days:
    if not a or not b:
        return NEVER
    if a == ALWAYS:
        return b
    if b == ALWAYS:
        return a
    if len(a) == 1 and len(b) == 1:  # most rules' days are one span: no list to sort
        lo, hi = max(a[0][0], b[0][0]), min(a[0][1], b[0][1])
        return ((lo, hi),) if lo <= hi else NEVER
    out: list[Span] = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo, hi = max(lo1, lo2), min(hi1, hi2)
            if lo <= hi:
                out.append((lo, hi))
    return tuple(sorted(out))


def either(a: Days, b: Days) -> Days:
    if not a or not b:
        return a or b
    out: list[list[dt.date]] = []
    for lo, hi in sorted(a + b):
        if out and (lo - out[-1][1]).days <= 1:  # overlapping or touching (LAST too)
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def unless(a: Days) -> Days:
    out: list[Span] = []
    start = FIRST
    for lo, hi in a:
        if lo > start:
            out.append((start, prev(lo)))
        if hi == LAST:
            return tuple(out)
        start = next_day(hi)
    out.append((start, LAST))
    return tuple(out)


def when(test: bool, days: Days = ALWAYS) -> Days:
    return days if test else NEVER


def holds(days: Days, day: dt.date) -> bool:
    return any(lo <= day <= hi for lo, hi in days)


# -- "today minus k months" turned round ---------------------------------------------------
def months(n: int) -> Steps:
    return (("months", n),)


def years(n: int) -> Steps:
    return (("years", n),)


@lru_cache(maxsize=1 << 16)
def back(day: dt.date, steps: Steps) -> dt.date:
    """Today minus the steps, in turn, as the rules compute it (pendulum, the day
    clamped at month end)."""
    if day.year < 40:
        return FIRST
    p = pendulum.date(day.year, day.month, day.day)
    for unit, n in steps:
        p = p.subtract(**{unit: n})
    return dt.date(p.year, p.month, p.day)


def _ahead(day: dt.date, steps: Steps) -> dt.date:
    if day.year > 9900:
        return LAST
    p = pendulum.date(day.year, day.month, day.day)
    for unit, n in steps:
        p = p.add(**{unit: n})
    return dt.date(p.year, p.month, p.day)


@lru_cache(maxsize=1 << 16)
def last_back_by(day: dt.date, steps: Steps) -> dt.date:
    """The last today whose "today minus the steps" is on or before `day` (the minus is
    monotonic, so the todays form one run ending here)."""
    t = _ahead(day, steps)
    while t < LAST and back(next_day(t), steps) <= day:
        t = next_day(t)
    while t > FIRST and back(t, steps) > day:
        t = prev(t)
    return t


def first_back_from(day: dt.date, steps: Steps) -> dt.date:
    """The first today whose "today minus the steps" is on or after `day`."""
    return next_day(last_back_by(prev(day), steps)) if day > FIRST else FIRST


def within(day: dt.date | None, n: int) -> Days:
    """The todays for which `day` is within `n` months: on or after today minus `n`
    months and not after today."""
    if day is None:
        return NEVER
    return ((day, last_back_by(day, months(n))),)
