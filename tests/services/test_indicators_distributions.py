"""Issue 17's distributions at their boundaries, every state made by service calls, on
SQLite and PostgreSQL: continuous time on OST by band (a year to the day is in "1–2
years"), and the change from the start TOP to the latest (who no longer uses opioids or
injects, the median BARC-10 change); the cache path and the history path agree."""

from __future__ import annotations

import datetime as dt

import pytest

from console.services import Services
from console.services.indicators import Dashboard, IndicatorService
from tests.services.derived_helpers import MovingClock, finalise, in_treatment, staff, top_values
from tests.services.test_indicators import START, TODAY, nhs, to


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(START)


@pytest.fixture
def clin(engine, clock: MovingClock) -> Services:  # type: ignore[no-untyped-def]
    return staff(engine, clock, "clinician")


def both(s: Services, as_at: dt.date | None = None) -> Dashboard:
    """The dashboard by the cache path, checked against the history path."""
    board = IndicatorService(s).dashboard(as_at)
    hist = IndicatorService(s).history_dashboard(as_at)
    assert board.ost_bands == hist.ost_bands
    assert board.outcomes == hist.outcomes
    assert IndicatorService(s).outcomes(as_at) == board.outcomes  # the screen's second read
    return board


def test_ost_bands_at_one_two_and_five_years(clin: Services, clock: MovingClock) -> None:
    to(clock, TODAY)  # 31 Aug 2026
    for since in (
        dt.date(2025, 9, 1),  # < 1 year
        dt.date(2025, 8, 31),  # a year to the day: 1–2 years
        dt.date(2024, 9, 1),  # 1–2 years
        dt.date(2024, 8, 31),  # two years to the day: 2–5 years
        dt.date(2021, 9, 1),  # 2–5 years
        dt.date(2021, 8, 31),  # five years to the day: 5+
    ):
        in_treatment(clin, nhs(), since=since)
    in_treatment(clin, nhs(), since=dt.date(2020, 1, 6), dose=None)  # not on OST: no band
    board = both(clin)
    assert [b.patients for b in board.ost_bands] == [1, 2, 2, 1]
    # nobody has had a strategic review: no considered decision in any band
    assert [b.considered for b in board.ost_bands] == [0, 0, 0, 0]
    # a past date from history: a day earlier each start is a day "younger"
    assert [b.patients for b in both(clin, dt.date(2026, 8, 30)).ost_bands] == [2, 2, 2, 0]


def test_a_considered_decision_counts_in_its_band(clin: Services, clock: MovingClock) -> None:
    to(clock, dt.date(2026, 3, 2))
    young = in_treatment(clin, nhs(), since=dt.date(2026, 1, 5))
    old = in_treatment(clin, nhs(), since=dt.date(2023, 1, 9))
    finalise(clin, young)
    finalise(clin, old)  # within 6 months of 31 Aug, a decision, a substance goal
    to(clock, TODAY)
    board = both(clin)
    assert [(b.patients, b.considered) for b in board.ost_bands] == [(1, 1), (0, 0), (1, 1), (0, 0)]
    assert board.count("ost_2y_considered").numerator == 1
    to(clock, dt.date(2026, 9, 3))  # 6 months and a day after the reviews: drifted
    assert [b.considered for b in both(clin).ost_bands] == [0, 0, 0, 0]


def test_start_top_to_the_latest(clin: Services, clock: MovingClock) -> None:
    to(clock, dt.date(2026, 3, 2))
    stopped = in_treatment(clin, nhs(), since=dt.date(2026, 3, 2))
    still = in_treatment(clin, nhs(), since=dt.date(2026, 3, 2))
    began = in_treatment(clin, nhs(), since=dt.date(2026, 3, 2))
    once = in_treatment(clin, nhs(), since=dt.date(2026, 3, 2))
    low, high = (2,) * 10, (4,) * 10
    finalise(clin, stopped, "start", top=top_values(opiates=7, injected=5), barc10=low)
    finalise(clin, still, "start", top=top_values(opiates=6, injected=4), barc10=high)
    finalise(clin, began, "start", top=top_values(), barc10=low)
    finalise(clin, once, "start", top=top_values(opiates=7, injected=7), barc10=low)
    assert both(clin).outcomes.patients == 0  # a start TOP alone is not a change
    to(clock, dt.date(2026, 6, 1))
    finalise(clin, stopped, top=top_values(opiates=0, injected=0), barc10=high)  # +20
    finalise(clin, still, top=top_values(opiates=3, injected=4), barc10=high)  # 0
    finalise(clin, began, top=top_values(opiates=5), barc10=(3,) * 10)  # +10
    to(clock, TODAY)
    # the row caches behind today's figures were kept by the reviews' own transactions
    for pid in (stopped, still, began, once):
        assert clin.caches.patient(pid) == [], pid
    o = both(clin).outcomes
    assert o.patients == 3  # `once` has no later TOP
    assert (o.opioids_stopped, o.opioids_at_start) == (1, 2)  # began using: not "stopped"
    assert (o.injecting_stopped, o.injecting_at_start) == (1, 2)
    assert (o.barc10_median, o.barc10_patients) == (10.0, 3)
    assert (o.opioids_text, o.barc10_text) == ("50%", "+10")
    # as at a date before the later reviews, from history: nobody has two TOPs yet
    assert both(clin, dt.date(2026, 5, 31)).outcomes.patients == 0
    # a discharged patient's change leaves the distribution (the active caseload only)
    clin.episodes.end(stopped, TODAY, "80")
    o = both(clin).outcomes
    assert (o.patients, o.opioids_stopped, o.barc10_median) == (2, 0, 5.0)
