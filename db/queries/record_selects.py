"""The selects of the records the indicators derive from, one per table, shared by the
kept history's loader (db.queries.history_tally: every record) and the as-at derivation's
(db.queries.indicator_history: the records dated on or before a day). Imported on first
use: it loads every record table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from db.models import (
    Barc10,
    CarePlan,
    Episode,
    FamilyMember,
    HealthCheck,
    Prescription,
    Review,
    TopScore,
    table_of,
)
from db.queries import reviews as reviews_q

E, RX, H = table_of(Episode), table_of(Prescription), table_of(HealthCheck)
R, B, TOP = table_of(Review), table_of(Barc10), table_of(TopScore)
PLAN, FAM = table_of(CarePlan), table_of(FamilyMember)
Ids = Sequence[int] | sa.Select[Any] | sa.BindParameter[Any]
On = sa.ColumnElement[dt.date] | None


def _upto(column: sa.ColumnElement[Any], on: On) -> list[sa.ColumnElement[bool]]:
    return [] if on is None else [column <= on]


def episodes(ids: Ids) -> sa.Select[Any]:
    return (
        sa.select(E.c.patient_id, E.c.id, E.c.start_date, E.c.end_date, E.c.exit_reason)
        .where(E.c.patient_id.in_(ids))
        .order_by(E.c.patient_id, E.c.start_date, E.c.id)
    )


def prescriptions(ids: Ids, on: On = None) -> sa.Select[Any]:
    return (
        sa.select(RX.c.patient_id, RX.c.medicine, RX.c.dose_mg, RX.c.start_date, RX.c.end_date)
        .where(RX.c.patient_id.in_(ids), *_upto(RX.c.start_date, on))
        .order_by(RX.c.patient_id, RX.c.start_date, RX.c.id)
    )


def finalised_reviews(session: Session, ids: Ids, on: On = None) -> list[Any]:
    """Each finalised review with its BARC-10 total and the TOP items the indicators read,
    addenda applied (as the caches have them), in date order."""
    return corrected(session, session.connection().execute(finalised_select(ids, on)))


def corrected(session: Session, result: sa.Result[Any]) -> list[Any]:
    """The rows of `finalised_select` with their addenda applied."""
    found = result.mappings().all()
    fixed: list[Any] = []
    for n in range(0, len(found), 500):
        fixed += reviews_q.corrected(session=session, rows=found[n : n + 500])
    return fixed


def finalised_select(ids: Ids, on: On = None) -> sa.Select[Any]:
    return (
        sa.select(
            R.c.patient_id,
            R.c.id,
            R.c.kind,
            R.c.review_date,
            R.c.episode_id,
            R.c.finalised_at,
            R.c.next_review_date,
            R.c.next_review_reason,
            R.c.ost_decision,
            B.c.total.label("barc10_total"),
            TOP.c.opiates_days,
            TOP.c.injected_days,
            TOP.c.shared_needle,
            TOP.c.shared_paraphernalia,
        )
        .select_from(R)
        .outerjoin(TOP, TOP.c.review_id == R.c.id)
        .outerjoin(B, B.c.review_id == R.c.id)
        .where(R.c.patient_id.in_(ids), R.c.status == "finalised", *_upto(R.c.review_date, on))
        .order_by(R.c.patient_id, R.c.review_date, R.c.id)
    )


def health(ids: Ids, on: On = None) -> sa.Select[Any]:
    return (
        sa.select(H.c.patient_id, H.c.kind, H.c.check_date, H.c.result)
        .where(H.c.patient_id.in_(ids), *_upto(H.c.check_date, on))
        .order_by(H.c.patient_id, H.c.check_date, H.c.id)
    )


def _agreed(ids: Ids, on: On) -> list[sa.ColumnElement[bool]]:
    by = [] if on is None else [sa.or_(PLAN.c.agreed_on.is_(None), PLAN.c.agreed_on <= on)]
    return [PLAN.c.patient_id.in_(ids), PLAN.c.status == "agreed", *by]


def agreed_plan_ids(ids: Ids, on: On = None) -> sa.Select[Any]:
    return sa.select(PLAN.c.id).where(*_agreed(ids, on))


def agreed_plans(ids: Ids, on: On = None) -> sa.Select[Any]:
    """Every agreed version (agreed by `on`), oldest first."""
    return (
        sa.select(PLAN.c.patient_id, PLAN.c.id, PLAN.c.agreed_on, PLAN.c.version_no)
        .where(*_agreed(ids, on))
        .order_by(PLAN.c.patient_id, PLAN.c.version_no)
    )


def family(ids: Ids) -> sa.Select[Any]:
    return sa.select(FAM.c.patient_id, FAM.c.added_on).where(FAM.c.patient_id.in_(ids))
