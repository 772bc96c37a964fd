"""The unit of work: role check, one transaction, audit append, stale-version refusal.

This is the only module that opens database sessions. Reads run in deferred
transactions; writes begin IMMEDIATE (db.engine.writer) and append their audit events
before the same commit, so a change and its record stand or fall together.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol

import pendulum
import sqlalchemy as sa
from sqlmodel import Session, select

from console.services import anchor, audit
from console.services.errors import Forbidden, Stale
from console.services.roles import Action, allowed, needed
from db.engine import writer
from db.models import Staff

if TYPE_CHECKING:
    from console.services.dto import StaffMember
    from db.models.audit import AuditHead


class Versioned(Protocol):
    id: int | None
    version: int


class Tx:
    """A write transaction in progress: the session plus the audit trail it must leave."""

    def __init__(self, session: Session, staff: StaffMember, at: pendulum.DateTime) -> None:
        self.session = session
        self.staff = staff
        self.at = at
        self.events = 0
        self.last: anchor.Mark | None = None  # the newest event, for the anchor after commit
        self.starts_chain = False  # this transaction wrote the chain's first event
        self.after: anchor.Mark | None = None  # the chain's head before this transaction
        self._head: AuditHead | None = None  # the head row, locked by the first event

    def audit(
        self,
        action: str,
        *,
        entity: str = "",
        entity_id: int | None = None,
        patient_id: int | None = None,
        patient_ids: Iterable[int] = (),
        detail: dict[str, object] | None = None,
    ) -> None:
        if self.events == 0:
            # read and locked once: every event of the transaction appends to this row
            self._head = audit.locked_head(self.session)
            head = self._head
            self.after = anchor.Mark(head.last_id, head.last_hash) if head else None
        event = audit.append(
            self.session,
            at=self.at.in_timezone("UTC").isoformat(),
            staff_id=self.staff.id,
            login=self.staff.login,
            action=action,
            entity=entity,
            entity_id=entity_id,
            patient_id=patient_id,
            patient_ids=patient_ids,
            detail=detail,
            head=self._head,
        )
        assert event.id is not None
        if self.events == 0:
            self.starts_chain = event.prev_hash == audit.GENESIS
        self.last = anchor.Mark(event.id, event.hash)
        self.events += 1

    def check_version(self, row: Versioned, expected: int, what: str, tz: str) -> None:
        """Refuse a save over a newer change, naming who made it and when; then bump."""
        if row.version != expected:
            from db.models.audit import AuditEvent

            entity = type(row).__tablename__  # type: ignore[attr-defined]
            last = self.session.exec(
                select(AuditEvent)
                .where(AuditEvent.entity == entity, AuditEvent.entity_id == row.id)
                .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
                .limit(1)
            ).first()
            who, when = "another member of staff", "an unknown time"
            if last is not None:
                member = self.session.get(Staff, last.staff_id) if last.staff_id else None
                who = member.name if member else last.login
                when = pendulum.parse(last.at).in_timezone(tz).format("D MMM YYYY HH:mm")  # type: ignore[union-attr]
            raise Stale(what, who, when)
        row.version += 1


def serialise_writers(session: Session) -> None:
    """Make PostgreSQL writers queue as SQLite's BEGIN IMMEDIATE makes them queue.

    Every write transaction takes the audit head's row lock before it reads anything, so
    read-then-write never works from a snapshot another writer is about to change
    (under READ COMMITTED each later statement then sees the previous writer's commit).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT id FROM audit_head WHERE id = 1 FOR UPDATE"))


class UnitOfWork:
    """Opens sessions for one member of staff; a Services object holds one."""

    def __init__(self, engine: Any, clock: Any) -> None:
        self.engine = engine
        self.clock = clock
        # Beside a SQLite file by default; the CLI sets it from the machine's settings.
        self.anchor: anchor.Anchor | None = anchor.for_database(str(engine.url))

    def anchor_head(self, tx: Tx) -> None:
        """After a commit: move the anchor to the transaction's last event (issue 14)."""
        anchor.advance_quietly(self.anchor, tx.last, create=tx.starts_chain, after=tx.after)

    @staticmethod
    def require(staff: StaffMember, action: Action) -> None:
        if not allowed(staff.roles, action):
            raise Forbidden(action.value, needed(action))

    @contextmanager
    def read(self, staff: StaffMember, action: Action) -> Iterator[Session]:
        self.require(staff, action)
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self, staff: StaffMember, action: Action) -> Iterator[Tx]:
        self.require(staff, action)
        with Session(writer(self.engine), expire_on_commit=False) as session:
            tx = Tx(session, staff, self.clock.now())
            with session.begin():
                serialise_writers(session)
                yield tx
                if tx.events == 0:
                    raise RuntimeError("a write must leave an audit event")
            self.anchor_head(tx)
