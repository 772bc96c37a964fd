"""The benchmark database: built once by `demo`, cached outside the repository's tracked
files, keyed by patient count, seed and schema revision."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pendulum

from console.clock import FixedClock
from console.services import Services
from db.engine import make_engine
from db.migrate import HEAD, upgrade

CACHE = Path(os.environ.get("RC_BENCH_CACHE", Path(__file__).parent / ".cache"))
TODAY = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
LOGIN = "bench"


def database(patients: int, seed: int = 1) -> tuple[Path, float | None]:
    """The cached database path, and the build time when it had to be built now."""
    CACHE.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = CACHE / f"demo-{patients}-s{seed}-{HEAD}.db"
    if path.exists():
        return path, None
    partial = path.with_suffix(".building")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    engine = make_engine(partial)
    upgrade(engine)
    services = Services(engine, login=LOGIN, clock=FixedClock(TODAY))
    services.identify()
    started = time.perf_counter()
    services.demo.load(patients, seed=seed)
    elapsed = time.perf_counter() - started
    engine.dispose()
    partial.rename(path)
    return path, elapsed


def services_for(path: Path) -> Services:
    services = Services(make_engine(path, create=False), login=LOGIN, clock=FixedClock(TODAY))
    services.identify()
    return services
