"""Practice indicators as at a past date (issue 17): the SQL as-at path
(db.queries.indicator_asat) for every patient, and the Python derivation from history
(console.services.indicator_history) for the few with a corrected review, whose values
only the one correction function knows. The derivation for everyone stays the check.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from sqlmodel import Session

from console.rules import indicators as rules
from console.services import indicator_history as history
from console.services.indicator_history import Members
from db.queries import indicator_asat as qa


def board(
    session: Session, day: dt.date, kw: int | None
) -> tuple[dict[str, tuple[int, int]], list[list[int]], rules.Outcomes]:
    """(numerator, denominator) per key, the OST bands and the start-TOP outcomes."""
    lim = rules.limits(day)
    found, bands, tops, spread = qa.counts(session=session, lim=lim, keyworker_id=kw)
    done = qa.completers(session=session, lim=lim, keyworker_id=kw)
    fixed = qa.corrected(session=session, keyworker_id=kw)
    out = {k: found[k] for k in rules.KEYS}
    out["successful_completion"] = (len(done - fixed), out["successful_completion"][1])
    merged_bands = [list(b) for b in bands]
    patients, o_start, o_stop, i_start, i_stop = tops
    changes = Counter(spread)
    if fixed:
        members, more_bands, more = history.derive_patients(session, day, kw, only=fixed)
        for k in rules.KEYS:
            num, den = out[k]
            out[k] = (num + len(members[k].numerator), den + len(members[k].denominator))
        for n, (b, c) in enumerate(more_bands):
            merged_bands[n][0] += b
            merged_bands[n][1] += c
        extra = rules.outcomes(more)
        patients += extra.patients
        o_start, o_stop = o_start + extra.opioids_at_start, o_stop + extra.opioids_stopped
        i_start, i_stop = i_start + extra.injecting_at_start, i_stop + extra.injecting_stopped
        changes.update(c.barc10 for c in more if c.barc10 is not None)
    n = sum(changes.values())
    outcomes = rules.Outcomes(
        patients, o_start, o_stop, i_start, i_stop, n, rules.median(_spread(changes))
    )
    return out, merged_bands, outcomes


def members(
    session: Session, day: dt.date, kw: int | None, key: str | None = None
) -> dict[str, Members]:
    """Every indicator's patients (or `key`'s alone), as at the day."""
    lim = rules.limits(day)
    found = qa.members(session=session, lim=lim, keyworker_id=kw, key=key)
    fixed = qa.corrected(session=session, keyworker_id=kw)
    out: dict[str, Members] = {}
    more = history.derive_patients(session, day, kw, only=fixed)[0] if fixed else {}
    for k, (den, num) in found.items():
        den, num = den - fixed, num - fixed
        if k in more:
            den, num = den | more[k].denominator, num | more[k].numerator
        out[k] = Members(frozenset(den), frozenset(num))
    return out


def _spread(changes: Counter[int]) -> Iterable[float]:
    return [float(v) for v, n in sorted(changes.items()) for _ in range(n)]
