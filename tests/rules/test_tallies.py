"""Issue 17: a patient's tally keys say, for every today at once, what the indicator rules
say for that one today (`console.rules.indicators.membership` and `ost_position` over
the same caches), month ends and pending prescription changes included; and the
month arithmetic turned round agrees with counting the days one by one."""

from __future__ import annotations

import datetime as dt
import itertools

import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from console.rules import completion
from console.rules import days as d
from console.rules import indicators as ind
from console.rules import tallies as t
from console.rules.caches import Ep, RowCaches

DAYS = st.dates(dt.date(2021, 1, 1), dt.date(2028, 12, 31))
# month ends are where the clamped arithmetic bites
ENDS = st.builds(
    lambda y, m, back: pendulum.date(y, m, 1).end_of("month").subtract(days=back),
    st.integers(2022, 2028),
    st.integers(1, 12),
    st.integers(0, 3),
).map(lambda d: dt.date(d.year, d.month, d.day))
DAY = st.one_of(DAYS, ENDS)
MAYBE = st.one_of(st.none(), DAY)


def _back(day: dt.date, months: int) -> dt.date:
    d = pendulum.date(day.year, day.month, day.day).subtract(months=months)
    return dt.date(d.year, d.month, d.day)


@settings(deadline=None)  # no timed tests: the machine is shared
@given(day=DAY, months=st.sampled_from((6, 12, 24)))
def test_the_last_day_within_is_the_day_by_day_answer(day: dt.date, months: int) -> None:
    last = d.last_back_by(day, d.months(months))
    assert _back(last, months) <= day
    assert _back(last + dt.timedelta(1), months) > day
    first = d.first_back_from(day, d.months(months))
    assert _back(first, months) >= day
    assert _back(first - dt.timedelta(1), months) < day


def _normal(spans: list[tuple[int, int]]) -> d.Days:
    out: d.Days = d.NEVER
    for a, b in spans:
        out = d.either(out, ((_d(min(a, b)), _d(max(a, b))),))
    return out


SPANS = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), max_size=4).map(_normal)


def _d(n: int) -> dt.date:
    return dt.date(2026, 1, 1) + dt.timedelta(n)


@settings(deadline=None)  # no timed tests: the machine is shared
@given(a=SPANS, b=SPANS)
def test_sets_of_days_combine_day_by_day(a: d.Days, b: d.Days) -> None:
    for n in range(-2, 44):
        day = _d(n)
        assert d.holds(d.both(a, b), day) == (d.holds(a, day) and d.holds(b, day))
        assert d.holds(d.either(a, b), day) == (d.holds(a, day) or d.holds(b, day))
        assert d.holds(d.unless(a), day) != d.holds(a, day)
    merged = d.either(a, b)
    assert all(_next_gap(x, y) for x, y in itertools.pairwise(merged))


def _next_gap(x: d.Span, y: d.Span) -> bool:
    return x[1] + dt.timedelta(1) < y[0]  # disjoint and not touching: one key per run


CACHES = st.builds(
    RowCaches,
    status=st.sampled_from(("in_treatment", "post_exit_checkups", "discharged", "deceased")),
    episode_start=MAYBE,
    last_strategic_review=MAYBE,
    last_ost_decision=st.sampled_from(("", "pending", "continue_maintenance", "reduce")),
    agreed_plan_on=MAYBE,
    agreed_plan_substance_goal=MAYBE,
    barc10_on=MAYBE,
    mutual_aid_on=MAYBE,
    family_considered=st.booleans(),
    injecting_recorded=MAYBE,
    last_hcv_test=MAYBE,
    hbv_course_completed=MAYBE,
    hbv_immune=MAYBE,
    current_medicine=st.sampled_from(("", "methadone_oral")),
    ost_continuous_start=st.one_of(st.none(), DAY, st.dates(dt.date(2014, 1, 1))),
    top_opioid_use=MAYBE,
    last_naloxone=MAYBE,
    next_checkup_due=MAYBE,
    dose_change_on=st.one_of(st.none(), st.none(), DAY),
    pending_medicine=st.sampled_from(("", "buprenorphine_sublingual")),
    pending_ost_start=MAYBE,
    top_change_on=MAYBE,
    top_opioids_change=st.sampled_from(("", "still", "stopped")),
    top_injecting_change=st.sampled_from(("", "still", "stopped")),
    barc10_change=st.one_of(st.none(), st.integers(-20, 20)),
)


def _facts(c: RowCaches, today: dt.date) -> ind.Facts:
    return ind.Facts(
        caches=c,
        deceased=c.status == "deceased",
        open_episode=c.episode_start is not None,
        post_exit=c.status == ind.POST_EXIT,
        barc10_on=c.barc10_on,
        mutual_aid_attended=c.mutual_aid_on is not None and c.mutual_aid_on <= today,
        family_considered=c.family_considered,
        hbv_immune=c.hbv_immune is not None and c.hbv_immune <= today,
    )


@settings(deadline=None)  # no timed tests: the machine is shared
@given(c=CACHES, floor=DAY)
def test_a_floor_cuts_every_span_there(c: RowCaches, floor: dt.date) -> None:
    whole = t.contribution(c, None)
    cut = {(kw, name, max(lo, floor), hi) for kw, name, lo, hi in whole if hi >= floor}
    assert t.contribution(c, None, floor) == cut


EPISODES = st.lists(
    st.tuples(DAY, st.one_of(st.none(), st.integers(0, 900)), st.sampled_from(("80", "83", "85"))),
    max_size=3,
).map(
    lambda xs: [
        Ep(n + 1, s, None if k is None else s + dt.timedelta(k), r if k is not None else "")
        for n, (s, k, r) in enumerate(xs)
    ]
)


@settings(max_examples=300, deadline=None)
@given(eps=EPISODES, todays=st.lists(DAY, min_size=1, max_size=8))
def test_completion_days_say_what_the_measure_says(eps: list[Ep], todays: list[dt.date]) -> None:
    treated, done = completion.from_text(completion.as_text(completion.days(eps)))
    for today in todays:
        in_window, completed = ind.completion(eps, ind.limits(today))
        assert d.holds(treated, today) == in_window, today
        assert d.holds(done, today) == completed, today


@settings(max_examples=300, deadline=None)
@given(c=CACHES, todays=st.lists(DAY, min_size=1, max_size=6))
def test_keys_say_what_the_rules_say_for_every_today(c: RowCaches, todays: list[dt.date]) -> None:
    keys = t.contribution(c, 7)
    assert {(name, lo, hi) for kw, name, lo, hi in keys if kw == 7} == {
        (name, lo, hi) for kw, name, lo, hi in keys if kw == t.EVERYONE
    }
    days: dict[str, d.Days] = {}
    mine = [k for k in keys if k[0] == 7]
    for _, name, lo, hi in sorted(mine, key=lambda k: (k[1], k[2])):
        days[name] = (*days.get(name, ()), (lo, hi))
    for today in todays:
        lim = ind.limits(today)
        for key, (den, num) in ind.membership(_facts(c, today), lim).items():
            if key == "successful_completion":
                continue
            assert d.holds(days.get(f"{key}__d", ()), today) == den, (key, today)
            assert d.holds(days.get(f"{key}__n", ()), today) == num, (key, today)
        position = ind.ost_position(_facts(c, today), lim)
        for n in range(t.BANDS):
            inside = position is not None and position[0] == n
            assert d.holds(days.get(f"band{n}", ()), today) == inside, (n, today)
            good = inside and position is not None and position[1]
            assert d.holds(days.get(f"considered{n}", ()), today) == good, (n, today)
