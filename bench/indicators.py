"""Practice indicators (issue 17): the dashboard, key → painted frame in the console at
80x24; the service alone (from the kept tallies) and the same numbers by one pass over
the caches; the start-TOP outcomes; a past as-at date from history; each
beside a raw sqlite3 run of the same numerators' one select (the SUM(CASE …) pass over
`patient` that the service builds, compiled with its dates and run without the service).

Run as a child process on a working copy, printing JSON (milliseconds):

    python -m bench.indicators COPY ROUNDS PAST_ROUNDS
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from bench import data
from bench.frames import Done, Frames, settle


def _downs() -> int:
    """The go-to picker lists home, then the areas: the dashboard's line below home."""
    from screens.navigation import AREAS

    return 1 + [a.key for a in AREAS].index("indicators")


NODES: list[int] = []  # the dashboard's node count when painted (for the bare baseline)


async def _screen(path: Path, rounds: int) -> list[float]:
    """`enter` on "Practice indicators" in the go-to picker → the frame after the
    dashboard's `Loaded` (every indicator, the OST bands and the outcomes painted)."""
    from console.app import RecoveryConsole

    frames = Frames()
    loaded = Done("IndicatorsScreen", "on_indicators_screen_loaded")
    app = RecoveryConsole(data.services_for(path))
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(rounds):
            await pilot.press("g")
            await settle(app, pilot)
            for _ in range(_downs()):
                await pilot.press("down")
            await settle(app, pilot)
            times.append(await frames.press(app, "enter", loaded.after(app), timeout=600))
            await settle(app, pilot)
            NODES.append(len(app.screen.query("*")))
            await pilot.press("escape")
            await settle(app, pilot)
    return times


def _timed(call: Any, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def _raw(path: Path, rounds: int) -> list[float]:
    """The counts select, compiled with its literal dates, run by sqlite3 (read-only)."""
    from sqlalchemy.dialects import sqlite

    from console.rules import indicators as rules
    from db.queries.indicators import counts_select

    stmt, _ = counts_select(rules.limits(data.TODAY.date()), None)
    sql = str(stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return _timed(lambda: conn.execute(sql).fetchall(), rounds)
    finally:
        conn.close()


def measure(path: Path, rounds: int, past_rounds: int) -> dict[str, Any]:
    from console.services.indicators import IndicatorService

    ind = IndicatorService(data.services_for(path))
    today = data.TODAY.date()
    ends = [today.subtract(months=n + 1).end_of("month") for n in range(past_rounds)]
    past = [dt.date(d.year, d.month, d.day) for d in ends]
    out: dict[str, Any] = {
        "service": _timed(lambda: ind.dashboard(), rounds),
        # the same numbers from one pass over the caches (the path before the tallies)
        "scan": _timed(lambda: ind.scan_dashboard(), rounds),
        "raw": _raw(path, rounds),
        "outcomes": _timed(lambda: ind.outcomes(), max(rounds // 5, 1)),
        "past": [_timed(lambda d=d: ind.dashboard(d), 1)[0] for d in past],
    }
    out["screen"] = asyncio.run(_screen(path, max(rounds // 2, 3)))
    # a bare screen of as many Statics, one a DataTable given as many rows, no services
    from bench.ui import _bare

    rows = len(ind.dashboard().counts)
    out["bare_screen"] = asyncio.run(_bare(max(NODES), 0, rows, max(rounds // 2, 3)))
    out["screen_nodes"] = [max(NODES)]
    return out


def main(argv: list[str]) -> int:
    print(json.dumps(measure(Path(argv[0]), int(argv[1]), int(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
