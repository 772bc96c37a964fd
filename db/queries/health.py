"""Health-check events of one patient, for the health service and its caches."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db.models import HealthCheck, Staff, table_of


def events(*, session: Session, patient_id: int) -> Sequence[sa.RowMapping]:
    """Every event, newest first, with the name of whoever recorded it."""
    t = table_of(HealthCheck)
    staff = table_of(Staff)
    stmt = (
        sa.select(t, staff.c.name.label("recorded_by_name"))
        .outerjoin(staff, staff.c.id == t.c.recorded_by)
        .where(t.c.patient_id == patient_id)
        .order_by(t.c.check_date.desc(), t.c.id.desc())
    )
    return session.connection().execute(stmt).mappings().all()


@cache
def _facts() -> sa.Select[Any]:
    """Built once: every write's cache refresh runs it."""
    t = table_of(HealthCheck)
    return (
        sa.select(t.c.kind, t.c.check_date, t.c.result)
        .where(t.c.patient_id == sa.bindparam("pid"))
        .order_by(t.c.check_date, t.c.id)  # the later of two same-day records wins
    )


def facts(*, session: Session, patient_id: int) -> Sequence[sa.RowMapping]:
    """(kind, check_date, result) of every event: what the row caches derive from."""
    return session.connection().execute(_facts(), {"pid": patient_id}).mappings().all()
