"""Shared by the security tests (issue 14)."""

from __future__ import annotations

from sqlmodel import Session, select

from console.services import Services
from console.services.anchor import Mark
from db.models import AuditEvent


def add_staff(services: Services, login: str) -> None:
    services.staff_admin.add(login, login.title(), ["reception"])


def last_event(services: Services) -> Mark:
    with Session(services.engine) as session:
        event = session.exec(select(AuditEvent).order_by(AuditEvent.id.desc())).first()  # type: ignore[union-attr]
    assert event is not None and event.id is not None
    return Mark(event.id, event.hash)
