"""Kept indicator tallies (issue 17): one patient's contribution to today's dashboard,
from their row caches alone, for every "today" at once. Pure: plain values in and out.

Today's numbers (db.queries.indicators `conditions`) depend on the date: "within 6
months", OST for 2 years, a check-up not yet overdue, a prescription change whose date has
come. So a patient's contribution to a count is the set of days on which they count,
written as a few disjoint spans [lo, hi]; a tally row (keyworker, name, lo, hi, n) counts
the patients with that span, and a dashboard for day D sums the rows with lo <= D <= hi.
Every write path moves a patient's keys from the old set to the new one
(console.services.tallies) in the same transaction as the caches.

The successful-completion measure reads the episode table (every episode of a window),
not the row caches, so it is counted apart (db.queries.indicators).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

import pendulum

from console.rules.caches import RowCaches, effective

FIRST, LAST = dt.date(1, 1, 1), dt.date(9999, 12, 31)
NO_KEYWORKER = 0  # a patient with no keyworker (a key column cannot be NULL)
Span = tuple[dt.date, dt.date]  # inclusive
Days = tuple[Span, ...]  # sorted, disjoint, not touching: the days something holds
Key = tuple[int, str, dt.date, dt.date]  # (keyworker, name, lo, hi)

ALWAYS: Days = ((FIRST, LAST),)
NEVER: Days = ()
RATIO_KEYS = (
    "strategic_review_6m",
    "agreed_care_plan",
    "barc10_6m",
    "mutual_aid_attended",
    "family_considered",
    "hcv_tested_12m",
    "hepb_completed",
    "naloxone_12m",
    "ost_2y_considered",
    "checkups_up_to_date",
)  # every indicator but successful completion (counted from the episodes)
BANDS = 4
OUTCOME_NAMES = (
    "top_patients",
    "opioids_at_start",
    "opioids_stopped",
    "injecting_at_start",
    "injecting_stopped",
)
BARC10_CHANGE = "barc10_change="  # + the change: one name per value (for the median)


# -- sets of days ------------------------------------------------------------------------
def _next(d: dt.date) -> dt.date:
    return d if d == LAST else d + dt.timedelta(days=1)


def _prev(d: dt.date) -> dt.date:
    return d if d == FIRST else d - dt.timedelta(days=1)


def since(d: dt.date) -> Days:
    return ((d, LAST),)


def until(d: dt.date) -> Days:
    return ((FIRST, d),)


def both(a: Days, b: Days) -> Days:
    out: list[Span] = []
    for lo1, hi1 in a:
        for lo2, hi2 in b:
            lo, hi = max(lo1, lo2), min(hi1, hi2)
            if lo <= hi:
                out.append((lo, hi))
    return tuple(sorted(out))


def either(a: Days, b: Days) -> Days:
    out: list[list[dt.date]] = []
    for lo, hi in sorted(a + b):
        if out and lo <= _next(out[-1][1]):
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def unless(a: Days) -> Days:
    out: list[Span] = []
    start = FIRST
    for lo, hi in a:
        if lo > start:
            out.append((start, _prev(lo)))
        if hi == LAST:
            return tuple(out)
        start = _next(hi)
    out.append((start, LAST))
    return tuple(out)


def when(test: bool, days: Days = ALWAYS) -> Days:
    return days if test else NEVER


def holds(days: Days, day: dt.date) -> bool:
    return any(lo <= day <= hi for lo, hi in days)


# -- "today minus k months" turned round ---------------------------------------------------
@lru_cache(maxsize=1 << 16)
def _back(day: dt.date, months: int, years: bool) -> dt.date:
    """Today minus `months` as the rules compute it (pendulum, day clamped at month end;
    `years` as console.rules.indicators.band_edges subtracts whole years)."""
    p = pendulum.date(day.year, day.month, day.day)
    d = p.subtract(years=months // 12) if years else p.subtract(months=months)
    return dt.date(d.year, d.month, d.day)


def _ahead(day: dt.date, months: int) -> dt.date:
    if day.year > 9990:
        return LAST
    d = pendulum.date(day.year, day.month, day.day).add(months=months)
    return dt.date(d.year, d.month, d.day)


@lru_cache(maxsize=1 << 16)
def last_back_by(day: dt.date, months: int, years: bool = False) -> dt.date:
    """The last today whose "today minus `months`" is on or before `day` (the minus is
    monotonic, so the todays form one run ending here)."""
    t = _ahead(day, months)
    while t < LAST and _back(_next(t), months, years) <= day:
        t = _next(t)
    while _back(t, months, years) > day:
        t = _prev(t)
    return t


def first_back_from(day: dt.date, months: int, years: bool = False) -> dt.date:
    """The first today whose "today minus `months`" is on or after `day`."""
    return _next(last_back_by(_prev(day), months, years)) if day > FIRST else FIRST


def within(day: dt.date | None, months: int) -> Days:
    """The todays for which `day` is within `months`: on or after today minus `months`
    and not after today."""
    if day is None:
        return NEVER
    return ((day, last_back_by(day, months)),)


# -- one patient's contribution --------------------------------------------------------
def _counts(c: RowCaches) -> dict[str, Days]:
    """Each count's days for caches whose prescription fields do not move (`effective`
    already applied): the twin of `db.queries.indicators.conditions`, `_bands` and
    `outcome_columns`."""
    active = c.status != "deceased" and c.episode_start is not None
    a = when(active)
    on_ost = bool(c.current_medicine)
    start = c.ost_continuous_start
    considered = when(
        c.last_strategic_review is not None
        and (c.last_ost_decision or "") not in ("", "pending")
        and c.agreed_plan_substance_goal is not None,
        until(last_back_by(c.last_strategic_review, 6))
        if c.last_strategic_review is not None
        else NEVER,
    )
    hep_b = ALWAYS if c.hbv_course_completed is not None else NEVER
    if c.hbv_immune is not None:
        hep_b = either(hep_b, since(c.hbv_immune))
    on = when(active and on_ost and start is not None)
    ost_2y = both(on, since(first_back_from(start, 24))) if start is not None else NEVER
    naloxone_den = when(active and (on_ost or c.top_opioid_use is not None))
    injecting = when(active and c.injecting_recorded is not None)
    post_exit = when(c.status == "post_exit_checkups")
    checkups = ALWAYS if c.next_checkup_due is None else until(c.next_checkup_due)
    pairs: dict[str, tuple[Days, Days]] = {
        "strategic_review_6m": (a, within(c.last_strategic_review, 6)),
        "agreed_care_plan": (a, when(c.agreed_plan_on is not None)),
        "barc10_6m": (a, within(c.barc10_on, 6)),
        "mutual_aid_attended": (
            a,
            since(c.mutual_aid_on) if c.mutual_aid_on is not None else NEVER,
        ),
        "family_considered": (a, when(bool(c.family_considered))),
        "hcv_tested_12m": (injecting, within(c.last_hcv_test, 12)),
        "hepb_completed": (a, hep_b),
        "naloxone_12m": (naloxone_den, within(c.last_naloxone, 12)),
        "ost_2y_considered": (ost_2y, considered),
        "checkups_up_to_date": (post_exit, checkups),
    }
    out: dict[str, Days] = {}
    for key, (den, num) in pairs.items():
        out[f"{key}__d"] = den
        out[f"{key}__n"] = both(den, num)
    if start is not None:
        edges = [first_back_from(start, 12 * n, years=True) for n in (1, 2, 5)]
        spans = [until(_prev(edges[0]))]
        spans += [((edges[i], _prev(edges[i + 1])),) for i in range(2)]
        spans += [since(edges[2])]
        for n, band in enumerate(spans):
            inside = both(on, tuple(s for s in band if s[0] <= s[1]))
            out[f"band{n}"] = inside
            out[f"considered{n}"] = both(inside, considered)
    followed = active and c.top_change_on is not None
    out["top_patients"] = when(followed)
    out["opioids_at_start"] = when(followed and c.top_opioids_change != "")
    out["opioids_stopped"] = when(followed and c.top_opioids_change == "stopped")
    out["injecting_at_start"] = when(followed and c.top_injecting_change != "")
    out["injecting_stopped"] = when(followed and c.top_injecting_change == "stopped")
    if followed and c.barc10_change is not None:
        out[f"{BARC10_CHANGE}{int(c.barc10_change)}"] = ALWAYS
    return out


def floor_for(today: dt.date) -> dt.date:
    """The first day a rebuild keeps tallies for: the first of last month (a margin for
    a clock a little behind). Days before it are not asked of the tallies (the dashboard
    counts them by one pass), so every span is cut there and every patient counting
    "since" some day before it shares one row: a few thousand rows, not one per date."""
    first = pendulum.date(today.year, today.month, 1).subtract(months=1)
    return dt.date(first.year, first.month, first.day)


def contribution(c: RowCaches, keyworker_id: int | None, floor: dt.date = FIRST) -> frozenset[Key]:
    """The tally keys of one patient's stored caches (status included): for every count,
    one key per span of days from `floor` on which the patient counts. A pending
    prescription change splits the days at its date (before it the caches as stored,
    from it `effective`)."""
    pieces: list[tuple[Days, RowCaches]] = [(ALWAYS, c)]
    if c.dose_change_on is not None:
        moved = replace(effective(c, c.dose_change_on), dose_change_on=None)
        pieces = [
            (until(_prev(c.dose_change_on)), replace(c, dose_change_on=None)),
            (since(c.dose_change_on), moved),
        ]
    found: dict[str, Days] = {}
    pieces = [(both(region, since(floor)), view) for region, view in pieces]
    for region, view in pieces:
        for name, days in _counts(view).items():
            found[name] = either(found.get(name, NEVER), both(region, days))
    kw = NO_KEYWORKER if keyworker_id is None else keyworker_id
    return frozenset((kw, name, lo, hi) for name, days in found.items() for lo, hi in days)


def delta(old: Iterable[Key], new: Iterable[Key]) -> list[tuple[Key, int]]:
    """What moving a patient from `old` keys to `new` does to the tallies, in key order
    (every writer takes row locks in one order, so two writers cannot deadlock)."""
    before, after = set(old), set(new)
    moves = [(k, -1) for k in before - after] + [(k, +1) for k in after - before]
    return sorted(moves, key=lambda m: (m[0][0], m[0][1], m[0][2], m[0][3]))
