"""The as-at lookups of the practice indicators (issue 17): each picks one patient's row
as it stood on a date (the latest finalised review, health record, the start of the
continuous OST run …) by an indexed correlated subquery, in the order the Python
derivation (`console.rules.caches`) uses; db.queries.asat_inputs puts them together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session

from console.rules.ost import GAP_DAYS
from console.rules.schedule import CHECKUP_MONTHS
from db.models import (
    Barc10,
    CarePlan,
    Episode,
    FamilyMember,
    Goal,
    HealthCheck,
    Linkage,
    Patient,
    Prescription,
    Resource,
    Review,
    ReviewAddendum,
    TopScore,
    table_of,
)

P, E, RX, H = table_of(Patient), table_of(Episode), table_of(Prescription), table_of(HealthCheck)
R, B, TOP = table_of(Review), table_of(Barc10), table_of(TopScore)
L, RES, FAM = table_of(Linkage), table_of(Resource), table_of(FamilyMember)
PLAN, GOAL = table_of(CarePlan), table_of(Goal)
Cond = sa.ColumnElement[bool]
Col = sa.ColumnElement[Any]


class _DaysBefore(sa.sql.expression.FunctionElement[dt.date]):
    """A date column minus a whole number of days (SQLite keeps dates as ISO text)."""

    type = sa.Date()
    inherit_cache = True


@compiles(_DaysBefore)
def _days_before_pg(element: _DaysBefore, compiler: SQLCompiler, **kw: Any) -> str:
    col, days = list(element.clauses)
    return f"({compiler.process(col, **kw)} - {compiler.process(days, **kw)})"


@compiles(_DaysBefore, "sqlite")
def _days_before_sqlite(element: _DaysBefore, compiler: SQLCompiler, **kw: Any) -> str:
    col, days = list(element.clauses)
    return f"date({compiler.process(col, **kw)}, '-' || {compiler.process(days, **kw)} || ' days')"


def lit(day: dt.date) -> sa.ColumnElement[dt.date]:
    return sa.literal(day, sa.Date)


def alive(on: Col) -> Cond:
    """Not dead on the day (a death with no date recorded counts on every day)."""
    return sa.case(
        (P.c.date_of_death.is_not(None), P.c.date_of_death > on),
        else_=P.c.status != "deceased",
    )


def first(stmt: sa.Select[Any]) -> sa.ScalarSelect[Any]:
    return stmt.limit(1).scalar_subquery()


def latest_review(pid: Col, on: Col, *where: Cond, top: bool = False) -> sa.ScalarSelect[Any]:
    """The latest finalised review on or before the day (by date, then when finalised),
    as the caches order them (`console.rules.caches._ordered`)."""
    src: Any = R.join(TOP, TOP.c.review_id == R.c.id) if top else R
    return first(
        sa.select(R.c.id)
        .select_from(src)
        .where(R.c.patient_id == pid, R.c.status == "finalised", R.c.review_date <= on, *where)
        .order_by(R.c.review_date.desc(), R.c.finalised_at.desc(), R.c.id.desc())
    )


def start_top(pid: Col, episode: Col, on: Col) -> sa.ScalarSelect[Any]:
    """The episode's first finalised start review with a TOP (`caches.top_change`)."""
    return first(
        sa.select(R.c.id)
        .select_from(R.join(TOP, TOP.c.review_id == R.c.id))
        .where(
            R.c.patient_id == pid,
            R.c.episode_id == episode,
            R.c.kind == "start",
            R.c.status == "finalised",
            R.c.review_date <= on,
            sa.or_(TOP.c.opiates_days.is_not(None), TOP.c.injected_days.is_not(None)),
        )
        .order_by(R.c.review_date, R.c.finalised_at, R.c.id)
    )


def after_start(f: Any, st: Any, on: Col, *where: Cond, top: bool) -> Col:
    """The latest finalised review of the open episode after its start TOP (in the
    caches' order) meeting `where`: the other end of the start-TOP change."""
    after = sa.or_(
        R.c.review_date > st.c.review_date,
        sa.and_(
            R.c.review_date == st.c.review_date,
            sa.or_(
                R.c.finalised_at > st.c.finalised_at,
                sa.and_(R.c.finalised_at == st.c.finalised_at, R.c.id > st.c.id),
            ),
        ),
    )
    src: Any = R.join(TOP, TOP.c.review_id == R.c.id) if top else R.join(B, B.c.review_id == R.c.id)
    found = first(
        sa.select(R.c.id)
        .select_from(src)
        .where(
            R.c.patient_id == f.c.id,
            R.c.episode_id == f.c.open_ep,
            R.c.status == "finalised",
            R.c.review_date <= on,
            after,
            *where,
        )
        .order_by(R.c.review_date.desc(), R.c.finalised_at.desc(), R.c.id.desc())
    )
    return sa.case((st.c.id.is_not(None), found), else_=sa.null())


def latest_health(pid: Col, on: Col, kind: str) -> sa.ScalarSelect[Any]:
    return first(
        sa.select(H.c.id)
        .where(H.c.patient_id == pid, H.c.kind == kind, H.c.check_date <= on)
        .order_by(H.c.check_date.desc(), H.c.id.desc())
    )


def health_between(pid: Col, kinds: list[str], start: Col | None, on: Col) -> Cond:
    where = [H.c.patient_id == pid, H.c.kind.in_(kinds), H.c.check_date <= on]
    if start is not None:
        where.append(H.c.check_date >= start)
    return sa.exists().where(*where)


def continuous_start(pid: Col, on: Col) -> sa.ScalarSelect[Any]:
    """SQL twin of `console.rules.ost.continuous_start` (for a patient on OST on the
    day): the latest prescription started by then that began a run, i.e. no earlier one
    (by start, then id) was open, or ended fewer than 28 days before it started."""
    r2 = RX.alias("earlier")
    bridged = (
        sa.exists()
        .where(
            r2.c.patient_id == pid,
            r2.c.start_date <= RX.c.start_date,  # a range on the covering index
            sa.or_(r2.c.start_date < RX.c.start_date, r2.c.id < RX.c.id),
            sa.or_(
                r2.c.end_date.is_(None),
                r2.c.end_date > _DaysBefore(RX.c.start_date, sa.literal(GAP_DAYS)),
            ),
        )
        .correlate_except(r2)
    )
    return (
        sa.select(sa.func.max(RX.c.start_date))
        .where(RX.c.patient_id == pid, RX.c.start_date <= on, sa.not_(bridged))
        .scalar_subquery()
    )


def corrected_select() -> sa.Select[Any]:
    """Patients with a corrected review (an addendum): their values are the corrected
    ones (`db.queries.reviews.corrected`), so the Python derivation counts them."""
    a = table_of(ReviewAddendum)
    # from the (few) addenda to their reviews, never a scan of every review
    whose = sa.select(R.c.patient_id).where(R.c.id == a.c.review_id).scalar_subquery()
    return sa.select(whose).select_from(a).distinct()


def corrected(*, session: Session, keyworker_id: int | None) -> set[int]:
    found = {int(i) for i in session.connection().execute(corrected_select()).scalars()}
    if keyworker_id is None or not found:
        return found
    mine = sa.select(P.c.id).where(P.c.id.in_(sorted(found)), P.c.keyworker_id == keyworker_id)
    return {int(i) for i in session.connection().execute(mine).scalars()}


def checkup_limits(day: dt.date, most: int) -> list[dt.date]:
    """For the n-th check-up (n = 1 … most): the earliest exit date whose n-th check-up
    (exit + 3n months, the day clamped) is not before `day`; an exit before it is overdue.
    (Month arithmetic is the rules' own, so SQL only compares dates.)"""
    out = []
    for n in range(1, most + 1):
        months = CHECKUP_MONTHS * n
        x = pendulum.date(day.year, day.month, day.day).subtract(months=months, days=4)
        while x.add(months=months) < day:
            x = x.add(days=1)
        out.append(dt.date(x.year, x.month, x.day))
    return out


def as_date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return dt.date.fromisoformat(str(value))


def date_or_none(value: object) -> dt.date | None:
    return None if value is None else as_date(value)
