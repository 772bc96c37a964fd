"""Kept indicator tallies (issue 17): one patient's contribution to today's dashboard,
from their row caches alone, for every "today" at once. Pure: plain values in and out.

Today's numbers (db.queries.indicators `conditions`) depend on the date: "within 6
months", OST for 2 years, a check-up not yet overdue, a prescription change whose date has
come. So a patient's contribution to a count is the set of days on which they count,
written as a few disjoint spans [lo, hi]; a tally row (keyworker, name, lo, hi, n) counts
the patients with that span, and a dashboard for day D sums the rows with lo <= D <= hi.
Each key is kept twice, under the patient's keyworker and under EVERYONE, so the whole
practice's dashboard reads one set of rows rather than every keyworker's.
Every write path moves a patient's keys from the old set to the new one
(console.services.tallies) in the same transaction as the caches.

The successful-completion measure's days come from a row cache of their own
(`completion_days`, console.rules.completion), derived from the episodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import replace

import pendulum

from console.rules import completion
from console.rules.caches import RowCaches, effective
from console.rules.days import (
    ALWAYS,
    FIRST,
    LAST,
    NEVER,
    Days,
    Span,
    both,
    either,
    first_back_from,
    holds,
    last_back_by,
    months,
    since,
    until,
    when,
    within,
    years,
)
from console.rules.days import prev as _prev

NO_KEYWORKER = 0  # a patient with no keyworker (a key column cannot be NULL)
EVERYONE = -1  # every patient's keys again under this "keyworker": the practice's rows
Key = tuple[int, str, dt.date, dt.date]  # (keyworker, name, lo, hi)
__all__ = ["ALWAYS", "FIRST", "LAST", "NEVER", "Days", "Span", "holds"]
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
    "successful_completion",
)
BANDS = 4
OUTCOME_NAMES = (
    "top_patients",
    "opioids_at_start",
    "opioids_stopped",
    "injecting_at_start",
    "injecting_stopped",
)
BARC10_CHANGE = "barc10_change="  # + the change: one name per value (for the median)


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
        until(last_back_by(c.last_strategic_review, months(6)))
        if c.last_strategic_review is not None
        else NEVER,
    )
    hep_b = ALWAYS if c.hbv_course_completed is not None else NEVER
    if c.hbv_immune is not None:
        hep_b = either(hep_b, since(c.hbv_immune))
    on = when(active and on_ost and start is not None)
    ost_2y = both(on, since(first_back_from(start, months(24)))) if start is not None else NEVER
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
    alive = c.status != "deceased"
    treated, done = completion.from_text(c.completion_days)
    pairs["successful_completion"] = (when(alive, treated), when(alive, done))
    out: dict[str, Days] = {}
    for key, (den, num) in pairs.items():
        out[f"{key}__d"] = den
        out[f"{key}__n"] = both(den, num)
    if start is not None:
        edges = [first_back_from(start, years(n)) for n in (1, 2, 5)]
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


def days_of(c: RowCaches, floor: dt.date = FIRST) -> dict[str, Days]:
    """Every count's days from `floor` on for one patient's stored caches (status
    included). A pending prescription change splits the days at its date (before it the
    caches as stored, from it `effective`)."""
    if c.dose_change_on is None and floor == FIRST:
        # one piece over every day: cutting each count's days to it changes none of them
        # (the kept history's every change day comes here; a finalise recounts them all)
        return {name: days for name, days in _counts(c).items() if days}
    pieces: list[tuple[Days, RowCaches]] = [(ALWAYS, c)]
    if c.dose_change_on is not None:
        moved = effective(c, c.dose_change_on)  # on its own date: the change applied, cleared
        pieces = [
            (until(_prev(c.dose_change_on)), replace(c, dose_change_on=None)),
            (since(c.dose_change_on), moved),
        ]
    found: dict[str, Days] = {}
    pieces = [(both(region, since(floor)), view) for region, view in pieces]
    for region, view in pieces:
        for name, days in _counts(view).items():
            if days:
                found[name] = either(found.get(name, NEVER), both(region, days))
    return {name: days for name, days in found.items() if days}


def contribution(c: RowCaches, keyworker_id: int | None, floor: dt.date = FIRST) -> frozenset[Key]:
    """The tally keys of one patient's stored caches: for every count, one key per span
    of days from `floor` on which the patient counts (`days_of`)."""
    kw = NO_KEYWORKER if keyworker_id is None else keyworker_id
    return frozenset(
        (who, name, lo, hi)
        for name, days in days_of(c, floor).items()
        for lo, hi in days
        for who in (kw, EVERYONE)
    )


def delta(old: Iterable[Key], new: Iterable[Key]) -> list[tuple[Key, int]]:
    """What moving a patient from `old` keys to `new` does to the tallies, in key order
    (every writer takes row locks in one order, so two writers cannot deadlock)."""
    before, after = set(old), set(new)
    moves = [(k, -1) for k in before - after] + [(k, +1) for k in after - before]
    return sorted(moves, key=lambda m: (m[0][0], m[0][1], m[0][2], m[0][3]))
