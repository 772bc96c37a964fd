"""Issue 19: the fast import leaves the derived state as `check` derives it, the kept
indicator history included, and gives the pooled connection its own page cache back."""

from __future__ import annotations

import datetime as dt
import gc
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from console.clock import FixedClock
from console.services import Services, transfer
from console.services.health_dto import HealthInput
from console.services.transfer import ImportRejected
from db import bulk
from tests.services.derived_helpers import staff
from tests.services.test_transfer import HEADER, NUMBERS, rows, write


def test_an_import_into_a_caseload_with_history_leaves_check_clean(
    services: Services, engine: sa.Engine, clock: FixedClock, tmp_path: Path
) -> None:
    """A new patient has no records, so no history of their own; once they have some, the
    one cache refresh gives them theirs and `check` still recounts the same."""
    services.demo.load(40, seed=5)
    assert services.caches.check().clean
    before = services.caches.check().patients
    services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS)]))
    result = services.caches.check()
    assert result.patients == before + len(NUMBERS)
    assert (result.mismatches, result.tallies, result.history) == ((), (), ())
    clin = staff(engine, clock, "clinician")  # type: ignore[arg-type]
    [imported] = clin.patients.search("Family3").rows
    since = clock.today() - dt.timedelta(days=200)
    clin.episodes.start(imported.id, since)
    clin.health.record(imported.id, HealthInput("naloxone", since, "nasal (Nyxoid)"))
    assert services.caches.history() == []
    assert services.caches.check().clean


@pytest.fixture
def cache_sizes(engine: sa.Engine) -> dict[str, list[int]]:
    """The SQLite page cache (PRAGMA cache_size) of each connection as it goes back to the
    pool, and of the connection as it inserts patients."""
    if engine.dialect.name != "sqlite":
        pytest.skip("the page cache is SQLite's")
    seen: dict[str, list[int]] = {"pooled": [], "inserting": []}

    def size(dbapi_connection: Any) -> int:
        return int(dbapi_connection.execute("PRAGMA cache_size").fetchone()[0])

    @sa.event.listens_for(engine, "checkin")
    def _checkin(dbapi_connection: Any, _record: Any) -> None:
        seen["pooled"].append(size(dbapi_connection))

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _insert(conn: sa.Connection, cursor: Any, sql: str, *_: Any) -> None:
        if sql.startswith('INSERT INTO "patient"') or sql.startswith("INSERT INTO patient"):
            seen["inserting"].append(size(cursor.connection))

    with engine.connect() as conn:
        seen["default"] = [int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())]
    seen["pooled"].clear()
    return seen


def test_the_pool_gets_its_page_cache_back_after_an_import(
    services: Services, tmp_path: Path, cache_sizes: dict[str, list[int]]
) -> None:
    [default] = cache_sizes["default"]
    services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS)]))
    assert cache_sizes["inserting"] and all(s < default for s in cache_sizes["inserting"])
    assert cache_sizes["pooled"] and set(cache_sizes["pooled"]) == {default}


def test_the_pool_gets_its_page_cache_back_after_a_refused_import(
    services: Services,
    tmp_path: Path,
    cache_sizes: dict[str, list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(transfer, "BATCH", 2)  # two batches written before the bad row
    [default] = cache_sizes["default"]
    lines = [HEADER, *rows(NUMBERS[:5]), "9990000042,Last,Row,31/02/1980,,,,,,,,,"]
    with pytest.raises(ImportRejected):
        services.transfer.import_patients(write(tmp_path, lines))
    assert cache_sizes["inserting"]  # the rows before the bad one went in, then back out
    assert cache_sizes["pooled"] and set(cache_sizes["pooled"]) == {default}
    assert services.patients.counts()[0] == 0


def test_the_collector_runs_again_after_an_import_and_a_refused_one(
    services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import holds the interpreter's cyclic collections off while it reads and
    writes; they run again after it, whether it was committed or refused."""
    held: list[bool] = []
    insert = bulk.TableWriter.insert

    def noting(self: bulk.TableWriter, rows: list[tuple[object, ...]], **kw: int) -> int:
        if self.table.name == "patient":
            held.append(not gc.isenabled())
        return insert(self, rows, **kw)

    monkeypatch.setattr(bulk.TableWriter, "insert", noting)
    monkeypatch.setattr(transfer, "BATCH", 2)
    assert gc.isenabled()
    services.transfer.import_patients(write(tmp_path, [HEADER, *rows(NUMBERS[:3])]))
    assert held == [True, True] and gc.isenabled()
    lines = [HEADER, *rows(NUMBERS[3:5]), "9990000042,Last,Row,31/02/1980,,,,,,,,,"]
    with pytest.raises(ImportRejected):
        services.transfer.import_patients(write(tmp_path, lines))
    assert held == [True, True, True] and gc.isenabled()
