"""Time on OST: the current continuous run of prescriptions (SPEC §2).

Gaps under 28 days do not break a run; a run is current when its last prescription is
still open (no end date, or ending after today).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

GAP_DAYS = 28


def continuous_start(
    periods: Iterable[tuple[dt.date, dt.date | None]], today: dt.date
) -> dt.date | None:
    """Start of the current continuous run, or None when not on OST today."""
    ordered = sorted(periods, key=lambda p: p[0])
    run_start: dt.date | None = None
    run_end: dt.date | None = None  # None while open-ended
    started = False
    for start, end in ordered:
        if start > today:
            continue
        if not started:
            run_start, run_end, started = start, end, True
            continue
        if run_end is not None and (start - run_end).days >= GAP_DAYS:
            run_start = start
            run_end = end
        elif run_end is not None:
            run_end = None if end is None else max(run_end, end)
    if not started:
        return None
    if run_end is not None and run_end <= today:
        return None
    return run_start
