"""Programmatic Alembic: create or upgrade a database, and compare its revision with the code's."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest revision this code knows; a test checks it against the scripts' head.
HEAD = "0020_worklist_drift_index"
KNOWN = (
    "0001_baseline",
    "0002_given_name_index",
    "0003_top_not_answered",
    "0004_checkups",
    "0005_review_new_medicine",
    "0006_date_of_death",
    "0007_review_draft_texts",
    "0008_alert_caches",
    "0009_admin_details",
    "0010_audit_patients",
    "0013_template_history",
    "0014_pharmacy_letter",
    "0015_top_change",
    "0016_indicator_caches",
    "0018_history_indexes",  # merged before 0017, which follows it
    "0017_indicator_tallies",
    "0019_indicator_history",
    "0020_worklist_drift_index",
)


class SchemaState(Enum):
    EMPTY = "empty"
    OLDER = "older"
    CURRENT = "current"
    NEWER = "newer"


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not sa.inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def schema_state(engine: Engine) -> SchemaState:
    revision = current_revision(engine)
    if revision is None:
        return SchemaState.EMPTY
    if revision == HEAD:
        return SchemaState.CURRENT
    if revision in KNOWN:
        return SchemaState.OLDER
    return SchemaState.NEWER


def _config(connection: sa.Connection):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    from db.engine import writer

    with writer(engine).begin() as conn:
        command.upgrade(_config(conn), revision)


def script_head() -> str:
    from alembic.script import ScriptDirectory

    cfg = _config(None)  # type: ignore[arg-type]
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


class BackupCheckFailed(RuntimeError):
    """The copy taken before an upgrade is not good; the upgrade does not go ahead."""


# Checks a backup's audit chain: the problem found, or "" (console.services.audit does
# the walking; the db layer does not import the services).
AuditCheck = Callable[[Engine], str]


def backup_before_upgrade(engine: Engine, check_audit: AuditCheck) -> Path | None:
    """A consistent copy (VACUUM INTO, never a file copy) checked before migrating:
    `PRAGMA integrity_check` and the whole audit chain (SPEC §7)."""
    from db.engine import sqlite_path

    path = sqlite_path(str(engine.url))
    if path is None:
        return None
    target = path.with_name(f"{path.name}.before-{current_revision(engine)}.bak")
    target.unlink(missing_ok=True)
    raw = engine.raw_connection()  # VACUUM cannot run inside the engine's BEGIN
    try:
        raw.driver_connection.execute("VACUUM INTO ?", (str(target),))  # type: ignore[union-attr]
    finally:
        raw.close()
    target.chmod(0o600)
    check = sa.create_engine(f"sqlite:///{target}")
    try:
        with check.connect() as conn:
            if conn.exec_driver_sql("PRAGMA integrity_check").scalar() != "ok":
                raise BackupCheckFailed(
                    "the backup taken before upgrading failed its integrity check"
                )
        problem = check_audit(check)
    finally:
        check.dispose()
    if problem:
        raise BackupCheckFailed(
            f"the backup taken before upgrading has a damaged audit log ({problem}); "
            "the database was not upgraded"
        )
    return target


def downgrade(engine: Engine, revision: str) -> None:
    """Back to an older revision (tests of a migration's fill of existing rows)."""
    from alembic import command

    from db.engine import writer

    with writer(engine).begin() as conn:
        command.downgrade(_config(conn), revision)
