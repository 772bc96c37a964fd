"""Indicator history (issue 17): one patient's contribution to the practice indicators on
every day of their history, as they stood then, from their source records alone. Pure:
plain values in and out.

A patient's derived state changes only on the days their records name (an episode's
start or end, a prescription's, a review's date, a test, a plan agreed, a family record
added, a death); between two such days the row the one derivation
(`console.rules.caches.derive`) gives for the first is the row of every day up to the
next, and the tally rule (`console.rules.tallies`) already turns a row into the days on
which it counts ("within 6 months" and the rest). So the patient's history is the rule's
days of each of those rows, each cut to its own stretch, joined: a few spans per count.
The past dashboard sums them (console.services.history_tallies), and the as-at SQL and
the Python derivation from history (console.services.indicator_history) are its check.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pendulum

from console.rules import health
from console.rules.caches import Ep, Rev, RowCaches, Rx, Sources, derive
from console.rules.completion import SUCCESSFUL_EXITS
from console.rules.days import LAST, Days, Span, prev
from console.rules.indicators import POST_EXIT
from console.rules.schedule import CHECKUPS
from console.rules.tallies import EVERYONE, NO_KEYWORKER, Key, days_of


@dataclass(frozen=True)
class Plan:
    """An agreed care-plan version: when (None: before dates were kept) and whether it
    has a live substance-use goal."""

    version: int
    agreed_on: dt.date | None
    live_goal: bool


@dataclass(frozen=True)
class Record:
    """Everything of one patient the indicators derive from, every date included."""

    status: str  # today's
    status_before_death: str = ""
    date_of_death: dt.date | None = None
    checkups_planned: int = 0
    episodes: Sequence[Ep] = ()
    prescriptions: Sequence[Rx] = ()
    reviews: Sequence[Rev] = ()  # finalised, corrected, in recorded order
    health: Sequence[health.Event] = ()  # in recorded order
    plans: Sequence[Plan] = ()
    family_added: Sequence[dt.date | None] = ()  # None: added before dates were kept
    family_answer: str = ""
    family_answer_on: dt.date | None = None
    mutual_aid_on: dt.date | None = None  # the earliest attendance


def status_at(
    now: str,
    before_death: str,
    checkups_planned: int,
    all_eps: Sequence[Ep],
    eps: Sequence[Ep],
    reviews: Iterable[Rev],
    day: dt.date,
    deceased: bool,
) -> str:
    """The patient's status as it stood on the day (`eps`: the episodes as they stood):
    today's when no episode has started or ended since; else in treatment with an episode
    open, post-exit check-ups after a successful exit while fewer than the planned
    check-ups were done, or discharged."""
    if deceased:
        return "deceased"
    if any(e.end is None for e in eps):
        return "in_treatment"
    moved = any(e.start > day or (e.end is not None and e.end > day) for e in all_eps)
    today = now if now != "deceased" else before_death
    if not moved:
        return today or "discharged"
    ended = [e for e in eps if e.end is not None]
    if not ended:
        return "discharged"
    last = max(ended, key=lambda e: (e.end or e.start, e.id))
    assert last.end is not None
    if last.exit_reason not in SUCCESSFUL_EXITS:
        return "discharged"
    done = sum(1 for r in reviews if r.kind == "post_exit_checkup" and r.date >= last.end)
    return POST_EXIT if done < (checkups_planned or CHECKUPS) else "discharged"


def deceased_on(rec: Record, day: dt.date) -> bool:
    died = rec.date_of_death
    return (died is not None and died <= day) or (died is None and rec.status == "deceased")


def row_at(rec: Record, day: dt.date) -> RowCaches:
    """The patient's caches as they stood on the day, for the indicators."""
    eps = [
        Ep(e.id, e.start, e.end, e.exit_reason)
        if e.end is not None and e.end <= day
        else Ep(e.id, e.start, None, "")
        for e in rec.episodes
        if e.start <= day
    ]
    reviews = [r for r in rec.reviews if r.date <= day]
    dead = deceased_on(rec, day)
    status = status_at(
        rec.status,
        rec.status_before_death,
        rec.checkups_planned,
        rec.episodes,
        eps,
        reviews,
        day,
        dead,
    )
    agreed = [p for p in rec.plans if p.agreed_on is None or p.agreed_on <= day]
    plan = max(agreed, key=lambda p: p.version) if agreed else None
    src = Sources(
        status=status,
        checkups_planned=rec.checkups_planned,
        episodes=eps,
        prescriptions=[r for r in rec.prescriptions if r.start <= day],
        reviews=reviews,
        health=[e for e in rec.health if e.date <= day],
        agreed_on=None if plan is None else plan.agreed_on or dt.date(1900, 1, 1),
        agreed_substance_goal=plan is not None and plan.live_goal,
        mutual_aid_on=rec.mutual_aid_on,
        # as `family_considered_on`: records added by then, an answer given by then
        family_members=sum(1 for on in rec.family_added if on is None or on <= day),
        family_involvement=rec.family_answer
        if rec.family_answer_on is None or rec.family_answer_on <= day
        else "",
    )
    return derive(src, pendulum.date(day.year, day.month, day.day))


def changes(rec: Record) -> list[dt.date]:
    """The days the patient's derived state can change on, from their first episode's
    start (before it no indicator counts them), in order."""
    if not rec.episodes:
        return []
    first = min(e.start for e in rec.episodes)
    days: set[dt.date] = {first}
    for e in rec.episodes:
        days.update(d for d in (e.start, e.end) if d is not None)
    for r in rec.prescriptions:
        days.update(d for d in (r.start, r.end) if d is not None)
    days.update(r.date for r in rec.reviews)
    days.update(e.date for e in rec.health)
    days.update(p.agreed_on for p in rec.plans if p.agreed_on is not None)
    days.update(d for d in rec.family_added if d is not None)
    days.update(d for d in (rec.family_answer_on, rec.date_of_death) if d is not None)
    return sorted(d for d in days if d >= first)


# what the tally rule reads of a row (`_counts`, and `effective` for a pending change)
USED = (
    "status",
    "episode_start",
    "current_medicine",
    "ost_continuous_start",
    "last_strategic_review",
    "last_ost_decision",
    "agreed_plan_on",
    "agreed_plan_substance_goal",
    "barc10_on",
    "barc10_change",
    "completion_days",
    "family_considered",
    "hbv_course_completed",
    "hbv_immune",
    "injecting_recorded",
    "last_hcv_test",
    "last_naloxone",
    "mutual_aid_on",
    "next_checkup_due",
    "top_change_on",
    "top_injecting_change",
    "top_opioid_use",
    "top_opioids_change",
    "dose_change_on",
    "pending_medicine",
    "pending_ost_start",
)


def _used(row: RowCaches) -> RowCaches:
    """The row with only what the tally rule reads, so rows that count alike are equal."""
    return RowCaches(**{name: getattr(row, name) for name in USED})


def history_days(rec: Record) -> dict[str, Days]:
    """Every count's days over the patient's whole history: each change day's row (one
    stretch while the row stays the same) counted on its own stretch, the pieces joined."""
    points = changes(rec)
    stretches: list[tuple[dt.date, RowCaches]] = []
    for day in points:
        row = _used(row_at(rec, day))
        if not stretches or stretches[-1][1] != row:
            stretches.append((day, row))
    pieces: dict[str, list[Span]] = {}
    for n, (day, row) in enumerate(stretches):
        end = prev(stretches[n + 1][0]) if n + 1 < len(stretches) else LAST
        # not cached: rows carry their dates, so a rebuild finds under 1% again, and
        # the entries kept were long-lived objects that set off full collections
        for name, days in days_of(row).items():
            for lo, hi in days:
                lo, hi = max(lo, day), min(hi, end)
                if lo <= hi:
                    pieces.setdefault(name, []).append((lo, hi))
    return {name: _joined(spans) for name, spans in pieces.items()}


def _joined(spans: list[Span]) -> Days:
    out: list[list[dt.date]] = []
    for lo, hi in sorted(spans):
        if out and (lo - out[-1][1]).days <= 1:  # overlapping or touching (LAST too)
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def history_keys(rec: Record, keyworker_id: int | None) -> frozenset[Key]:
    """The patient's history as tally keys, under their keyworker and the practice."""
    kw = NO_KEYWORKER if keyworker_id is None else keyworker_id
    return frozenset(
        (who, name, lo, hi)
        for name, days in history_days(rec).items()
        for lo, hi in days
        for who in (kw, EVERYONE)
    )


Step = tuple[int, str, dt.date]  # (keyworker, name, day): a count's change on that day


def steps(moves: Iterable[tuple[Key, int]]) -> list[tuple[Step, int]]:
    """Key moves as changes of each count on the days they start and end (a count on a
    day is the sum of its changes up to that day), summed, nothing-changes dropped, in
    order (every writer takes row locks in one order)."""
    out: dict[Step, int] = {}
    for (kw, name, lo, hi), n in moves:
        out[(kw, name, lo)] = out.get((kw, name, lo), 0) + n
        if hi != LAST:
            after = hi + dt.timedelta(days=1)
            out[(kw, name, after)] = out.get((kw, name, after), 0) - n
    return sorted((k, n) for k, n in out.items() if n)
