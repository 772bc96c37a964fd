"""Milestone days are calendar arithmetic: the same days pendulum's `add` gives, month
ends and 29 February included."""

from __future__ import annotations

import datetime as dt

import pendulum

from console.letters import milestones


def test_milestone_days_are_calendar_months_and_years_on() -> None:
    start = dt.date(2023, 1, 1)
    for offset in range(3 * 366):  # every day of three years, a leap year among them
        day = start + dt.timedelta(offset)
        begin = pendulum.date(day.year, day.month, day.day)
        expected = [begin.add(months=6)] + [begin.add(years=y) for y in milestones.WORDS]
        assert [m.day for m in milestones._milestones(day)] == expected, day


def test_a_leap_day_start_reaches_its_year_on_28_february() -> None:
    ahead = milestones.upcoming(dt.date(2024, 2, 29), dt.date(2025, 2, 20), 28)
    assert ahead is not None and (ahead.words, ahead.day) == ("one year", dt.date(2025, 2, 28))
