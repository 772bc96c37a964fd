"""Alembic environment, run from code by db/migrate.py (never from an alembic.ini)."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import db.models

db.models.load_all()  # every table in SQLModel.metadata

config = context.config
target_metadata = SQLModel.metadata


def run_migrations() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=True,  # SQLite lacks most ALTER TABLE; a no-op on PostgreSQL
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
