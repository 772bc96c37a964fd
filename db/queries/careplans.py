"""Care plan reads: versions, goals, status events, the last TOP. No commits here."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from db.models import AuditEvent, CarePlan, Goal, GoalStatusEvent, Review, Staff, TopScore


def plans(*, session: Session, patient_id: int) -> Sequence[CarePlan]:
    stmt = (
        select(CarePlan).where(CarePlan.patient_id == patient_id).order_by(col(CarePlan.version_no))
    )
    return session.exec(stmt).all()


def latest_plan(*, session: Session, patient_id: int, lock: bool = False) -> CarePlan | None:
    stmt = (
        select(CarePlan)
        .where(CarePlan.patient_id == patient_id)
        .order_by(col(CarePlan.version_no).desc())
        .limit(1)
    )
    if lock:
        stmt = stmt.with_for_update()
    return session.exec(stmt).first()


def goals(*, session: Session, plan_id: int) -> Sequence[Goal]:
    stmt = (
        select(Goal)
        .where(Goal.care_plan_id == plan_id)
        .order_by(col(Goal.domain), col(Goal.position), col(Goal.id))
    )
    return session.exec(stmt).all()


def goals_by_key(*, session: Session, patient_id: int, goal_key: int) -> Sequence[Goal]:
    """The goal's row in every version of the patient's plan."""
    stmt = (
        select(Goal)
        .join(CarePlan, col(CarePlan.id) == col(Goal.care_plan_id))
        .where(CarePlan.patient_id == patient_id, Goal.goal_key == goal_key)
    )
    return session.exec(stmt).all()


def next_goal_key(*, session: Session) -> int:
    # Writers are serialised (BEGIN IMMEDIATE / audit head lock), so max + 1 is safe.
    return (session.exec(select(func.max(Goal.goal_key))).one() or 0) + 1


def status_events(*, session: Session, patient_id: int) -> Sequence[GoalStatusEvent]:
    stmt = (
        select(GoalStatusEvent)
        .where(GoalStatusEvent.patient_id == patient_id)
        .order_by(col(GoalStatusEvent.at), col(GoalStatusEvent.id))
    )
    return session.exec(stmt).all()


def agreed_times(*, session: Session, plan_ids: Iterable[int]) -> dict[int, str]:
    """When each version's agreement was recorded (UTC ISO), from the audit log."""
    ids = list(plan_ids)
    if not ids:
        return {}
    stmt = select(AuditEvent.entity_id, AuditEvent.at).where(
        AuditEvent.entity == "care_plan",
        AuditEvent.action == "careplan.agree",
        col(AuditEvent.entity_id).in_(ids),
    )
    return {int(pid): at for pid, at in session.exec(stmt).all() if pid is not None}


def staff_names(*, session: Session, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    stmt = select(Staff.id, Staff.name).where(col(Staff.id).in_(wanted))
    return {int(i): name for i, name in session.exec(stmt).all() if i is not None}


def last_top(*, session: Session, patient_id: int) -> sa.RowMapping | None:
    """Housing and work answers of the latest finalised review that has a TOP."""
    top = TopScore.__table__  # type: ignore[attr-defined]
    review = Review.__table__  # type: ignore[attr-defined]
    stmt = (
        sa.select(top.c.acute_housing, top.c.eviction_risk, top.c.paid_work_days)
        .join(review, review.c.id == top.c.review_id)
        .where(review.c.patient_id == patient_id, review.c.status == "finalised")
        .order_by(review.c.review_date.desc(), review.c.id.desc())
        .limit(1)
    )
    return session.connection().execute(stmt).mappings().first()
