"""End-to-end figures, each beside the raw SQLite query for the same rows:

- a search keystroke through the real patient list screen (App.run_test: type into
  #search, wait for the worker and the table's refresh);
- opening a patient summary (SummaryService.open: every section, its alerts, audited);
- start to an interactive list (a subprocess launching the app headless until the first
  page is on screen), beside a bare Textual app with the same imports (SPEC §8).
"""

from __future__ import annotations

import asyncio
import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench import data
from bench.search import keystrokes
from bench.stats import line
from console.rules.names import fold_key

RAW_PAGE = (
    "SELECT id, nhs_number, family_name, given_name, date_of_birth, status, next_review_due "
    "FROM patient WHERE family_key >= ? AND family_key < ? "
    "ORDER BY family_key, given_key, id LIMIT 61"
)
RAW_SUMMARY = (
    "SELECT * FROM patient WHERE id = ?",
    "SELECT * FROM episode WHERE patient_id = ? ORDER BY start_date",
    "SELECT * FROM prescription WHERE patient_id = ? ORDER BY start_date",
    "SELECT * FROM review WHERE patient_id = ? ORDER BY review_date",
    "SELECT * FROM health_check WHERE patient_id = ? ORDER BY check_date",
    "SELECT * FROM family_member WHERE patient_id = ?",
)


def _raw_page(raw: sqlite3.Connection, text: str) -> float:
    key = fold_key(text)
    started = time.perf_counter()
    raw.execute(RAW_PAGE, (key, key + "\U0010ffff")).fetchall()
    return (time.perf_counter() - started) * 1000


# -- keystrokes through the real list screen ----------------------------------------------
async def _type_through_screen(path: Path, typed: list[str]) -> list[float]:
    from textual import events

    from console.app import RecoveryConsole
    from screens.widgets.patient_table import PatientTable

    app = RecoveryConsole(data.services_for(path))
    timings: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one(PatientTable)
        shown: list[str] = []
        original = table.show_page

        def record(page, **kwargs):  # type: ignore[no-untyped-def]
            shown.append(page.query)
            return original(page, **kwargs)

        table.show_page = record  # type: ignore[method-assign]
        drawn: list[bool] = []
        screen = app.screen
        paint = screen._compositor_refresh  # private: the call that sends a frame out

        def painted() -> None:
            paint()
            drawn.append(True)

        screen._compositor_refresh = painted  # type: ignore[method-assign]
        await pilot.press("slash")
        search = app.screen.query_one("#search")
        previous = ""
        for text in typed:
            if not text.startswith(previous) or len(text) != len(previous) + 1:
                await pilot.press("ctrl+u")  # a new word: clear the box, as staff do
                await app.workers.wait_for_complete()
                await pilot.pause()
                previous = ""
            key = text[-1]
            # The key goes in as the terminal would send it (Pilot.press waits for idle
            # screens and would measure its own waiting); the clock stops when the page
            # for this text has been handed to the table and the next frame is drawn.
            started = time.perf_counter()
            search.post_message(events.Key(key, key))
            deadline = started + 5
            while (not shown or shown[-1] != text) and time.perf_counter() < deadline:
                await asyncio.sleep(0.0002)
            drawn.clear()  # show_page asks for a refresh; the next frame carries it
            while not drawn and time.perf_counter() < deadline:
                await asyncio.sleep(0.0002)
            if time.perf_counter() >= deadline:
                raise RuntimeError(f"no page on screen for {text!r}")
            timings.append((time.perf_counter() - started) * 1000)
            previous = text
    return timings


def keystroke_screen(path: Path) -> None:
    typed = keystrokes() * 3
    ours = asyncio.run(_type_through_screen(path, typed))
    raw = sqlite3.connect(path)
    base = [_raw_page(raw, text) for text in typed]
    raw.close()
    print(line(f"keystroke → list on screen ({len(typed)})", ours, base))


# -- summary open -----------------------------------------------------------------------
def summary_open(path: Path, count: int = 200) -> None:
    services = data.services_for(path)
    raw = sqlite3.connect(path)
    ids = [r[0] for r in raw.execute("SELECT id FROM patient")]
    chosen = random.Random(7).sample(ids, min(count, len(ids)))
    ours: list[float] = []
    base: list[float] = []
    for pid in chosen:
        started = time.perf_counter()
        services.summary.open(pid)
        ours.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for sql in RAW_SUMMARY:
            raw.execute(sql, (pid,)).fetchall()
        base.append((time.perf_counter() - started) * 1000)
    raw.close()
    print(line(f"summary open ({len(chosen)} patients)", ours, base))


# -- start to an interactive list -------------------------------------------------------
CHILD = """
import asyncio, sys, time
from bench import data
from console.app import RecoveryConsole
from screens.widgets.patient_table import PatientTable

async def main():
    app = RecoveryConsole(data.services_for(__import__('pathlib').Path(sys.argv[1])))
    async with app.run_test(size=(80, 24)) as pilot:
        while True:
            try:
                if app.screen.query_one(PatientTable).rows:
                    break
            except Exception:
                pass
            await asyncio.sleep(0.001)
        await pilot.pause()
        print(time.time(), flush=True)
asyncio.run(main())
"""
CHILD_BARE = """
import asyncio, sys, time
import sqlmodel, pendulum
from textual.app import App
from textual.widgets import Footer, Header, Static

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

async def main():
    async with Bare().run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        print(time.time(), flush=True)
asyncio.run(main())
"""


def _spawn(code: str, path: Path) -> float:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True, env=env
    ).stdout
    return (float(out.strip().splitlines()[-1]) - started) * 1000


def start_to_list(path: Path, runs: int = 5) -> None:
    ours = [_spawn(CHILD, path) for _ in range(runs)]
    base = [_spawn(CHILD_BARE, path) for _ in range(runs)]
    print(line(f"start → first list page ({runs} runs)", ours, base))
    print("  (baseline: a bare Textual app importing sqlmodel and pendulum, to first frame)")


def run(path: Path) -> None:
    summary_open(path)
    keystroke_screen(path)
    start_to_list(path)


if __name__ == "__main__":
    patients = int(os.environ.get("RC_BENCH_PATIENTS", "260000"))
    run(data.database(patients)[0])
