"""Date of death on the patient, recorded whatever the patient's status

`patient.date_of_death` is set when a death is recorded (from the record, or by an
episode ended with exit 89); `patient.status_before_death` keeps the status it replaced so
a death recorded in error can be corrected back.

Revision ID: 0006_date_of_death
Revises: 0005_review_new_medicine
Create Date: 2026-12-02 10:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0006_date_of_death"
down_revision: str | None = "0005_review_new_medicine"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.add_column(sa.Column("date_of_death", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "status_before_death",
                sqlmodel.sql.sqltypes.AutoString(length=20),
                nullable=False,
                server_default="",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        batch_op.drop_column("status_before_death")
        batch_op.drop_column("date_of_death")
