"""Each migration from empty, the revision check, and the schema matching the models."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import db.models
from db import migrate
from db.engine import make_engine, writer

db.models.load_all()  # every table, the deferred ones too


def test_head_constant_matches_the_scripts() -> None:
    assert migrate.script_head() == migrate.HEAD
    assert migrate.KNOWN[-1] == migrate.HEAD


def test_upgrade_from_empty_creates_every_table(db_url: str) -> None:
    # db_url is already migrated from the template; build one from nothing as well.
    engine = make_engine(db_url, create=False) if db_url.startswith("sqlite") else None
    if engine is None:
        engine = make_engine(db_url)
    assert migrate.schema_state(engine) is migrate.SchemaState.CURRENT
    tables = set(sa.inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"
    engine.dispose()


def test_each_revision_upgrades_from_empty(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "steps.db")
    assert migrate.schema_state(engine) is migrate.SchemaState.EMPTY
    for revision in migrate.KNOWN:
        migrate.upgrade(engine, revision)
        assert migrate.current_revision(engine) == revision
    assert migrate.schema_state(engine) is migrate.SchemaState.CURRENT
    engine.dispose()


def test_a_database_from_newer_code_is_recognised(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "newer.db")
    migrate.upgrade(engine)
    with writer(engine).begin() as conn:  # behind the product: as a newer version would leave it
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999_future'")
    assert migrate.schema_state(engine) is migrate.SchemaState.NEWER
    engine.dispose()


def test_backup_before_upgrade_is_a_checked_private_copy(tmp_path: Path) -> None:
    engine = make_engine(tmp_path / "old.db")
    migrate.upgrade(engine)
    with writer(engine).begin() as conn:  # a row to find in the copy: the schema layer, no services
        conn.exec_driver_sql(
            "INSERT INTO staff (login, name, roles, active, version) "
            "VALUES ('a', 'A', 'admin', 1, 1)"
        )
    saved = migrate.backup_before_upgrade(engine, lambda _copy: "")
    assert saved is not None and saved.exists()
    assert saved.stat().st_mode & 0o077 == 0
    copy = sa.create_engine(f"sqlite:///{saved}")
    with copy.connect() as conn:
        assert conn.exec_driver_sql("SELECT login FROM staff").scalar() == "a"
        assert (
            conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == migrate.HEAD
        )
    copy.dispose()
    engine.dispose()
