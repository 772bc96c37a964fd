"""The hash-chained audit log: append in the writer's transaction, verify the whole chain."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

import sqlalchemy as sa
from sqlmodel import Session, select

from db import bulk
from db.models import table_of

if TYPE_CHECKING:
    from db.models.audit import AuditEvent, AuditHead

GENESIS = "0" * 64
INDEX_SLICE = 5_000  # audit_patient rows per INSERT
INDEX_COLUMNS = ("patient_id", "event_id")
PROGRESS_EVERY = 5000  # events between progress reports while verifying


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


@cache
def _head_for_update() -> Any:
    """Built once: every write appends."""
    from db.models.audit import AuditHead

    return select(AuditHead).where(AuditHead.id == 1).with_for_update()


def locked_head(session: Session) -> AuditHead | None:
    """The chain's head row, locked for the rest of the transaction (None: no event yet)."""
    return session.exec(_head_for_update()).first()


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
    head: AuditHead | None = None,
) -> AuditEvent:
    """`head`: the head row as this transaction already holds it locked (`locked_head`);
    without it the row is read and locked here."""
    from db.models.audit import AuditEvent, AuditHead, AuditPatient  # loaded on first write

    # Lock the head row: on PostgreSQL concurrent appenders queue here; on SQLite the
    # write transaction (BEGIN IMMEDIATE) already holds the database lock.
    patient_ids = list(patient_ids)  # read twice: the event's list and the index
    if head is None:
        head = locked_head(session)
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
    concerned = sorted(set(patient_ids) | ({patient_id} if patient_id is not None else set()))
    # the viewer's index of whom the event concerns, in the same commit; in slices, so an
    # export of the whole caseload does not build one parameter list of every patient
    # (tuples straight to the driver: an import's 50,000 rows take a tenth of the time)
    index = bulk.TableWriter(session.connection(), table_of(AuditPatient), INDEX_COLUMNS)
    for start in range(0, len(concerned), INDEX_SLICE):
        index.insert([(p, event.id) for p in concerned[start : start + INDEX_SLICE]])
    head.last_id = event.id
    head.last_hash = event.hash
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events: int
    problem: str = ""
    head_hash: str = GENESIS
    last_id: int = 0
    anchored_at: int | None = None  # the event the anchor matched, when it did
    notice: str = ""  # something to say even when the chain is intact


class _Anchored(Protocol):
    event_id: int | None
    hash: str


def verify(
    session: Session,
    anchor: _Anchored | None = None,
    progress: Callable[[int], None] | None = None,
) -> VerifyResult:
    """Walk the chain in id order; say what differs first (issue 14).

    Any edit, deletion or reordering breaks a link or a hash; an edit with every hash
    recomputed, or a cut tail with the head row rewritten, shows only against the anchor,
    which may match its event anywhere in the chain (a writer may not have moved it yet)
    but must not point past the chain's end or at an event that differs.
    """
    from db.models.audit import AuditEvent, AuditHead

    prev = GENESIS
    count = 0
    last_id = 0
    matched: int | None = None
    rows = session.exec(
        select(AuditEvent).order_by(sa.asc(AuditEvent.id)).execution_options(yield_per=5000)
    )

    def failed(problem: str) -> VerifyResult:
        return VerifyResult(False, count, problem, prev, last_id, matched)

    for event in rows:
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        if event.prev_hash != prev:
            if last_id == 0:
                return failed(
                    f"event {event.id} does not start the chain: events before it were removed"
                )
            return failed(
                f"event {event.id} does not link to event {last_id} before it: an event was "
                "removed, reordered or rewritten there"
            )
        if digest(event) != event.hash:
            return failed(f"event {event.id} was edited: its contents do not match its hash")
        if anchor is not None and matched is None:
            if anchor.event_id is None and event.hash == anchor.hash:
                matched = event.id
            elif anchor.event_id == event.id:
                if event.hash != anchor.hash:
                    return failed(
                        f"event {event.id} is not the event anchored: the chain up to it was "
                        "rewritten (every hash recomputed)"
                    )
                matched = event.id
        prev = event.hash
        last_id = event.id or 0
    head = session.get(AuditHead, 1)
    if head is not None and (head.last_hash != prev or head.last_id != last_id):
        return failed(
            f"the head row names event {head.last_id}, but the chain ends at event {last_id}"
        )
    if anchor is not None and matched is None:
        if anchor.event_id is None:
            return failed("the anchored hash is not in the chain: it was cut short or rewritten")
        if anchor.event_id > last_id:
            return failed(
                f"the chain ends at event {last_id}, before the anchored event "
                f"{anchor.event_id}: events were cut from the end"
            )
        return failed(f"the anchored event {anchor.event_id} is missing from the chain")
    return VerifyResult(True, count, head_hash=prev, last_id=last_id, anchored_at=matched)
