"""A draft review keeps the raw text of values it could not store as typed

`review.draft_texts` is a JSON object (value key → the text as typed) for values that
are out of range, do not parse, or would break a rule only finalise may enforce (a later
next review date without its reason). A draft reopened shows them again, marked, so
nothing typed is lost; finalising empties it.

Revision ID: 0007_review_draft_texts
Revises: 0006_date_of_death
Create Date: 2026-12-02 10:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_review_draft_texts"
down_revision: str | None = "0006_date_of_death"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.add_column(sa.Column("draft_texts", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_column("draft_texts")
