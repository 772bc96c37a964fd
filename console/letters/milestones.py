"""Recovery milestones: six months, one, two and five years, then every five years.

A milestone letter marks a milestone, in round words ("one year", not "1 year, 23
days"), and is for a milestone reached recently (`RECENT_DAYS`): sent a year and a half
late it would mark nothing. `upcoming` lists milestones coming up, so that the letter
can be on time. Calendar arithmetic: six months after 31 August is 28 or 29 February.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import pendulum

RECENT_DAYS = 90  # a milestone letter is for a milestone reached in the last 3 months
WORDS = {1: "one", 2: "two", 5: "five", 10: "ten", 15: "fifteen", 20: "twenty"}
WORDS |= {25: "twenty-five", 30: "thirty", 35: "thirty-five", 40: "forty", 45: "forty-five"}
WORDS |= {50: "fifty"}


@dataclass(frozen=True)
class Milestone:
    day: dt.date
    words: str  # "six months", "one year", "ten years"


def _shift(start: dt.date, months: int) -> dt.date:
    """`months` calendar months on, the day cut to the month's last (pendulum's `add`):
    plain date arithmetic, as the worklist works this out for hundreds of patients."""
    year, month = divmod(start.month - 1 + months, 12)
    year += start.year
    return dt.date(year, month + 1, min(start.day, calendar.monthrange(year, month + 1)[1]))


@lru_cache(maxsize=4096)
def _milestones(start: dt.date) -> tuple[Milestone, ...]:
    out = [Milestone(_shift(start, 6), "six months")]
    for years, words in WORDS.items():
        out.append(Milestone(_shift(start, 12 * years), f"{words} year{'s' if years > 1 else ''}"))
    return tuple(out)


def reached(start: dt.date | None, today: dt.date) -> Milestone | None:
    """The milestone reached on or before `today` within the last RECENT_DAYS, if any."""
    if start is None or start > today:
        return None
    past = [m for m in _milestones(start) if m.day <= today]
    if not past or (today - past[-1].day).days > RECENT_DAYS:
        return None
    return past[-1]


def upcoming(start: dt.date | None, today: dt.date, within: int) -> Milestone | None:
    """The next milestone from `today` (inclusive) to `within` days ahead, if any."""
    if start is None:
        return None
    end = dt.date.fromordinal(today.toordinal() + within)  # a plain date: no pendulum sums
    ahead = [m for m in _milestones(start) if today <= m.day <= end]
    return ahead[0] if ahead else None


def start_ranges(today: dt.date, within: int) -> list[tuple[dt.date, dt.date]]:
    """For each milestone, the recovery starts that reach it from `today` to `within`
    days ahead (a day wider each side for month ends; `upcoming` decides exactly)."""
    begin = pendulum.date(today.year, today.month, today.day)
    end = begin.add(days=within)
    offsets = [{"months": 6}, *({"years": y} for y in WORDS)]
    return [
        (begin.subtract(**o).subtract(days=1), end.subtract(**o).add(days=1))  # type: ignore[arg-type]
        for o in offsets
    ]
