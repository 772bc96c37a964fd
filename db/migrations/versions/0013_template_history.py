"""Letter template history: every saved wording of a template, who saved it and when;
audit patients indexed by event

`letter_template_version` keeps each save (and each return to the shipped wording) so the
administration screen can list a template's versions and compare any two. The current
wording stays in `letter_template` (no row: as shipped). Wordings saved before this
revision become each template's first recorded version, saved at an unknown time.
`ix_audit_patient_event` lets the audit viewer count each listed event's patients by an
index look-up (without it each row of a page scanned the whole table).

Revision ID: 0013_template_history
Revises: 0010_audit_patients
Create Date: 2026-12-02 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0013_template_history"
down_revision: str | None = "0010_audit_patients"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "letter_template_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("shipped", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("saved_by", sa.Integer(), nullable=True),
        sa.Column("saved_at", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(["saved_by"], ["staff.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "version", name="uq_letter_template_version"),
    )
    op.create_index("ix_audit_patient_event", "audit_patient", ["event_id"])
    conn = op.get_bind()
    current = sa.table(
        "letter_template",
        sa.column("key"),
        sa.column("body"),
        sa.column("updated_by"),
        sa.column("version"),
    )
    history = sa.table(
        "letter_template_version",
        sa.column("key"),
        sa.column("version"),
        sa.column("body"),
        sa.column("shipped"),
        sa.column("saved_by"),
        sa.column("saved_at"),
    )
    rows = conn.execute(
        sa.select(current.c.key, current.c.body, current.c.updated_by, current.c.version)
    ).all()
    if rows:
        conn.execute(
            history.insert(),
            [
                {
                    "key": r.key,
                    "version": r.version,
                    "body": r.body,
                    "shipped": False,
                    "saved_by": r.updated_by,
                    "saved_at": "",
                }
                for r in rows
            ],
        )


def downgrade() -> None:
    op.drop_index("ix_audit_patient_event", table_name="audit_patient")
    op.drop_table("letter_template_version")
