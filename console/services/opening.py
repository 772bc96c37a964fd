"""Audited openings of a patient's clinical detail (SPEC §2, issue 14).

A screen or command that shows clinical detail opens it once: the opening records one
audit event and returns an `Opening`. The reads the screen makes afterwards (another
letter template, the links after an edit) take that Opening instead of the patient id
and record nothing more, so moving around a screen does not flood the log, and no read
of clinical detail can be reached without an event behind it.

An Opening is honoured only by the `Services` that issued it and for the member of staff
it was issued to; one built by hand is refused.
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from console.services.errors import NotFound, ServiceError

if TYPE_CHECKING:
    from console.services.base import Tx

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True, eq=False)
class Opening:
    """Proof that `area` of a patient's record was opened, and the opening audited."""

    patient_id: int
    area: str
    staff_id: int | None
    event_id: int


class NotOpened(ServiceError):
    def __init__(self) -> None:
        super().__init__(
            "Open the patient's record first: every view of clinical detail is audited."
        )


class Openings:
    """The Openings one Services object has issued (held weakly: a closed screen's go)."""

    def __init__(self) -> None:
        self._issued: weakref.WeakSet[Opening] = weakref.WeakSet()

    def open(
        self,
        tx: Tx,
        patient_id: int,
        area: str,
        *,
        entity: str = "patient",
        entity_id: int | None = None,
        detail: dict[str, object] | None = None,
        action: str | None = None,
    ) -> Opening:
        """Record the opening (action `<area>.open`, or `action` where another service
        opens the area for its own purpose) in `tx` and issue its Opening."""
        from db.models import Patient  # here: the DTOs that carry an Opening stay db-free

        if not isinstance(patient_id, int) or tx.session.get(Patient, patient_id) is None:
            raise NotFound("no such patient")
        tx.audit(
            action or f"{area}.open",
            entity=entity,
            entity_id=patient_id if entity_id is None else entity_id,
            patient_id=patient_id,
            detail=detail,
        )
        assert tx.last is not None and tx.last.event_id is not None
        opening = Opening(patient_id, area, tx.staff.id, tx.last.event_id)
        self._issued.add(opening)
        return opening

    def require(self, opening: object, area: str, staff_id: int | None) -> Opening:
        if (
            not isinstance(opening, Opening)
            or opening not in self._issued
            or opening.area != area
            or opening.staff_id != staff_id
        ):
            raise NotOpened()
        return opening


def opens(area: str) -> Callable[[F], F]:
    """Mark a service method as an audited opening of `area` (tests enumerate them)."""

    def mark(fn: F) -> F:
        fn.__opens__ = area  # type: ignore[attr-defined]
        return fn

    return mark


def needs_opening(area: str) -> Callable[[F], F]:
    """A read of clinical detail: its first argument must be an Opening of `area` issued
    to the current member of staff by this Services; anything else is refused."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def checked(self: Any, opening: object, *args: Any, **kwargs: Any) -> Any:
            services = self._s
            services.openings.require(opening, area, services.staff.id)
            return fn(self, opening, *args, **kwargs)

        checked.__needs_opening__ = area  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return wrap
