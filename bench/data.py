"""The benchmark database: built once by `demo`, cached outside the repository's tracked
files, keyed by patient count, seed and schema revision.

A run never writes a cached file: every figure works on a private working copy
(`working_copy`) or opens the cache read-only. When only an older revision is cached,
a copy of it is upgraded by the migrations and cached under the new key (the old file
is left as it was)."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pendulum

from console.clock import FixedClock
from console.services import Services
from db.engine import make_engine
from db.migrate import HEAD, KNOWN, upgrade

CACHE = Path(os.environ.get("RC_BENCH_CACHE", Path(__file__).parent / ".cache"))
TODAY = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
LOGIN = "bench"


def cached_name(patients: int, seed: int, revision: str) -> str:
    # "derived": every row cache by the one derivation (older files kept the generator's)
    return f"demo-{patients}-s{seed}-{revision}-derived.db"


def database(patients: int, seed: int = 1, cache: Path | None = None) -> tuple[Path, str | None]:
    """The cached database path, and how it was made when it had to be made now."""
    cache = cache or CACHE
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = cache / cached_name(patients, seed, HEAD)
    if path.exists():
        return path, None
    partial = path.with_suffix(".building")
    for leftover in cache.glob(partial.name + "*"):
        leftover.unlink()
    for revision in reversed(KNOWN[:-1]):
        older = cache / cached_name(patients, seed, revision)
        if older.exists():
            started = time.perf_counter()
            copy_database(older, partial)
            engine = make_engine(partial, create=False)
            upgrade(engine)
            engine.dispose()
            partial.rename(path)
            return path, f"upgraded from {revision} in {time.perf_counter() - started:.1f} s"
    engine = make_engine(partial)
    upgrade(engine)
    services = Services(engine, login=LOGIN, clock=FixedClock(TODAY))
    services.identify()
    started = time.perf_counter()
    services.demo.load(patients, seed=seed)
    elapsed = time.perf_counter() - started
    engine.dispose()
    partial.rename(path)
    return path, f"built by demo in {elapsed:.1f} s"


def copy_database(source: Path, target: Path) -> Path:
    """SQLite's backup API from a read-only open of `source`: the source is not written."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    target.chmod(0o600)
    return target


def written_back(path: Path) -> Path:
    """The copy's pages on disk before a timed write: a practice's import does not follow
    a 2.6 GB copy, and its commit's first fsync would wait for that copy's writeback
    (about 1.2 s, for the console and the raw baseline alike)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def working_copy(path: Path, into: Path, name: str = "work.db") -> Path:
    """A private copy of the cached database for one run: every figure that opens,
    writes or audits works on a copy, never on the cache."""
    return copy_database(path, into / name)


def services_for(path: Path) -> Services:
    services = Services(make_engine(path, create=False), login=LOGIN, clock=FixedClock(TODAY))
    services.identify()
    return services


def add_cli_login(path: Path) -> str:
    """The OS account the command line runs as, added through the staff service to a
    working copy as admin, so commands run as the practice runs them. Returns the login."""
    from console.identity import os_login

    login = os_login()
    services = services_for(path)
    if login != LOGIN:
        services.staff_admin.add(login, "Benchmark operator", ["admin", "clinician"])
    services.engine.dispose()
    return login
