"""Start-up loads only what the first page needs (issue 19): on SQLite no PostgreSQL
dialect, no ORM mapper configured and no care plan or review table loaded before the
list's first page is read (the App loads and configures them after its first frame).
Checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from console.clock import FixedClock
from console.services import Services
from console.services.dto import PatientInput

# Tables and rules the first page does not use, loaded after the first frame.
DEFERRED = (
    "db.models.audit",
    "db.models.careplan",
    "db.models.history",
    "db.models.letter",
    "db.models.linkage",
    "db.models.records",
    "db.models.review",
    "db.models.tally",
    "console.rules.top",
)
# Loaded only by the first write that needs them.
ON_USE = (
    "console.services.tallies",
    "console.services.history_tallies",
    "console.services.treatment_dto",
)
CHILD = (
    f"DEFERRED = {DEFERRED!r}\nON_USE = {ON_USE!r}\n"
    + """
import json, sys
import pendulum
from sqlalchemy.orm import mapperlib
from console.clock import FixedClock
from console.services import Services
from db.engine import make_engine

services = Services(make_engine(sys.argv[1], create=False), login="tester",
                    clock=FixedClock(pendulum.datetime(2026, 11, 23, 10, tz="Europe/London")))
services.identify()
practice = services.practice.get()
page = services.patients.search("")
pending = any(r._new_mappers for r in mapperlib._all_registries())
deferred = sorted(m for m in DEFERRED if m in sys.modules)
on_use = sorted(m for m in ON_USE if m in sys.modules)
services.warm_up()
print(json.dumps({
    "rows": len(page.rows),
    "postgresql": "sqlalchemy.dialects.postgresql" in sys.modules,
    "pending_before_warm_up": pending,
    "pending_after": any(r._new_mappers for r in mapperlib._all_registries()),
    "deferred_before_warm_up": deferred,
    "on_use_before_warm_up": on_use,
    "deferred_after": sorted(m for m in DEFERRED if m in sys.modules),
}))
"""
)


def test_first_page_needs_no_mapper_and_no_postgresql_dialect(
    sqlite_url: str, clock: FixedClock
) -> None:
    from db.engine import make_engine

    engine = make_engine(sqlite_url, create=False)
    services = Services(engine, login="tester", clock=clock)
    services.identify()
    services.practice.set_up("Wakefield Road Surgery")
    services.patients.register(PatientInput("943 476 5919", "Quarrington", "Leah", "12/03/1980"))
    engine.dispose()
    root = Path(__file__).resolve().parent.parent
    ran = subprocess.run(
        [sys.executable, "-c", CHILD, sqlite_url.removeprefix("sqlite:///")],
        capture_output=True, text=True, cwd=root, check=False,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    seen = json.loads(ran.stdout.strip().splitlines()[-1])
    assert seen["rows"] == 1
    assert seen["postgresql"] is False
    assert seen["pending_before_warm_up"] is True
    assert seen["pending_after"] is False
    assert seen["deferred_before_warm_up"] == []
    assert seen["on_use_before_warm_up"] == []
    assert seen["deferred_after"] == sorted(DEFERRED)  # every mapper configured needs them
