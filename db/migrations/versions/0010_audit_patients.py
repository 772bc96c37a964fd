"""The audit viewer's indexes: every patient an event concerns, and events by action

`audit_patient` lists each event's patients (its `patient_id` and every id of a batch's
`patient_ids`), so "every event about this patient" is an index range, batches included.
It is derived from the hashed event, which stays the record; existing events are filled
in here. `ix_audit_event_action` serves the action filter (keyset paging on the id).

Revision ID: 0010_audit_patients
Revises: 0009_admin_details
Create Date: 2026-12-02 10:45:00
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_audit_patients"
down_revision: str | None = "0009_admin_details"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    op.create_table(
        "audit_patient",
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("patient_id", "event_id"),
    )
    op.create_index("ix_audit_event_action", "audit_event", ["action", "id"])
    conn = op.get_bind()
    events = sa.table(
        "audit_event", sa.column("id"), sa.column("patient_id"), sa.column("patient_ids")
    )
    links = sa.table("audit_patient", sa.column("patient_id"), sa.column("event_id"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(events.c.id, events.c.patient_id, events.c.patient_ids)
            .where(events.c.id > last)
            .order_by(events.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        found = []
        for event_id, patient_id, patient_ids in rows:
            ids = set(json.loads(patient_ids)) if patient_ids else set()
            if patient_id is not None:
                ids.add(patient_id)
            found.extend({"patient_id": p, "event_id": event_id} for p in sorted(ids))
        if found:
            conn.execute(sa.insert(links), found)
        last = rows[-1][0]


def downgrade() -> None:
    op.drop_index("ix_audit_event_action", table_name="audit_event")
    op.drop_table("audit_patient")
