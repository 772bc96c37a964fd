from __future__ import annotations

import datetime as dt

import pytest

from console.rules.durations import short, spoken
from console.rules.ost import continuous_start

TODAY = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    ("start", "words"),
    [
        (dt.date(2021, 7, 11), "5 years, 4 months, 12 days"),
        (dt.date(2024, 2, 19), "2 years, 9 months, 4 days"),
        (dt.date(2025, 11, 23), "1 year"),
        (dt.date(2026, 11, 22), "1 day"),
        (TODAY, "0 days"),
    ],
)
def test_time_in_recovery_as_staff_say_it(start: dt.date, words: str) -> None:
    assert spoken(start, TODAY) == words


def test_month_ends_and_leap_years() -> None:
    assert spoken(dt.date(2026, 8, 31), dt.date(2027, 2, 28)) == "6 months"
    assert spoken(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == "11 months, 30 days"
    assert short(dt.date(2019, 3, 3), TODAY) == "7 years"


def test_gap_under_28_days_keeps_the_run() -> None:
    periods = [(dt.date(2019, 1, 1), dt.date(2020, 1, 1)), (dt.date(2020, 1, 28), None)]
    assert continuous_start(periods, TODAY) == dt.date(2019, 1, 1)


def test_gap_of_28_days_starts_a_new_run() -> None:
    periods = [(dt.date(2019, 1, 1), dt.date(2020, 1, 1)), (dt.date(2020, 1, 29), None)]
    assert continuous_start(periods, TODAY) == dt.date(2020, 1, 29)


def test_dose_changes_are_one_run_and_ended_treatment_is_none() -> None:
    doses = [
        (dt.date(2020, 1, 1), dt.date(2021, 1, 1)),
        (dt.date(2021, 1, 1), dt.date(2022, 6, 1)),
        (dt.date(2022, 6, 1), None),
    ]
    assert continuous_start(doses, TODAY) == dt.date(2020, 1, 1)
    assert continuous_start([(dt.date(2020, 1, 1), dt.date(2026, 11, 1))], TODAY) is None
    assert continuous_start([], TODAY) is None
