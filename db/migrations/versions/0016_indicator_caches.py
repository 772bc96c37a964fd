"""Row caches of the practice indicators

So that every indicator is a column test on `patient` in one pass: the date of the
latest finalised review with a complete BARC-10 (`barc10_on`), the first attendance at a
mutual-aid group (`mutual_aid_on`), whether family involvement was considered
(`family_considered`) and the date of the latest hepatitis B status when it says immune
(`hbv_immune`). Existing rows are filled here by the SQL twin of the derivation
(`db.queries.indicator_caches.fill`).

Revision ID: 0016_indicator_caches
Revises: 0015_top_change
Create Date: 2026-12-02 20:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_indicator_caches"
down_revision: str | None = "0015_top_change"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ADD COLUMN, never a batch copy of `patient` (other tables' keys name it)
    op.add_column("patient", sa.Column("barc10_on", sa.Date(), nullable=True))
    op.add_column("patient", sa.Column("mutual_aid_on", sa.Date(), nullable=True))
    op.add_column(
        "patient",
        sa.Column("family_considered", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.add_column("patient", sa.Column("hbv_immune", sa.Date(), nullable=True))
    from db.queries.indicator_caches import fill

    fill(op.get_bind())


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+ and PostgreSQL): a batch copy of `patient` would
    # drop the table other tables' foreign keys name
    for name in ("hbv_immune", "family_considered", "mutual_aid_on", "barc10_on"):
        op.execute(sa.text(f"ALTER TABLE patient DROP COLUMN {name}"))
