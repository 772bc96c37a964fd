"""Row caches for every alert letter, and the prescription change still to come

The list's flags are the summary's alert letters (S safety, T test, R review, D drift,
H health, L linkage, C check-up, E re-engage), decided from the patient row alone:
`agreed_plan_on`, `hbv_not_needed`, `unsuccessful_exit`, the in-force prescription's
`ecg_date`, `missed_doses_in_row` and `sedatives`, `barc10_previous`, the latest TOP's
`top_opioid_use` and `top_shared`, and `last_unexpected_test` (judged against the
prescriptions in force on the test's date). A dose change dated in the future is stored
as `dose_change_on` with the prescription in force from then (`pending_medicine`,
`pending_dose_mg`, `pending_ost_start`), so it takes effect on its date with no write.

Revision ID: 0008_alert_caches
Revises: 0007_review_draft_texts
Create Date: 2026-12-02 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0008_alert_caches"
down_revision: str | None = "0007_review_draft_texts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATES = (
    "agreed_plan_on",
    "hbv_not_needed",
    "unsuccessful_exit",
    "ecg_date",
    "top_opioid_use",
    "top_shared",
    "last_unexpected_test",
    "dose_change_on",
    "pending_ost_start",
)


def upgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        for name in DATES:
            batch_op.add_column(sa.Column(name, sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("missed_doses_in_row", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column(
                "sedatives",
                sqlmodel.sql.sqltypes.AutoString(length=200),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("barc10_previous", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "pending_medicine",
                sqlmodel.sql.sqltypes.AutoString(length=40),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(sa.Column("pending_dose_mg", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("patient", schema=None) as batch_op:
        for name in ("pending_dose_mg", "pending_medicine", "barc10_previous", "sedatives"):
            batch_op.drop_column(name)
        batch_op.drop_column("missed_doses_in_row")
        for name in reversed(DATES):
            batch_op.drop_column(name)
