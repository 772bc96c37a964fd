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
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from bench import data
from bench.search import keystrokes
from bench.stats import line, pct
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
# A typist at 100 words a minute presses a key about every 120 ms; "back to back" sends the
# next key the moment the previous page is on screen (an impossible 50+ keys a second),
# which measures the frame clock more than the console.
TYPING_GAP_S = 0.120


@dataclass
class KeyTimes:
    """One keystroke, in ms from the key reaching the app."""

    total: float  # the frame that carries this text's page has been painted and encoded
    ready: float  # the page was handed to the list (input, worker, query, message)
    wait: float  # page ready → that frame starts: Textual's frame clock (60 a second)
    paint: float  # composing that frame and encoding it as terminal output


async def _type_through_screen(path: Path, typed: list[str], gap: float) -> list[KeyTimes]:
    from textual import events

    from console.app import RecoveryConsole
    from screens.widgets.patient_table import PatientTable

    app = RecoveryConsole(data.services_for(path))
    timings: list[KeyTimes] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(PatientTable)
        ready: dict[str, float] = {}
        drawn = asyncio.Event()
        waiting_for = ""
        frames: list[tuple[float, float, set[str]]] = []  # start, end, texts shown before it
        original_show = table.show_page

        def show_page(page, **kwargs):  # type: ignore[no-untyped-def]
            original_show(page, **kwargs)
            ready.setdefault(page.query, time.perf_counter())

        table.show_page = show_page  # type: ignore[method-assign]
        # Private hooks, bench only: the call that sends a frame out, and the terminal
        # output it would write (the headless driver skips encoding; a terminal does not).
        paint = screen._compositor_refresh
        display = app._display

        def painted() -> None:
            started = time.perf_counter()
            paint()
            frames.append((started, time.perf_counter(), set(ready)))
            if waiting_for in ready:
                drawn.set()  # wake the typist without polling (polling takes the GIL)

        def encode(target, renderable):  # type: ignore[no-untyped-def]
            display(target, renderable)
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)

        screen._compositor_refresh = painted  # type: ignore[method-assign]
        app._display = encode  # type: ignore[method-assign]
        await pilot.press("slash")
        search = screen.query_one("#search")
        previous = ""
        for text in typed:
            if not text.startswith(previous) or len(text) != len(previous) + 1:
                await pilot.press("ctrl+u")  # a new word: clear the box, as staff do
                await app.workers.wait_for_complete()
                await pilot.pause()
                previous = ""
            if gap:
                await asyncio.sleep(gap)
            key = text[-1]
            ready.clear()
            frames.clear()
            drawn.clear()
            waiting_for = text
            # The key goes in as the terminal would send it (Pilot.press waits for idle
            # screens and would measure its own waiting); the clock stops when a frame
            # painted after this text's page reached the list has been encoded.
            started = time.perf_counter()
            search.post_message(events.Key(key, key))
            try:
                await asyncio.wait_for(drawn.wait(), 5)
            except TimeoutError:
                raise RuntimeError(f"no page on screen for {text!r}") from None
            done = next(f for f in frames if text in f[2])
            page_at = ready[text]
            timings.append(
                KeyTimes(
                    total=(done[1] - started) * 1000,
                    ready=(page_at - started) * 1000,
                    wait=max(done[0] - page_at, 0) * 1000,
                    paint=(done[1] - done[0]) * 1000,
                )
            )
            previous = text
    return timings


def keystroke_screen(path: Path) -> None:
    typed = keystrokes() * 3
    raw = sqlite3.connect(path)
    base = [_raw_page(raw, text) for text in typed]
    raw.close()
    for label, gap in (("typing", TYPING_GAP_S), ("back to back", 0.0)):
        times = asyncio.run(_type_through_screen(path, typed, gap))
        print(line(f"keystroke → list, {label} ({len(typed)})", [t.total for t in times], base))
        parts = (
            ("key → page in the list", [t.ready for t in times]),
            ("frame clock wait (Textual)", [t.wait for t in times]),
            ("paint + encode the frame", [t.paint for t in times]),
        )
        for name, values in parts:
            p50, p95 = statistics.median(values), pct(values, 95)
            print(f"  {name:<32} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")


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
# The console's own start-up path (settings, engine, schema check, identity, the App),
# headless at 80x24, signed in as the benchmark database's member of staff. Each child
# prints wall-clock stamps: DB open done, then the first list page on screen.
CHILD = """
import time
import asyncio, sys
from console import cli, config, identity

identity.os_login = lambda *a: "bench"
settings = config.load(sys.argv[1])
services, bootstrapped = cli._open(settings, create=False, command=None)
print(time.time(), flush=True)
from textual.screen import Screen
from console.app import RecoveryConsole
from screens.widgets.patient_table import PatientTable

shown = asyncio.Event()
paint = Screen._compositor_refresh

def painted(screen):
    paint(screen)
    if not shown.is_set() and any(t.rows for t in screen.query(PatientTable)):
        print(time.time(), flush=True)
        shown.set()

Screen._compositor_refresh = painted

async def main():
    async with RecoveryConsole(services, bootstrapped=bootstrapped).run_test(size=(80, 24)):
        await shown.wait()
asyncio.run(main())
"""
CHILD_BARE = """
import time
import asyncio, sys
import sqlmodel, pendulum
print(time.time(), flush=True)
from textual.app import App
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

shown = asyncio.Event()
paint = Screen._compositor_refresh

def painted(screen):
    paint(screen)
    if not shown.is_set():
        print(time.time(), flush=True)
        shown.set()

Screen._compositor_refresh = painted

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

async def main():
    async with Bare().run_test(size=(80, 24)):
        await shown.wait()
asyncio.run(main())
"""


def _spawn(code: str, path: Path) -> list[float]:
    """Milliseconds from spawning the interpreter to each stamp the child prints."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True, env=env
    ).stdout
    return [(float(stamp) - started) * 1000 for stamp in out.split()]


def start_to_list(path: Path, runs: int = 7) -> None:
    ours: list[list[float]] = []
    base: list[float] = []
    for _ in range(runs):  # alternate, so both see the same load on a shared machine
        ours.append(_spawn(CHILD, path))
        base.append(_spawn(CHILD_BARE, path)[-1])
    totals = [stamps[-1] for stamps in ours]
    print(line(f"start → first list page ({runs} runs)", totals, base))
    print("  (baseline: a bare Textual app importing sqlmodel and pendulum, to its first frame;")
    print("   ours: the CLI's start-up path to the first frame showing a page of patients)")
    opened = [stamps[0] for stamps in ours]
    app = [stamps[1] - stamps[0] for stamps in ours]
    for name, values in (("interpreter, imports, DB open", opened), ("App start → page", app)):
        p50, p95 = statistics.median(values), pct(values, 95)
        print(f"  {name:<32} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms")


def run(path: Path) -> None:
    summary_open(path)
    keystroke_screen(path)
    start_to_list(path)


if __name__ == "__main__":
    patients = int(os.environ.get("RC_BENCH_PATIENTS", "260000"))
    run(data.database(patients)[0])
