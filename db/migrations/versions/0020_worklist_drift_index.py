"""A partial index for the worklist's drift guard

The drift guard's select walks (status, next_review_due) in order and stops at its limit;
on the full index it first stepped over every discharged and deceased patient, so the
worklist slowed as the caseload grew (issue 19: 9 ms at 10,000 patients, 30 ms at
260,000). This index holds only patients with a medicine on the row (in force or from a
dose change), the only ones the guard can list.

Revision ID: 0020_worklist_drift_index
Revises: 0019_indicator_history
Create Date: 2026-12-07 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_worklist_drift_index"
down_revision: str | None = "0019_indicator_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ON_OST = "current_medicine != '' OR pending_medicine != ''"  # as db.models.patient.ON_OST


def upgrade() -> None:
    op.create_index(
        "ix_patient_ost_status_review",
        "patient",
        ["status", "next_review_due"],
        sqlite_where=sa.text(ON_OST),
        postgresql_where=sa.text(ON_OST),
    )


def downgrade() -> None:
    op.drop_index("ix_patient_ost_status_review", table_name="patient")
