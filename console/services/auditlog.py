"""Audit verification against the anchor, and the one audited re-anchor.

The anchor's mechanics are in console/services/anchor.py. The small API other code uses:
- `read_anchor(anchor)` → Mark | None: what the anchor holds (AnchorError if unreadable);
- `write_anchor(anchor, mark)`: advance it to `mark` if later (what every commit does);
- `AuditService.reanchor(reason)`: append an `audit.reanchor` event and put the anchor on
  it whatever it held (restoring a backup; a database from before anchoring).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from console.services import audit
from console.services.anchor import Anchor, AnchorError, Mark
from console.services.errors import Refused
from console.services.roles import Action
from console.services.validated import validated
from db.models import AuditHead

if TYPE_CHECKING:
    from console.services import Services

__all__ = ["AnchorError", "AuditService", "Mark", "read_anchor", "write_anchor"]


def read_anchor(anchor: Anchor) -> Mark | None:
    return anchor.read()


def write_anchor(anchor: Anchor, mark: Mark) -> bool:
    return anchor.advance(mark, create=True)


@validated
class AuditService:
    def __init__(self, services: Services) -> None:
        self._s = services

    @property
    def anchor(self) -> Anchor | None:
        return self._s.uow.anchor

    def verify(self, progress: Callable[[int, int], None] | None = None) -> audit.VerifyResult:
        """Check every link and hash, then the anchor; never moves the anchor.

        `progress(done, total)` is called as events are checked (total from the head row).
        Raises AnchorError when the anchor exists but cannot be read."""
        anchor = self.anchor
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            mark = anchor.read() if anchor is not None else None
            step = None
            if progress is not None:
                head = session.get(AuditHead, 1)
                total = head.last_id if head is not None else 0
                step = lambda done: progress(done, max(total, done))  # noqa: E731
            result = audit.verify(session, mark, step)
        if not result.ok:
            return result
        if anchor is None:
            return audit.VerifyResult(
                True,
                result.events,
                head_hash=result.head_hash,
                last_id=result.last_id,
                notice="the chain's tail is not anchored: name a state_dir in "
                "/etc/recovery-console/config.toml for a server database",
            )
        if mark is None and result.events > 0:
            return audit.VerifyResult(
                False,
                result.events,
                f"there is no anchor at {anchor.path}, so a cut tail cannot be ruled out "
                "(it was deleted, or the database predates anchoring); once you know why, "
                "'recovery-console audit anchor --reason TEXT' anchors the head (audited)",
                result.head_hash,
                result.last_id,
            )
        return result

    def reanchor(self, reason: str) -> Mark:
        """The audited re-anchor: an event saying why, then the anchor on that event.

        The chain must be intact; the anchor it held (if any) is named in the event."""
        anchor = self.anchor
        if anchor is None:
            raise Refused("this database has no anchor location (state_dir in /etc)")
        reason = " ".join(reason.split())
        if not reason:
            raise Refused("say why the audit head is being re-anchored (--reason)")
        with self._s.uow.read(self._s.staff, Action.DATA_ADMIN) as session:
            checked = audit.verify(session)
        if not checked.ok:
            raise Refused(f"the audit log is damaged, so it is not re-anchored: {checked.problem}")
        try:
            before = anchor.read()
        except AnchorError:
            before = None
        with self._s.uow.write(self._s.staff, Action.DATA_ADMIN) as tx:
            tx.audit(
                "audit.reanchor",
                detail={
                    "reason": reason[:500],
                    "previous": f"{before.event_id} {before.hash}" if before else "none",
                },
            )
        assert tx.last is not None
        anchor.replace(tx.last)
        return tx.last
