"""Several console processes writing to one database at once (SPEC §7, §8)."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy.engine import Engine

from console.services import Services

PROCESSES = 8
ROUNDS = 25


def test_parallel_writers_lose_nothing_and_keep_the_chain(
    services: Services, engine: Engine, db_url: str
) -> None:
    services.practice.set_up("Moorside Surgery")
    services.staff_admin.add("writer", "Writer", ["admin"])
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.services.concurrent_writer",
                db_url,
                "writer",
                str(w),
                str(ROUNDS),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(PROCESSES)
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        assert "locked" not in err
    with engine.connect() as conn:
        patients = conn.exec_driver_sql("SELECT count(*) FROM patient").scalar()
        version = conn.exec_driver_sql("SELECT version FROM practice_settings").scalar()
    assert patients == PROCESSES * ROUNDS
    # set_up leaves version 1; every update_name added exactly one.
    assert version == 1 + PROCESSES * ROUNDS
    result = services.audit_log.verify()
    assert result.ok, result.problem
    # bootstrap, set-up, staff add, then two events per round per process
    assert result.events == 3 + 2 * PROCESSES * ROUNDS
