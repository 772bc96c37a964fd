"""Row caches of the start TOP against the latest (practice indicators)

For the open episode: the date of the latest TOP after the start TOP (`top_change_on`,
NULL when the episode lacks either), whether illicit opioid use and injecting at the
start TOP had stopped by the latest ("stopped", "still", or "" when not at the start),
and the BARC-10 change. Existing rows are filled by `recovery-console check --repair`
(as the alert caches of 0008 were).

Revision ID: 0015_top_change
Revises: 0014_pharmacy_letter
Create Date: 2026-12-02 18:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0015_top_change"
down_revision: str | None = "0014_pharmacy_letter"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("top_change_on", sa.Date(), nullable=True))
        for name in ("top_opioids_change", "top_injecting_change"):
            batch_op.add_column(
                sa.Column(
                    name,
                    sqlmodel.sql.sqltypes.AutoString(length=10),
                    nullable=False,
                    server_default="",
                )
            )
        batch_op.add_column(sa.Column("barc10_change", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        for name in ("barc10_change", "top_injecting_change", "top_opioids_change"):
            batch_op.drop_column(name)
        batch_op.drop_column("top_change_on")
