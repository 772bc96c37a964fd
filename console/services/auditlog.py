"""Audit verification, with the chain's head anchored in a file outside the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel import select

from console.services import audit
from console.services.roles import Action
from db.models import AuditEvent

if TYPE_CHECKING:
    from console.services import Services


class AuditService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def verify(self, anchor: Path | None = None) -> audit.VerifyResult:
        """Check every link; with an anchor file, also that the chain's tail is intact."""
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            result = audit.verify(session)
        if result.ok and anchor is not None and anchor.exists():
            recorded = anchor.read_text().strip()
            if recorded and recorded != result.head_hash:
                with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
                    known = session.exec(
                        select(AuditEvent.id).where(AuditEvent.hash == recorded)
                    ).first()
                if known is None:
                    return audit.VerifyResult(
                        False,
                        result.events,
                        "events were cut from the end of the chain",
                        result.head_hash,
                    )
        if result.ok and anchor is not None:
            anchor.parent.mkdir(parents=True, exist_ok=True)
            anchor.write_text(result.head_hash + "\n")
            anchor.chmod(0o600)
        return result
