"""Start-up: import cost of the console against a bare Textual app with the same imports."""

from __future__ import annotations

import subprocess
import sys
import time

BARE = "import textual.app, sqlmodel, pendulum"
# What `recovery-console` imports before its first frame (the other screens load later).
OURS = (
    "import console.cli, console.config, console.services, console.services.patients, "
    "console.services.practice, db.engine, db.migrate, console.app"
)


def _time(code: str, runs: int = 5) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - started)
    return best * 1000


def run() -> None:
    bare = _time(BARE)
    ours = _time(OURS)
    print(
        f"{'imports to start the console':<34} {ours:7.0f} ms   "
        f"bare textual+sqlmodel+pendulum {bare:5.0f} ms   ratio {ours / bare:4.2f}x"
    )
