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
from db.models import Episode, Goal, Linkage, Patient, Resource, table_of
from db.queries import record_selects as sel

P, E, GOAL = table_of(Patient), table_of(Episode), table_of(Goal)
L, RES = table_of(Linkage), table_of(Resource)
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
    episodes = _all(session, sel.episodes(ids))
    rx = _all(session, sel.prescriptions(ids, on))
    fixed = sel.finalised_reviews(session, ids, on)
    health = _all(session, sel.health(ids, on))
    plans = _all(session, sel.agreed_plans(ids, on))
    latest_plan = {m["patient_id"]: m for m in plans}  # the highest version wins
    goals = _all(
        session,
        sa.select(GOAL.c.care_plan_id, GOAL.c.domain, GOAL.c.status).where(
            GOAL.c.care_plan_id.in_(sel.agreed_plan_ids(ids, on))
        ),
    )
    family = _group(_all(session, sel.family(ids)))
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
