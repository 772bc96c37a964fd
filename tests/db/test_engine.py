"""The SQLite settings a clinical record depends on, checked on real files.

Below the product on purpose: these write the tests' own scratch tables by SQL."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from db.engine import UnsafeDatabaseError, make_engine, writer


def test_new_file_is_owner_only_with_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    engine = make_engine(path)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    engine.dispose()


def test_wal_and_shm_files_are_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        path = tmp_path / "journal.db"
        engine = make_engine(path)
        with writer(engine).begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            for suffix in ("-wal", "-shm"):
                side = Path(f"{path}{suffix}")
                assert side.exists()
                assert stat.S_IMODE(side.stat().st_mode) & 0o077 == 0
        engine.dispose()
    finally:
        os.umask(old)


def test_world_readable_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "open.db"
    make_engine(path).dispose()
    path.chmod(0o644)
    with pytest.raises(UnsafeDatabaseError, match="every user"):
        make_engine(path)


def test_group_readable_database_without_configured_group_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "group.db"
    make_engine(path).dispose()
    path.chmod(0o640)
    with pytest.raises(UnsafeDatabaseError, match="group"):
        make_engine(path)


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "fk.db")
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE p (id INTEGER PRIMARY KEY)")
        conn.exec_driver_sql("CREATE TABLE c (id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id))")
    with pytest.raises(sa.exc.IntegrityError), writer(engine).begin() as conn:
        conn.exec_driver_sql("INSERT INTO c VALUES (1, 99)")
    engine.dispose()


def test_writes_begin_immediate_and_reads_stay_deferred(tmp_path: Path) -> None:
    """A writer holds the write lock from BEGIN; a reader never takes it."""
    path = tmp_path / "locks.db"
    engine = make_engine(path)
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    other = make_engine(path)
    with other.connect() as probe:
        probe.exec_driver_sql("PRAGMA busy_timeout=0")
    started = threading.Event()
    release = threading.Event()

    def hold_write() -> None:
        with writer(engine).begin() as conn:
            conn.exec_driver_sql("SELECT 1")  # no write yet: IMMEDIATE already locked
            started.set()
            release.wait(5)

    thread = threading.Thread(target=hold_write)
    thread.start()
    started.wait(5)
    raw = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    with raw.connect() as conn:
        # Reads go on while the writer holds its lock…
        assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
        # …but a second writer cannot start.
        with pytest.raises(sa.exc.OperationalError, match="locked"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
    release.set()
    thread.join()
    # A plain read transaction through the engine does not take the write lock.
    with engine.connect() as reader:
        reader.exec_driver_sql("SELECT count(*) FROM t")
        with raw.connect() as conn:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            conn.exec_driver_sql("ROLLBACK")
    raw.dispose()
    other.dispose()
    engine.dispose()


def test_network_filesystem_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsafeDatabaseError, match="network filesystem"):
        make_engine(tmp_path / "remote.db", probe=lambda _path: "nfs4")
    make_engine(tmp_path / "local.db").dispose()  # the same place on a local disk is fine
    with pytest.raises(UnsafeDatabaseError, match="network filesystem"):  # opening, too
        make_engine(tmp_path / "local.db", create=False, probe=lambda _path: "cifs")
