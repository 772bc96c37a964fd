"""Practice indicators (issue 17): the dashboard, key → painted frame in the console at
80x24; the service alone (from the kept tallies) and the same numbers by one pass over
the caches; the start-TOP outcomes; each beside a raw sqlite3 run of the same numerators'
one select (the SUM(CASE …) pass over `patient` that the service builds, compiled with
its dates and run without the service); and a past as-at date (the service's sum of the
kept indicator history) beside the as-at select over the source tables run raw.

Run as a child process on a working copy, printing JSON (milliseconds):

    python -m bench.indicators COPY ROUNDS PAST_ROUNDS
    python -m bench.indicators --past COPY DATES DERIVED   # past dates alone
    python -m bench.indicators --screen COPY ROUNDS        # the screen and its bare screen

The screen figure takes ROUNDS samples (the first of them the dashboard's first open in
the process), and so does its bare screen, one after the other in the same child.
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


def _past_raw(path: Path, days: list[dt.date]) -> list[float]:
    """The as-at select of each past date (db.queries.indicator_asat: every count in
    one statement), compiled with its literal dates, run by sqlite3 (read-only)."""
    from sqlalchemy.dialects import sqlite

    from console.rules import indicators as rules
    from db.queries import indicator_asat as qa

    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    most = conn.execute("SELECT MAX(checkups_planned) FROM patient").fetchone()[0] or 0
    out = []
    try:
        for day in days:
            lim = rules.limits(day)
            x = qa.inputs_select(lim, None, max(most, 8))
            stmt, _ = qa.counts_select(x, lim)
            sql = str(
                stmt.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True})
            )
            out += _timed(lambda sql=sql: conn.execute(sql).fetchall(), 1)
    finally:
        conn.close()
    return out


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
        "past_raw": _past_raw(path, past),
    }
    return out | screen_only(path, rounds)


def screen_only(path: Path, rounds: int) -> dict[str, Any]:
    """The dashboard, key → painted, beside a bare screen of its shape: as many nodes,
    one of them a bare line-drawn table given as many rows, filled as it mounts (the
    dashboard reads today's tallies in `on_mount`, no worker), no services, no CSS."""
    from bench.ui import _bare
    from console.rules import indicators as rules

    out: dict[str, Any] = {"screen": asyncio.run(_screen(path, max(rounds, 3)))}
    rows = len(rules.KEYS)
    out["bare_screen"] = asyncio.run(_bare(max(NODES), 0, rows, max(rounds, 3), at_mount=True))
    out["screen_nodes"] = [max(NODES)]
    return out


def past_only(path: Path, dates: int, derived: int) -> dict[str, Any]:
    """Past month ends alone: the service (wall and CPU), its as-at select run raw, and
    for the first `derived` dates the Python derivation (the check), asserted equal."""
    from console.services.indicators import IndicatorService

    ind = IndicatorService(data.services_for(path))
    today = data.TODAY.date()
    ends = [today.subtract(months=n + 1).end_of("month") for n in range(dates)]
    names = ("past", "past_cpu", "raw", "sql", "derived", "trend")
    out: dict[str, list[float]] = {k: [] for k in names}
    for n, day in enumerate(dt.date(d.year, d.month, d.day) for d in ends):
        cpu, started = time.process_time(), time.perf_counter()
        board = ind.dashboard(day)
        out["past"].append((time.perf_counter() - started) * 1000)
        out["past_cpu"].append((time.process_time() - cpu) * 1000)
        out["raw"] += _past_raw(path, [day])
        if n == 0:  # the as-at SQL service path the kept history replaced (its check)
            started = time.perf_counter()
            sql = ind.history_dashboard(day, sql=True)
            out["sql"].append((time.perf_counter() - started) * 1000)
            assert (sql.counts, sql.ost_bands) == (board.counts, board.ost_bands), day
        if n < derived:
            started = time.perf_counter()
            check = ind.history_dashboard(day)
            out["derived"].append((time.perf_counter() - started) * 1000)
            assert (check.counts, check.ost_bands) == (board.counts, board.ost_bands), day
    started = time.perf_counter()
    ind.trend()  # the 12-month trend: twelve dates
    out["trend"].append((time.perf_counter() - started) * 1000)
    return out


def main(argv: list[str]) -> int:
    if argv[0] == "--past":  # python -m bench.indicators --past COPY DATES DERIVED
        print(json.dumps(past_only(Path(argv[1]), int(argv[2]), int(argv[3]))))
        return 0
    if argv[0] == "--screen":  # python -m bench.indicators --screen COPY ROUNDS
        print(json.dumps(screen_only(Path(argv[1]), int(argv[2]))))
        return 0
    print(json.dumps(measure(Path(argv[0]), int(argv[1]), int(argv[2]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
