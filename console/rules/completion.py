"""The successful-completion measure (issue 17, PHOF) for one patient as a row cache: the
days on which they are in its denominator (an episode open at some time in the window)
and in its numerator (a successful exit in the window, not re-presenting within 6
months), from their episodes. Pure: plain values in and out.

The window for today runs from (today − 6 months) − 12 months to today − 6 months
(console.rules.indicators.limits), so an episode [start, end] is in it on the todays
from the first whose window end reaches its start to the last whose window start is
still on or before its end.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

import pendulum

from console.rules.days import (
    LAST,
    NEVER,
    Days,
    Steps,
    either,
    first_back_from,
    last_back_by,
    months,
)
from console.rules.vocab import EXIT_REASONS, ExitGroup

SUCCESSFUL_EXITS = frozenset(
    code for code, (_, group) in EXIT_REASONS.items() if group is ExitGroup.SUCCESSFUL
)
WINDOW_END: Steps = months(6)
WINDOW_START: Steps = (("months", 6), ("months", 12))  # as `limits` subtracts: in turn


class Ep(Protocol):  # console.rules.caches.Ep
    @property
    def id(self) -> int: ...
    @property
    def start(self) -> dt.date: ...
    @property
    def end(self) -> dt.date | None: ...
    @property
    def exit_reason(self) -> str: ...


def represent_by(exit_day: dt.date) -> dt.date:
    """The last day a new episode counts as re-presenting after an exit (6 months on)."""
    d = pendulum.date(exit_day.year, exit_day.month, exit_day.day).add(months=6)
    return dt.date(d.year, d.month, d.day)


def re_presented(exit_day: dt.date, next_start: dt.date | None) -> bool:
    """Whether the next episode (started on or after the exit) began within 6 months."""
    return next_start is not None and next_start <= represent_by(exit_day)


def days(episodes: Iterable[Ep]) -> tuple[Days, Days]:
    """(the todays on which the patient was in treatment in the window, the todays on
    which a successful exit not re-presenting is in it)."""
    eps = list(episodes)
    treated: Days = NEVER
    done: Days = NEVER
    for e in eps:
        last = LAST if e.end is None else last_back_by(e.end, WINDOW_START)
        first = first_back_from(e.start, WINDOW_END)
        if first <= last:
            treated = either(treated, ((first, last),))
        if e.end is None or e.exit_reason not in SUCCESSFUL_EXITS:
            continue
        after = [n.start for n in eps if n.id != e.id and n.start >= e.end]
        if re_presented(e.end, min(after) if after else None):
            continue
        lo, hi = first_back_from(e.end, WINDOW_END), last_back_by(e.end, WINDOW_START)
        if lo <= hi:
            done = either(done, ((lo, hi),))
    return treated, done


def as_text(found: tuple[Days, Days]) -> str:
    """The row cache's text: `i` spans (in treatment) then `c` spans (completed)."""
    treated, done = found
    parts = [f"i{lo.isoformat()}/{hi.isoformat()}" for lo, hi in treated]
    parts += [f"c{lo.isoformat()}/{hi.isoformat()}" for lo, hi in done]
    return " ".join(parts)


def from_text(text: str) -> tuple[Days, Days]:
    treated: list[tuple[dt.date, dt.date]] = []
    done: list[tuple[dt.date, dt.date]] = []
    for part in text.split():
        lo, hi = part[1:].split("/")
        (treated if part[0] == "i" else done).append(
            (dt.date.fromisoformat(lo), dt.date.fromisoformat(hi))
        )
    return tuple(treated), tuple(done)
