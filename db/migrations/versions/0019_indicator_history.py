"""Kept indicator history

A past date's dashboard and the 12-month trend sum `indicator_history_step` rows (how
each count changes on each day, per keyworker) instead of deriving every patient's
records as at the date (issue 17: under 2 s a date at 260,000 patients).
`indicator_history_patient` holds what each patient's history adds (its spans, packed)
and a digest of the records it came from, so a write moves only the difference. Filled
here by the rule itself (console.services.history_tallies.rebuild).

Revision ID: 0019_indicator_history
Revises: 0017_indicator_tallies
Create Date: 2026-12-03 09:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_indicator_history"
down_revision: str | None = "0017_indicator_tallies"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicator_history_step",
        sa.Column("keyworker_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("keyworker_id", "name", "day", name="pk_indicator_history_step"),
    )
    # covering: a past date's sums read the index alone
    op.create_index(
        "ix_indicator_history_step_days",
        "indicator_history_step",
        ["keyworker_id", "day", "name", "n"],
    )
    op.create_table(
        "indicator_history_patient",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("keyworker_id", sa.Integer(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("spans", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", name="pk_indicator_history_patient"),
    )
    from sqlmodel import Session

    from console.services.history_tallies import rebuild

    with Session(bind=op.get_bind()) as session:
        rebuild(session)


def downgrade() -> None:
    op.drop_index("ix_indicator_history_step_days", table_name="indicator_history_step")
    op.drop_table("indicator_history_step")
    op.drop_table("indicator_history_patient")
