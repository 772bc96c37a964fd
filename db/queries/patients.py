"""Patient list queries: indexed prefix ranges and keyset pages, never the whole register."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from db.models import Patient, table_of

P = table_of(Patient)
# Above every character a search key holds, so [prefix, prefix + TOP) is the prefix's range.
TOP = "\U0010ffff"

LIST_COLUMNS = (
    P.c.id,
    P.c.nhs_number,
    P.c.family_name,
    P.c.given_name,
    P.c.family_key,
    P.c.given_key,
    P.c.date_of_birth,
    P.c.status,
    P.c.next_review_due,
    P.c.current_medicine,
    P.c.current_dose_mg,
    P.c.episode_start,
    P.c.last_strategic_review,
    P.c.last_ost_decision,
    P.c.ost_continuous_start,
    P.c.agreed_plan_substance_goal,
    P.c.last_naloxone,
    P.c.last_hcv_test,
    P.c.injecting_recorded,
    P.c.next_checkup_due,
    P.c.next_linkage_followup,
)


@dataclass(frozen=True)
class Criteria:
    family_prefix: str = ""
    given_prefix: str = ""
    either_prefix: str = ""  # one word: family OR given name
    nhs_prefix: str = ""
    date_of_birth: dt.date | None = None
    statuses: tuple[str, ...] = ()
    keyworker_id: int | None = None
    due_by: dt.date | None = None  # next review on or before this date


def _prefix(column: sa.ColumnElement[str], prefix: str) -> sa.ColumnElement[bool]:
    # A plain range, not LIKE/ilike/startswith, so both SQLite and PostgreSQL use the index.
    return sa.and_(column >= prefix, column < prefix + TOP)


def _filters(c: Criteria) -> list[sa.ColumnElement[bool]]:
    where: list[sa.ColumnElement[bool]] = []
    if c.family_prefix:
        where.append(_prefix(P.c.family_key, c.family_prefix))
    if c.given_prefix:
        where.append(_prefix(P.c.given_key, c.given_prefix))
    if c.nhs_prefix:
        where.append(_prefix(P.c.nhs_number, c.nhs_prefix))
    if c.date_of_birth is not None:
        where.append(P.c.date_of_birth == c.date_of_birth)
    if c.statuses:
        where.append(P.c.status.in_(c.statuses))
    if c.keyworker_id is not None:
        where.append(P.c.keyworker_id == c.keyworker_id)
    if c.due_by is not None:
        where.append(P.c.next_review_due <= c.due_by)
    return where


def _after(after: tuple[str, str, int] | None) -> list[sa.ColumnElement[bool]]:
    if after is None:
        return []
    return [sa.tuple_(P.c.family_key, P.c.given_key, P.c.id) > sa.tuple_(*after)]


def search(
    *,
    session: Session,
    criteria: Criteria,
    limit: int,
    after: tuple[str, str, int] | None = None,
) -> Sequence[sa.Row[tuple[object, ...]]]:
    """A page of patients in name order matching the criteria."""
    order = (P.c.family_key, P.c.given_key, P.c.id)
    base = _filters(criteria) + _after(after)
    if not criteria.either_prefix:
        stmt = sa.select(*LIST_COLUMNS).where(*base).order_by(*order).limit(limit)
        return session.connection().execute(stmt).all()
    # One word matches a family or a given name: two index ranges, merged.
    branches = []
    for column in (P.c.family_key, P.c.given_key):
        branch = (
            sa.select(P.c.id)
            .where(_prefix(column, criteria.either_prefix), *base)
            .order_by(*order)
            .limit(limit)
        )
        branches.append(sa.select(branch.subquery().c.id))
    ids = sa.union(*branches).subquery()
    stmt = sa.select(*LIST_COLUMNS).join(ids, ids.c.id == P.c.id).order_by(*order).limit(limit)
    return session.connection().execute(stmt).all()


def count_all(*, session: Session) -> int:
    return session.connection().execute(sa.select(sa.func.count()).select_from(P)).scalar_one()


def count_due(*, session: Session, on_or_before: dt.date) -> int:
    stmt = (
        sa.select(sa.func.count())
        .select_from(P)
        .where(
            P.c.next_review_due <= on_or_before,
            P.c.status.in_(("in_treatment",)),
        )
    )
    return session.connection().execute(stmt).scalar_one()
