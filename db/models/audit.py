from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class AuditEvent(SQLModel, table=True):
    """Append-only, hash-chained record of every write and every view of clinical detail."""

    __tablename__ = "audit_event"
    # A member of staff's latest event is their last activity (administration's list).
    __table_args__ = (
        sa.Index("ix_audit_event_staff_id", "staff_id", "id"),
        sa.Index("ix_audit_event_action", "action", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # UTC ISO-8601 text, so the hashed canonical form is the stored form on every backend.
    at: str = Field(max_length=40)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    login: str = Field(max_length=64)
    action: str = Field(max_length=60)
    entity: str = Field(default="", max_length=40)
    entity_id: int | None = None
    patient_id: int | None = Field(default=None, index=True)
    # JSON list of patient ids, for batches and exports (one event, many patients).
    patient_ids: str = ""
    # JSON object: which fields changed, never free text copied from the record.
    detail: str = ""
    prev_hash: str = Field(max_length=64)
    hash: str = Field(max_length=64, unique=True)


class AuditPatient(SQLModel, table=True):
    """Each patient an event concerns (its patient and every patient of a batch), so the
    audit viewer finds a patient's events, batches included, by an index range. Derived
    from the hashed event, which stays the record."""

    __tablename__ = "audit_patient"
    # By event too: the viewer counts each listed event's patients (migration 0013).
    __table_args__ = (sa.Index("ix_audit_patient_event", "event_id"),)

    patient_id: int = Field(primary_key=True)
    event_id: int = Field(primary_key=True)  # no foreign key: an index, not the record


class AuditHead(SQLModel, table=True):
    """The chain's head (one row, id 1), locked while appending so appends serialise."""

    __tablename__ = "audit_head"

    id: int | None = Field(default=None, primary_key=True)
    last_id: int = 0
    last_hash: str = Field(max_length=64)
