"""Administration details: a member of staff's professional title; the practice's
accessibility line and idle-lock minutes; audit events indexed by member of staff

`staff.title` is printed under a letter's signature. A member of staff's last activity
is their latest audit event, found through `ix_audit_event_staff_id`.
`practice_settings.accessibility` is the sentence letters carry offering other formats;
`practice_settings.idle_minutes` replaces the personal `lock_minutes` setting, so a user
cannot lengthen the lock.

Revision ID: 0009_admin_details
Revises: 0008_alert_caches
Create Date: 2026-12-02 10:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0009_admin_details"
down_revision: str | None = "0008_alert_caches"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "title",
                sqlmodel.sql.sqltypes.AutoString(length=60),
                nullable=False,
                server_default="",
            )
        )
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "accessibility",
                sqlmodel.sql.sqltypes.AutoString(length=300),
                nullable=False,
                server_default="",
            )
        )
        batch_op.add_column(
            sa.Column("idle_minutes", sa.Integer(), nullable=False, server_default="10")
        )
    op.create_index("ix_audit_event_staff_id", "audit_event", ["staff_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_audit_event_staff_id", table_name="audit_event")
    with op.batch_alter_table("practice_settings", schema=None) as batch_op:
        batch_op.drop_column("idle_minutes")
        batch_op.drop_column("accessibility")
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("title")
