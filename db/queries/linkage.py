"""The resources directory and a patient's links to it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules.vocab import MUTUAL_AID_KINDS
from db.models import Linkage, Resource, table_of

R = table_of(Resource)
L = table_of(Linkage)
OPEN = ("", "not_yet")


def resources(
    *, session: Session, kind: str | None = None, include_inactive: bool = False
) -> Sequence[sa.Row[Any]]:
    """The directory (a practice's few dozen rows), by name."""
    stmt = sa.select(R).order_by(R.c.name, R.c.id)
    if kind:
        stmt = stmt.where(R.c.kind == kind)
    if not include_inactive:
        stmt = stmt.where(R.c.active.is_(True))
    return session.connection().execute(stmt).all()


def active_keys(*, session: Session, kind: str) -> Sequence[sa.RowMapping]:
    """(id, name) of the active resources of one kind, for the duplicate-name check."""
    stmt = sa.select(R.c.id, R.c.name).where(R.c.kind == kind, R.c.active.is_(True))
    return session.connection().execute(stmt).mappings().all()


def links(*, session: Session, patient_id: int) -> Sequence[sa.RowMapping]:
    """A patient's links, newest first, with the resource's name and kind."""
    stmt = (
        sa.select(L, R.c.name.label("resource_name"), R.c.kind.label("resource_kind"))
        .join(R, R.c.id == L.c.resource_id)
        .where(L.c.patient_id == patient_id)
        .order_by(L.c.linked_on.desc(), L.c.id.desc())
    )
    return session.connection().execute(stmt).mappings().all()


def link(*, session: Session, link_id: int) -> sa.RowMapping | None:
    stmt = (
        sa.select(L, R.c.name.label("resource_name"), R.c.kind.label("resource_kind"))
        .join(R, R.c.id == L.c.resource_id)
        .where(L.c.id == link_id)
    )
    return session.connection().execute(stmt).mappings().first()


@cache
def _cache_selects() -> dict[str, sa.Select[Any]]:
    """Built once: every write's cache refresh runs both."""
    pid = sa.bindparam("pid")
    return {
        "mutual_aid_on": sa.select(sa.func.min(sa.func.coalesce(L.c.first_attended, L.c.linked_on)))
        .join(R, R.c.id == L.c.resource_id)
        .where(
            L.c.patient_id == pid,
            L.c.outcome == "attended",
            R.c.kind.in_(sorted(MUTUAL_AID_KINDS)),
        ),
        "next_followup": sa.select(sa.func.min(L.c.follow_up_date)).where(
            L.c.patient_id == pid, L.c.outcome.in_(OPEN)
        ),
    }


def mutual_aid_on(*, session: Session, patient_id: int) -> dt.date | None:
    """The earliest date the patient attended a mutual-aid group (a link to a SMART, NA,
    CA or AA resource with outcome "attended": from first attended, else the link date)."""
    stmt = _cache_selects()["mutual_aid_on"]
    return _day(session.connection().execute(stmt, {"pid": patient_id}).scalar_one_or_none())


def linked_patients(*, session: Session, resource_id: int) -> list[int]:
    """The patients with a link to a resource (whose caches read its kind)."""
    stmt = sa.select(L.c.patient_id).where(L.c.resource_id == resource_id).distinct()
    return sorted(int(i) for i in session.connection().execute(stmt).scalars())


def _day(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def next_followup(*, session: Session, patient_id: int) -> dt.date | None:
    """The earliest follow-up among the patient's links still open (the row cache)."""
    stmt = _cache_selects()["next_followup"]
    return session.connection().execute(stmt, {"pid": patient_id}).scalar_one_or_none()
