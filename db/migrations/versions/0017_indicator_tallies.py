"""Kept indicator tallies

Today's dashboard sums a few thousand `indicator_tally` rows instead of a pass over every
patient (issue 17): how many patients count in each of today's counts on the days lo..hi,
per keyworker, kept by the one cache refresh. The successful-completion measure gets a row
cache of its days (`patient.completion_days`, console.rules.completion) so that it too is a
function of the row. Filled here from the stored caches by the
rule itself (`console.rules.tallies.contribution`, streamed over `patient`), not by a SQL
twin: the days are pendulum month arithmetic turned round, which SQL on two dialects
would copy rather than share.

Revision ID: 0017_indicator_tallies
Revises: 0018_history_indexes
Create Date: 2026-12-03 06:00:00
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_indicator_tallies"
down_revision: str | None = "0018_history_indexes"  # 0018 reached main first
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "patient",
        sa.Column("completion_days", sa.Text(), nullable=False, server_default=""),
    )
    op.create_table(
        "indicator_tally",
        sa.Column("keyworker_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("lo", sa.Date(), nullable=False),
        sa.Column("hi", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("keyworker_id", "name", "lo", "hi", name="pk_indicator_tally"),
    )
    # covering: today's sums read the index alone (7 ms against 31 ms at 10,000 patients)
    op.create_table(
        "indicator_tally_floor",
        sa.Column("day", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("day", name="pk_indicator_tally_floor"),
    )
    op.create_index(
        "ix_indicator_tally_days", "indicator_tally", ["keyworker_id", "hi", "lo", "name", "n"]
    )
    from console.services.tallies import fill, fill_completion

    fill_completion(op.get_bind())
    # the machine's date: the console's clock is the practice's, which this follows
    fill(op.get_bind(), dt.date.today())


def downgrade() -> None:
    op.drop_index("ix_indicator_tally_days", table_name="indicator_tally")
    op.drop_table("indicator_tally")
    op.drop_table("indicator_tally_floor")
    # plain DROP COLUMN (SQLite 3.35+ and PostgreSQL), never a batch copy of `patient`
    op.execute(sa.text("ALTER TABLE patient DROP COLUMN completion_days"))
