"""Indexes for practice indicators as at a past date; family records dated

The as-at SQL (db.queries.indicator_asat) picks each patient's latest review, health
record, prescription run and episode on or before a date by correlated lookups: these
indexes hold every column those lookups read, so none touches the table rows. A family
or supporter record now keeps the day it was added (`family_member.added_on`) and the
patient row the day the involvement answer was given (`family_involvement_on`), so that
"family involvement considered" as at a past date uses what was recorded by then;
existing records have neither (NULL: recorded before the date was kept).

Revision ID: 0018_history_indexes
Revises: 0016_indicator_caches
Create Date: 2026-12-03 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_history_indexes"
down_revision: str | None = "0016_indicator_caches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = (
    (
        "ix_review_patient_asat",
        "review",
        ["patient_id", "review_date", "finalised_at", "id", "status", "kind", "episode_id"],
    ),
    ("ix_top_score_asat", "top_score", ["review_id", "opiates_days", "injected_days"]),
    ("ix_barc10_asat", "barc10", ["review_id", "total"]),
    ("ix_health_check_asat", "health_check", ["patient_id", "kind", "check_date", "result"]),
    ("ix_prescription_asat", "prescription", ["patient_id", "start_date", "end_date"]),
    ("ix_episode_asat", "episode", ["patient_id", "start_date", "end_date", "exit_reason"]),
)


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # plain ADD COLUMN, never a batch copy of `patient` (other tables' keys name it)
    op.add_column("family_member", sa.Column("added_on", sa.Date(), nullable=True))
    op.add_column("patient", sa.Column("family_involvement_on", sa.Date(), nullable=True))


def downgrade() -> None:
    op.execute(sa.text("ALTER TABLE patient DROP COLUMN family_involvement_on"))
    op.execute(sa.text("ALTER TABLE family_member DROP COLUMN added_on"))
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
