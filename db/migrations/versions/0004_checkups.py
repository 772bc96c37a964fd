"""Post-exit check-up renewals and re-entry answers

`patient.checkups_planned` counts the check-ups planned since the last successful exit
(eight, plus four for each renewal); `review.reentry` keeps whether a check-up that found
a need for treatment led to a new episode.

Revision ID: 0004_checkups
Revises: 0003_top_not_answered
Create Date: 2026-11-23 12:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0004_checkups"
down_revision: str | None = "0003_top_not_answered"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("checkups_planned", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "reentry",
                sqlmodel.sql.sqltypes.AutoString(length=10),
                nullable=False,
                server_default="",
            )
        )
    # Patients already on check-ups were given the standard eight.
    op.execute("UPDATE patient SET checkups_planned = 8 WHERE status = 'post_exit_checkups'")


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("reentry")
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("checkups_planned")
