"""TOP items marked not answered in a draft review

A draft keeps the items staff marked NA ("not answered", distinct from 0) so that a
reopened draft shows them again; once finalised, NULL answers mean not answered.

Revision ID: 0003_top_not_answered
Revises: 0002_given_name_index
Create Date: 2026-11-23 11:27:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0003_top_not_answered"
down_revision: str | None = "0002_given_name_index"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("top_score", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "not_answered",
                sqlmodel.sql.sqltypes.AutoString(length=400),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("top_score", schema=None) as batch_op:
        batch_op.drop_column("not_answered")
