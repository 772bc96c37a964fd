"""A start decision's new prescription on the review

`review.new_medicine`, `new_interval` and `new_dispensing` keep what a start decision
will prescribe, so a draft reopened after a dropped connection still has it.

Revision ID: 0005_review_new_medicine
Revises: 0004_checkups
Create Date: 2026-11-23 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0005_review_new_medicine"
down_revision: str | None = "0004_checkups"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (("new_medicine", 30), ("new_interval", 10), ("new_dispensing", 20))


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(
                sa.Column(
                    name,
                    sqlmodel.sql.sqltypes.AutoString(length=length),
                    nullable=False,
                    server_default="",
                )
            )


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
