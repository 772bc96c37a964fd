"""The patient list's flags: the letters of the patient's alerts (one function decides
each alert, `console.rules.alerts`), from the row caches alone (no history scan).

Shown in the order S, T, R, D, H, L, C, E in a column four wide: when more are raised
than fit, the first three and a `+` (the summary lists them all). Each letter is
explained on the summary and the help screen.
"""

from __future__ import annotations

from collections.abc import Iterable

import pendulum

from console.rules.alerts import _limits, drift_reasons, facts, raised
from console.rules.caches import RowCaches

__all__ = ["FLAG_MEANING", "ORDER", "drift_reasons", "flag_limits", "list_flags", "shown"]

FLAG_MEANING = {
    "S": "safety: ECG, missed doses, sedatives, BARC-10 fall, shared equipment, children",
    "T": "unexpected drug test result",
    "R": "review overdue (start or strategic), or no agreed care plan",
    "D": "on OST two years or more without a considered decision (drift guard)",
    "H": "health: naloxone, hepatitis C or hepatitis B due",
    "L": "linkage follow-up due",
    "C": "post-exit check-up due",
    "E": "re-engage after an unsuccessful exit",
}
ORDER = "".join(FLAG_MEANING)
WIDTH = 4
CUT = "+"
MORE_MEANING = "more letters than fit: the summary lists every alert"


def flag_limits(today: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date, pendulum.Date]:
    """(year ago, two years ago, six months ago): the dates the list's SQL flag filter
    compares the caches with, so it and `list_flags` cannot disagree."""
    return _limits(today)


def letters(found: Iterable[str]) -> str:
    """Each raised letter once, in the list's order."""
    up = set(found)
    return "".join(letter for letter in ORDER if letter in up)


def shown(all_letters: str) -> str:
    """What fits the four-wide column: a `+` stands for the letters cut."""
    if len(all_letters) <= WIDTH:
        return all_letters
    return all_letters[: WIDTH - 1] + CUT


def list_flags(c: RowCaches, today: pendulum.Date, threshold: int = 6) -> str:
    """Every alert letter of the patient (uncut; `shown` fits it to the column)."""
    return letters(letter for letter, _ in raised(facts(c, today, threshold=threshold), today))


def review_overdue(c: RowCaches, today: pendulum.Date) -> bool:
    """Reception's only flag: the review is overdue (SPEC §1)."""
    return c.status != "deceased" and c.next_review_due is not None and c.next_review_due < today
