"""Durations as staff say them: "5 years, 4 months, 12 days" (pendulum calendar arithmetic)."""

from __future__ import annotations

import datetime as dt

import pendulum


def _parts(start: dt.date, today: dt.date) -> tuple[int, int, int]:
    begin = pendulum.date(start.year, start.month, start.day)
    end = pendulum.date(today.year, today.month, today.day)
    interval = pendulum.interval(begin, end)
    # remaining_days excludes whole weeks: add them back for a plain day count
    return interval.years, interval.months, interval.weeks * 7 + interval.remaining_days


def _plural(n: int, unit: str) -> str:
    return f"{n} {unit}{'' if n == 1 else 's'}"


def spoken(start: dt.date, today: dt.date) -> str:
    """Years, months and days between two dates, leaving out the zero parts."""
    if start > today:
        return "not yet"
    years, months, days = _parts(start, today)
    parts = [
        _plural(n, unit) for n, unit in ((years, "year"), (months, "month"), (days, "day")) if n
    ]
    return ", ".join(parts) if parts else "0 days"


def short(start: dt.date, today: dt.date) -> str:
    """The largest unit only ("7 years", "8 months", "12 days"), for tight columns."""
    if start > today:
        return "—"
    years, months, days = _parts(start, today)
    if years:
        return _plural(years, "year")
    if months:
        return _plural(months, "month")
    return _plural(days, "day")
