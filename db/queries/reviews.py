"""Reviews: a review with its parts, the previous one, the current plan's goals, and
finalised values with their addenda applied (what trends, alerts and indicators use)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import barc10 as barc10_rules
from db.models import (
    Barc10,
    CarePlan,
    Corroboration,
    DrugTest,
    Episode,
    Goal,
    GoalReview,
    Prescription,
    Review,
    ReviewAddendum,
    Staff,
    TopScore,
    table_of,
)

Rows = Sequence[sa.RowMapping]


def _one(session: Session, stmt: Any) -> sa.RowMapping | None:
    return session.connection().execute(stmt).mappings().first()


def _all(session: Session, stmt: Any) -> Rows:
    return session.connection().execute(stmt).mappings().all()


def open_draft(*, session: Session, patient_id: int, kind: str) -> Review | None:
    return session.exec(  # type: ignore[call-overload, no-any-return]
        sa.select(Review)
        .where(Review.patient_id == patient_id, Review.kind == kind, Review.status == "draft")
        .order_by(Review.id.desc())  # type: ignore[union-attr]
        .limit(1)
    ).scalar()


def part(*, session: Session, table: Any, review_id: int) -> sa.RowMapping | None:
    t = table_of(table)
    return _one(session, sa.select(t).where(t.c.review_id == review_id))


def top(*, session: Session, review_id: int) -> sa.RowMapping | None:
    return part(session=session, table=TopScore, review_id=review_id)


def barc(*, session: Session, review_id: int) -> sa.RowMapping | None:
    return part(session=session, table=Barc10, review_id=review_id)


def drug_test(*, session: Session, review_id: int) -> sa.RowMapping | None:
    return part(session=session, table=DrugTest, review_id=review_id)


def corroborations(*, session: Session, review_id: int) -> Rows:
    t = table_of(Corroboration)
    return _all(session, sa.select(t).where(t.c.review_id == review_id).order_by(t.c.id))


def goal_reviews(*, session: Session, review_id: int) -> Rows:
    t = table_of(GoalReview)
    return _all(session, sa.select(t).where(t.c.review_id == review_id).order_by(t.c.id))


def addenda(*, session: Session, review_id: int) -> Rows:
    a, s = table_of(ReviewAddendum), table_of(Staff)
    stmt = (
        sa.select(a, s.c.name.label("by_name"))
        .outerjoin(s, s.c.id == a.c.by_staff)
        .where(a.c.review_id == review_id)
        .order_by(a.c.id)
    )
    return _all(session, stmt)


def previous(*, session: Session, patient_id: int, before_id: int) -> sa.RowMapping | None:
    """The finalised review before this one (by date, then id): what the form shows beside."""
    r = table_of(Review)
    this = _one(session, sa.select(r.c.review_date).where(r.c.id == before_id))
    stmt = sa.select(r).where(
        r.c.patient_id == patient_id, r.c.status == "finalised", r.c.id != before_id
    )
    if this is not None:
        day = this["review_date"]
        stmt = stmt.where(
            sa.or_(r.c.review_date < day, sa.and_(r.c.review_date == day, r.c.id < before_id))
        )
    return _one(session, stmt.order_by(r.c.review_date.desc(), r.c.id.desc()).limit(1))


def latest_finalised_id(*, session: Session, patient_id: int) -> int | None:
    r = table_of(Review)
    stmt = (
        sa.select(r.c.id)
        .where(r.c.patient_id == patient_id, r.c.status == "finalised")
        .order_by(r.c.review_date.desc(), r.c.id.desc())
        .limit(1)
    )
    return session.connection().execute(stmt).scalar()


def plan_versions(*, session: Session, patient_id: int) -> sa.RowMapping | None:
    """The newest plan version and the newest agreed one (id, number, day agreed) in one
    statement; None when the patient has no plan."""
    return session.connection().execute(_plan_versions(), {"pid": patient_id}).mappings().first()


@cache
def _plan_versions() -> sa.Select[Any]:
    p = table_of(CarePlan)
    agreed = (
        sa.select(p.c.id, p.c.version_no, p.c.agreed_on)
        .where(p.c.patient_id == sa.bindparam("pid"), p.c.status == "agreed")
        .order_by(p.c.version_no.desc())
        .limit(1)
        .subquery()
    )
    latest = (
        sa.select(p.c.id, p.c.version_no)
        .where(p.c.patient_id == sa.bindparam("pid"))
        .order_by(p.c.version_no.desc())
        .limit(1)
        .subquery()
    )
    return sa.select(
        latest.c.id.label("latest_id"),
        latest.c.version_no.label("latest_no"),
        agreed.c.id.label("agreed_id"),
        agreed.c.version_no.label("agreed_no"),
        agreed.c.agreed_on,
    ).select_from(latest.outerjoin(agreed, sa.true()))


def plan_goals(*, session: Session, plan_id: int) -> Sequence[sa.Row[Any]]:
    """The goals of one plan version, in order, dropped ones excluded: id, goal_key,
    domain, words and status."""
    return session.connection().execute(_plan_goals(), {"plan": plan_id}).all()


@cache
def _plan_goals() -> sa.Select[Any]:
    g = table_of(Goal)
    return (
        sa.select(g.c.id, g.c.goal_key, g.c.domain, g.c.words, g.c.status)
        .where(g.c.care_plan_id == sa.bindparam("plan"), g.c.status != "dropped")
        .order_by(g.c.position, g.c.id)
    )


@cache
def goal_status_update() -> sa.Update:
    """One executemany for the goals a finalise moves: status, drop reason and version
    (stale check), in every plan version the goal is in (as a status change from the care
    plan moves it), so the agreed plan the drift guard reads moves too."""
    g, p = table_of(Goal), table_of(CarePlan)
    plans = sa.select(p.c.id).where(p.c.patient_id == sa.bindparam("pid"))
    return (
        g.update()
        .where(g.c.goal_key == sa.bindparam("key"), g.c.care_plan_id.in_(plans.scalar_subquery()))
        .values(
            status=sa.bindparam("new_status"),
            drop_reason=sa.bindparam("drop_reason"),
            version=g.c.version + 1,
        )
    )


def latest_episode(*, session: Session, patient_id: int) -> sa.RowMapping | None:
    """The patient's newest episode (open or ended): its dates, exit and substances."""
    e = table_of(Episode)
    stmt = (
        sa.select(e.c.id, e.c.start_date, e.c.end_date, e.c.exit_reason, e.c.problem_substances)
        .where(e.c.patient_id == patient_id)
        .order_by(e.c.end_date.is_(None).desc(), e.c.start_date.desc(), e.c.id.desc())
        .limit(1)
    )
    return _one(session, stmt)


def checkups_done(*, session: Session, patient_id: int, since: dt.date) -> int:
    """Finalised post-exit check-ups dated on or after `since` (the last exit)."""
    r = table_of(Review)
    stmt = sa.select(sa.func.count()).where(
        r.c.patient_id == patient_id,
        r.c.kind == "post_exit_checkup",
        r.c.status == "finalised",
        r.c.review_date >= since,
    )
    return int(session.connection().execute(stmt).scalar() or 0)


def episode_ended_by(*, session: Session, patient_id: int, day: dt.date) -> sa.RowMapping | None:
    """The latest episode that ended on or before `day`: the exit a check-up follows."""
    e = table_of(Episode)
    stmt = (
        sa.select(e.c.id, e.c.end_date, e.c.problem_substances)
        .where(e.c.patient_id == patient_id, e.c.end_date <= day)
        .order_by(e.c.end_date.desc(), e.c.id.desc())
        .limit(1)
    )
    return _one(session, stmt)


def checkups_before(
    *, session: Session, patient_id: int, since: dt.date, review_id: int, review_date: dt.date
) -> int:
    """Finalised check-ups from `since` up to this one (by date, then id), not counting it."""
    r = table_of(Review)
    stmt = sa.select(sa.func.count()).where(
        r.c.patient_id == patient_id,
        r.c.kind == "post_exit_checkup",
        r.c.status == "finalised",
        r.c.id != review_id,
        r.c.review_date >= since,
        sa.or_(
            r.c.review_date < review_date,
            sa.and_(r.c.review_date == review_date, r.c.id < review_id),
        ),
    )
    return int(session.connection().execute(stmt).scalar() or 0)


def current_prescription(*, session: Session, patient_id: int) -> Prescription | None:
    return session.exec(  # type: ignore[call-overload, no-any-return]
        sa.select(Prescription)
        .where(Prescription.patient_id == patient_id, Prescription.end_date.is_(None))  # type: ignore[union-attr]
        .order_by(Prescription.start_date.desc(), Prescription.id.desc())  # type: ignore[attr-defined]
        .limit(1)
    ).scalar()


def pending_change(*, session: Session, patient_id: int, after: dt.date) -> dt.date | None:
    """The first date after `after` on which a prescription row starts or ends."""
    rx = table_of(Prescription)
    starts = sa.select(sa.func.min(rx.c.start_date)).where(
        rx.c.patient_id == patient_id, rx.c.start_date > after
    )
    ends = sa.select(sa.func.min(rx.c.end_date)).where(
        rx.c.patient_id == patient_id, rx.c.end_date > after
    )
    conn = session.connection()
    days = [d for d in (conn.execute(starts).scalar(), conn.execute(ends).scalar()) if d]
    return min(days) if days else None


def staff_name(*, session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    t = table_of(Staff)
    return str(
        session.connection().execute(sa.select(t.c.name).where(t.c.id == staff_id)).scalar() or ""
    )


def parse_value(field: str, text: str) -> Any:
    """An addendum's stored text back to the column's value ("" = not answered)."""
    if field.startswith("drug_"):
        return text
    if text == "":
        return None
    if text in ("yes", "no"):
        return text == "yes"
    return float(text) if field.endswith("_amount") else int(text)


def value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


@cache
def _addenda_of() -> sa.Select[Any]:
    """Built once: every write's cache refresh runs it."""
    a = table_of(ReviewAddendum)
    return (
        sa.select(a.c.review_id, a.c.field, a.c.new_value)
        .where(a.c.review_id.in_(sa.bindparam("ids", expanding=True)))
        .order_by(a.c.id)
    )


def corrected(*, session: Session, rows: Rows) -> list[dict[str, Any]]:
    """Review rows (each with `id`) with the latest addendum value of each of their
    columns applied, so trends, alerts and indicators use corrected values. A BARC-10
    item's correction corrects `barc10_total`."""
    out = [dict(r) for r in rows]
    if not out:
        return out
    fixes = (
        session.connection()
        .execute(_addenda_of(), {"ids": [r["id"] for r in out]})
        .mappings()
        .all()
    )
    by_id = {r["id"]: r for r in out}
    for fix in fixes:
        row = by_id[fix["review_id"]]
        field = fix["field"]
        if field.startswith("barc10_q") and "barc10_total" in row:
            row["barc10_total"] = barc10_rules.total(
                corrected_barc(session=session, review_id=fix["review_id"])
            )
        elif field in row:
            row[field] = parse_value(field, fix["new_value"])
    return out


def corrected_barc(*, session: Session, review_id: int) -> list[int | None]:
    row = barc(session=session, review_id=review_id)
    answers: list[int | None] = [row[f"q{n}"] if row else None for n in range(1, 11)]
    for fix in addenda(session=session, review_id=review_id):
        if fix["field"].startswith("barc10_q"):
            answers[int(fix["field"].removeprefix("barc10_q")) - 1] = parse_value(
                fix["field"], fix["new_value"]
            )
    return answers
