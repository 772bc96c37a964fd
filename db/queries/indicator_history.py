"""Practice indicators as at a past date: the source rows as they stood on that date,
read in bulk (one select per table), for the service to derive each patient's caches
from (console.services.indicator_history).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules.vocab import MUTUAL_AID_KINDS
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
    TopScore,
    table_of,
)
from db.queries import reviews as reviews_q

P = table_of(Patient)
E, RX, H = table_of(Episode), table_of(Prescription), table_of(HealthCheck)
R, B, TOP = table_of(Review), table_of(Barc10), table_of(TopScore)
L, RES, FAM = table_of(Linkage), table_of(Resource), table_of(FamilyMember)
PLAN, GOAL = table_of(CarePlan), table_of(Goal)
Rows = Sequence[sa.RowMapping]


def _d(day: dt.date) -> sa.ColumnElement[dt.date]:
    return sa.literal(day, sa.Date)


def _attended(today: dt.date) -> sa.Select[Any]:
    return (
        sa.select(L.c.patient_id)
        .join(RES, RES.c.id == L.c.resource_id)
        .where(
            RES.c.kind.in_(sorted(MUTUAL_AID_KINDS)),
            L.c.outcome == "attended",
            sa.func.coalesce(L.c.first_attended, L.c.linked_on) <= _d(today),
        )
    )


def _scope(stmt: sa.Select[Any], keyworker_id: int | None) -> sa.Select[Any]:
    return stmt if keyworker_id is None else stmt.where(P.c.keyworker_id == keyworker_id)


def _all(session: Session, stmt: sa.Select[Any]) -> Rows:
    return session.connection().execute(stmt).mappings().all()


def history(
    *,
    session: Session,
    as_at: dt.date,
    keyworker_id: int | None,
    only: set[int] | None = None,
) -> dict[str, Any]:
    """Every source row dated on or before `as_at`, in bulk, of the patients with an
    episode started by then (no denominator holds anyone else; `only` these), grouped by
    patient."""
    on = _d(as_at)
    chosen = sa.select(P.c.id).where(
        P.c.id.in_(sa.select(E.c.patient_id).where(E.c.start_date <= on))
    )
    if only is not None:
        chosen = chosen.where(P.c.id.in_(sorted(only)))
    who = _scope(chosen, keyworker_id).subquery()
    ids = sa.select(who.c.id)
    patients = _all(
        session,
        sa.select(
            P.c.id,
            P.c.status,
            P.c.date_of_death,
            P.c.status_before_death,
            P.c.checkups_planned,
            P.c.children_under_16,
            P.c.safe_storage_discussed,
            P.c.family_involvement,
            P.c.family_involvement_on,
        ).where(P.c.id.in_(ids)),
    )
    episodes = _all(
        session,
        sa.select(E.c.patient_id, E.c.id, E.c.start_date, E.c.end_date, E.c.exit_reason)
        .where(E.c.patient_id.in_(ids))
        .order_by(E.c.patient_id, E.c.start_date, E.c.id),
    )
    rx = _all(
        session,
        sa.select(RX.c.patient_id, RX.c.medicine, RX.c.dose_mg, RX.c.start_date, RX.c.end_date)
        .where(RX.c.patient_id.in_(ids), RX.c.start_date <= on)
        .order_by(RX.c.patient_id, RX.c.start_date, RX.c.id),
    )
    reviews = _all(
        session,
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
        .where(R.c.patient_id.in_(ids), R.c.status == "finalised", R.c.review_date <= on)
        .order_by(R.c.patient_id, R.c.review_date, R.c.id),
    )
    fixed: list[Any] = []
    for n in range(0, len(reviews), 500):  # addenda applied, as the caches have them
        fixed += reviews_q.corrected(session=session, rows=reviews[n : n + 500])
    health = _all(
        session,
        sa.select(H.c.patient_id, H.c.kind, H.c.check_date, H.c.result)
        .where(H.c.patient_id.in_(ids), H.c.check_date <= on)
        .order_by(H.c.patient_id, H.c.check_date, H.c.id),
    )
    plans = _all(
        session,
        sa.select(PLAN.c.patient_id, PLAN.c.id, PLAN.c.agreed_on, PLAN.c.version_no)
        .where(
            PLAN.c.patient_id.in_(ids),
            PLAN.c.status == "agreed",
            sa.or_(PLAN.c.agreed_on.is_(None), PLAN.c.agreed_on <= on),
        )
        .order_by(PLAN.c.patient_id, PLAN.c.version_no),
    )
    latest_plan = {m["patient_id"]: m for m in plans}  # the highest version wins
    goals = _all(
        session,
        sa.select(GOAL.c.care_plan_id, GOAL.c.domain, GOAL.c.status).where(
            GOAL.c.care_plan_id.in_(
                sa.select(PLAN.c.id).where(
                    PLAN.c.patient_id.in_(ids),
                    PLAN.c.status == "agreed",
                    sa.or_(PLAN.c.agreed_on.is_(None), PLAN.c.agreed_on <= on),
                )
            )
        ),
    )
    family = _group(
        _all(
            session,
            sa.select(FAM.c.patient_id, FAM.c.added_on).where(FAM.c.patient_id.in_(ids)),
        )
    )
    attended = {
        int(i)
        for i in session.connection()
        .execute(_attended(as_at).where(L.c.patient_id.in_(ids)).distinct())
        .scalars()
    }
    return {
        "patients": patients,
        "episodes": _group(episodes),
        "rx": _group(rx),
        "reviews": _group(fixed),
        "health": _group(health),
        "plans": latest_plan,
        "goals": _group(goals, "care_plan_id"),
        "family": family,
        "attended": attended,
    }


def _group(rows: Sequence[Any], key: str = "patient_id") -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for m in rows:
        out[m[key]].append(m)
    return out
