"""Patient list queries: indexed prefix ranges and keyset pages, never the whole register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

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


PageKey = tuple[object, ...]
FAMILY_ORDER = (P.c.family_key, P.c.given_key, P.c.id)
GIVEN_ORDER = (P.c.given_key, P.c.family_key, P.c.id)


def _prefix(column: sa.ColumnElement[str], name: str) -> sa.ColumnElement[bool]:
    # A plain range, not LIKE/ilike/startswith, so both SQLite and PostgreSQL use the index.
    return sa.and_(column >= sa.bindparam(name), column < sa.bindparam(f"{name}_end"))


@lru_cache(maxsize=256)
def _statement(shape: tuple[str, ...], order: str, keyed: bool) -> sa.Select[tuple[object, ...]]:
    """One statement per shape of search, built once: only its parameters change per key."""
    where: list[sa.ColumnElement[bool]] = []
    if "family" in shape:
        where.append(_prefix(P.c.family_key, "family"))
    if "given" in shape:
        where.append(_prefix(P.c.given_key, "given"))
    if "not_family" in shape:  # given-name matches not already listed as family matches
        where.append(sa.not_(_prefix(P.c.family_key, "not_family")))
    if "nhs" in shape:
        where.append(_prefix(P.c.nhs_number, "nhs"))
    if "dob" in shape:
        where.append(P.c.date_of_birth == sa.bindparam("dob"))
    if "statuses" in shape:
        where.append(P.c.status.in_(sa.bindparam("statuses", expanding=True)))
    if "keyworker" in shape:
        where.append(P.c.keyworker_id == sa.bindparam("keyworker"))
    if "due_by" in shape:
        where.append(P.c.next_review_due <= sa.bindparam("due_by"))
    columns = FAMILY_ORDER if order == "family" else GIVEN_ORDER
    if keyed:
        where.append(
            sa.tuple_(*columns)
            > sa.tuple_(sa.bindparam("k1"), sa.bindparam("k2"), sa.bindparam("k3"))
        )
    return sa.select(*LIST_COLUMNS).where(*where).order_by(*columns).limit(sa.bindparam("limit"))


def _run(
    session: Session,
    params: dict[str, object],
    order: str,
    after: PageKey | None,
    limit: int,
) -> list[sa.Row[tuple[object, ...]]]:
    shape = tuple(sorted(k for k in params if not k.endswith("_end")))
    values = dict(params, limit=limit)
    if after is not None:
        values.update(k1=after[0], k2=after[1], k3=after[2])
    stmt = _statement(shape, order, after is not None)
    return list(session.connection().execute(stmt, values).all())


def search(
    *,
    session: Session,
    criteria: Criteria,
    limit: int,
    after: PageKey | None = None,
) -> list[tuple[PageKey, sa.Row[tuple[object, ...]]]]:
    """A page of patients with the key to continue after each row.

    Name order, by index. One word matches a family name or a given name: family-name
    matches come first in name order, then the rest matching by given name in given-name
    order, each an index range, so one letter over 260,000 patients never sorts thousands.
    """
    params: dict[str, object] = {}
    for name, value in (
        ("family", criteria.family_prefix),
        ("given", criteria.given_prefix),
        ("nhs", criteria.nhs_prefix),
    ):
        if value:
            params[name], params[f"{name}_end"] = value, value + TOP
    if criteria.date_of_birth is not None:
        params["dob"] = criteria.date_of_birth
    if criteria.statuses:
        params["statuses"] = list(criteria.statuses)
    if criteria.keyworker_id is not None:
        params["keyworker"] = criteria.keyworker_id
    if criteria.due_by is not None:
        params["due_by"] = criteria.due_by
    word = criteria.either_prefix
    if not word:
        rows = _run(session, params, "family", after[1:] if after else None, limit)
        return [(("f", r.family_key, r.given_key, r.id), r) for r in rows]
    found: list[tuple[PageKey, sa.Row[tuple[object, ...]]]] = []
    if after is None or after[0] == "f":
        family = dict(params, family=word, family_end=word + TOP)
        rows = _run(session, family, "family", after[1:] if after else None, limit)
        found = [(("f", r.family_key, r.given_key, r.id), r) for r in rows]
        after = None
    if len(found) < limit:
        given = dict(
            params, given=word, given_end=word + TOP, not_family=word, not_family_end=word + TOP
        )
        rows = _run(session, given, "given", after[1:] if after else None, limit - len(found))
        found += [(("g", r.given_key, r.family_key, r.id), r) for r in rows]
    return found


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
