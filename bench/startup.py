"""Start → interactive list, beside a bare Textual app importing textual, sqlmodel and
pendulum (what the console needs to show the list; ReportLab loads lazily), SPEC §8.

Each sample is a fresh interpreter. The console child takes the CLI's own start-up path
(settings, engine, schema check, identity as the benchmark's member of staff, the App
headless at 80x24) on a working copy; the clock stops when the first frame showing a page
of patients has been written and encoded (bench.frames). The bare child stops at its first
frame written the same way. Both print their peak RSS (VmHWM) too: the bare app's is the baseline
for the console's memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

CONSOLE = """
import time, asyncio, sys
from console import cli, config, identity

identity.os_login = lambda *a: "bench"
settings = config.load(sys.argv[1])
services, bootstrapped = cli._open(settings, create=False, command=None)
from bench.frames import Frames
from console.app import RecoveryConsole
from screens.widgets.patient_table import PatientTable

frames = Frames()

async def main():
    app = RecoveryConsole(services, bootstrapped=bootstrapped)
    frames.event = asyncio.Event()
    frames.ready = lambda: any(t.rows for t in app.screen.query(PatientTable))
    async with app.run_test(size=(80, 24)):
        await frames.event.wait()
        print(time.time() - (time.perf_counter() - frames.done_at), flush=True)
asyncio.run(main())
from bench.commands import hwm_mb
print(hwm_mb())
"""
BARE = """
import time, asyncio, sys
import textual, sqlmodel, pendulum
from bench.frames import Frames
from textual.app import App
from textual.widgets import Footer, Header, Static

frames = Frames()

class Bare(App):
    def compose(self):
        yield Header()
        yield Static("hello")
        yield Footer()

async def main():
    app = Bare()
    frames.event = asyncio.Event()
    frames.ready = lambda: True
    async with app.run_test(size=(80, 24)):
        await frames.event.wait()
        print(time.time() - (time.perf_counter() - frames.done_at), flush=True)
asyncio.run(main())
from bench.commands import hwm_mb
print(hwm_mb())
"""


def _spawn(code: str, path: Path) -> tuple[float, float]:
    """Milliseconds from spawning the interpreter to its first frame, and its peak RSS."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    ).stdout.split()
    return (float(out[0]) - started) * 1000, float(out[1])


def measure(path: Path, runs: int = 5) -> dict[str, list[float]]:
    ours: list[float] = []
    bare: list[float] = []
    bare_rss: list[float] = []
    for _ in range(runs):  # alternate, so both see the same load on a shared machine
        ours.append(_spawn(CONSOLE, path)[0])
        ms, rss = _spawn(BARE, path)
        bare.append(ms)
        bare_rss.append(rss)
    return {"startup": ours, "startup_bare": bare, "bare_rss": bare_rss}
