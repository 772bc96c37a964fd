"""The hash-chained audit log: append in the writer's transaction, verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from db.models import AuditEvent, AuditHead

GENESIS = "0" * 64


def canonical(event: AuditEvent) -> str:
    """The text an event's hash covers: every field but the hash, in a fixed order."""
    return json.dumps(
        [
            event.at,
            event.staff_id,
            event.login,
            event.action,
            event.entity,
            event.entity_id,
            event.patient_id,
            event.patient_ids,
            event.detail,
            event.prev_hash,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def digest(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event).encode()).hexdigest()


def append(
    session: Session,
    *,
    at: str,
    staff_id: int | None,
    login: str,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    patient_id: int | None = None,
    patient_ids: Iterable[int] = (),
    detail: dict[str, object] | None = None,
) -> AuditEvent:
    # Lock the head row: on PostgreSQL concurrent appenders queue here; on SQLite the
    # write transaction (BEGIN IMMEDIATE) already holds the database lock.
    head = session.exec(select(AuditHead).where(AuditHead.id == 1).with_for_update()).first()
    if head is None:
        head = AuditHead(id=1, last_id=0, last_hash=GENESIS)
        session.add(head)
    event = AuditEvent(
        at=at,
        staff_id=staff_id,
        login=login,
        action=action,
        entity=entity,
        entity_id=entity_id,
        patient_id=patient_id,
        patient_ids=json.dumps(sorted(patient_ids)) if patient_ids else "",
        detail=json.dumps(detail, sort_keys=True, default=str) if detail else "",
        prev_hash=head.last_hash,
        hash="",
    )
    event.hash = digest(event)
    session.add(event)
    session.flush()
    assert event.id is not None
    head.last_id = event.id
    head.last_hash = event.hash
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    problem: str = ""
    head_hash: str = GENESIS


def verify(session: Session) -> VerifyResult:
    """Walk the chain in id order; any edit, deletion or reordering breaks a link."""
    prev = GENESIS
    count = 0
    last_id = 0
    rows = session.exec(
        select(AuditEvent).order_by(sa.asc(AuditEvent.id)).execution_options(yield_per=5000)
    )
    for event in rows:
        count += 1
        if event.prev_hash != prev:
            return VerifyResult(
                False, count, f"event {event.id}: link to the previous event is broken"
            )
        if digest(event) != event.hash:
            return VerifyResult(False, count, f"event {event.id}: contents do not match its hash")
        prev = event.hash
        last_id = event.id or 0
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.last_id != last_id):
        return VerifyResult(False, count, "the chain's head does not match its last event")
    return VerifyResult(True, count, head_hash=prev)
