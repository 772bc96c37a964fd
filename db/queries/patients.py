"""Patient list queries: indexed prefix ranges and keyset pages, never the whole register."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import Session

from console.rules.caches import ROW_FIELDS
from db.models import Patient, PracticeSettings, Staff, table_of

P = table_of(Patient)
S = table_of(Staff).alias("keyworker")
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
    # every row cache the alert letters are decided from (console.rules.caches.ROW_FIELDS)
    *(P.c[name] for name in ROW_FIELDS),
    P.c.keyworker_id,
    S.c.name.label("keyworker_name"),
)
# The keyworker's name for the wide list: one primary-key lookup per row of the page.
FROM = P.outerjoin(S, S.c.id == P.c.keyworker_id)


@dataclass(frozen=True)
class Criteria:
    family_prefix: str = ""
    given_prefix: str = ""
    either_prefix: str = ""  # one word: family OR given name
    nhs_prefix: str = ""
    date_of_birth: dt.date | None = None
    nhs_or_dob: bool = False  # either the NHS prefix or the date of birth matches
    statuses: tuple[str, ...] = ()
    keyworker_id: int | None = None
    due_by: dt.date | None = None  # next review on or before this date
    # Any flag of console.rules.flags, worked out in SQL from the row caches (FlagDates).
    flagged_on: FlagDates | None = None
    by_review: bool = False  # next review soonest first, patients with no date last


@dataclass(frozen=True)
class FlagDates:
    """Today and the look-back limits `console.rules.flags` judges the caches against."""

    today: dt.date
    year_ago: dt.date
    two_years_ago: dt.date
    six_months_ago: dt.date
    barc10_threshold: int = 6


PageKey = tuple[object, ...]
FAMILY_ORDER = (P.c.family_key, P.c.given_key, P.c.id)
GIVEN_ORDER = (P.c.given_key, P.c.family_key, P.c.id)
# By next review: dated patients by (date, id) on the next_review_due index, then the
# undated ones in name order; each branch is its own keyset, like the name branches.
DUE_ORDER = (P.c.next_review_due, P.c.id)
ORDERS = {
    "family": FAMILY_ORDER,
    "given": GIVEN_ORDER,
    "due": DUE_ORDER,
    "due_scan": DUE_ORDER,
    "undated": FAMILY_ORDER,
}
# Name matches above which the next-review page walks the date index instead of sorting
# the matches: measured at 260k patients, the two cost the same near 5,000 matches.
SCAN_FROM = 4000
NAME_KEYS = {"family": P.c.family_key, "given": P.c.given_key, "nhs": P.c.nhs_number}


class _Unindexed(sa.sql.expression.ColumnElement[str]):
    """A column SQLite must not pick an index for (`+col`): for a common name prefix in
    next-review order, walking the date index beats sorting thousands of name matches."""

    inherit_cache = True
    # The wrapped column is part of the statement cache key (family vs given key).
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: sa.ColumnElement[str]) -> None:
        self.column = column
        self.type = column.type


@compiles(_Unindexed)
def _unindexed(element: _Unindexed, compiler: SQLCompiler, **kw: object) -> str:
    return compiler.process(element.column, **kw)


@compiles(_Unindexed, "sqlite")
def _unindexed_sqlite(element: _Unindexed, compiler: SQLCompiler, **kw: object) -> str:
    return "+" + compiler.process(element.column, **kw)


def _prefix(
    column: sa.ColumnElement[str], name: str, *, indexed: bool = True
) -> sa.ColumnElement[bool]:
    # A plain range, not LIKE/ilike/startswith, so both SQLite and PostgreSQL use the index.
    col = column if indexed else _Unindexed(column)
    return sa.and_(col >= sa.bindparam(name), col < sa.bindparam(f"{name}_end"))


def in_force(column: str, today: sa.BindParameter[dt.date]) -> sa.ColumnElement[object]:
    """SQL twin of `console.rules.caches.effective` for one prescription cache: the
    pending change's value once its date has come."""
    changed = sa.and_(P.c.dose_change_on.is_not(None), P.c.dose_change_on <= today)
    moved = sa.and_(P.c.pending_medicine != "", P.c.current_medicine != "")
    pending: sa.ColumnElement[object] = {
        "current_medicine": P.c.pending_medicine,
        "current_dose_mg": P.c.pending_dose_mg,
        "ost_continuous_start": P.c.pending_ost_start,
        "missed_doses_in_row": sa.literal(0),
        "ecg_date": sa.case((moved, P.c.ecg_date), else_=sa.null()),
        "sedatives": sa.case((moved, P.c.sedatives), else_=sa.literal("")),
    }[column]
    return sa.case((changed, pending), else_=P.c[column])


def _flagged() -> sa.ColumnElement[bool]:
    """SQL twin of `console.rules.flags.list_flags(...) != ""`: any alert letter (a test
    keeps them equal)."""
    today = sa.bindparam("f_today", type_=sa.Date)
    year_ago = sa.bindparam("f_year", type_=sa.Date)
    six_months = sa.bindparam("f_six_months", type_=sa.Date)
    medicine = sa.func.coalesce(in_force("current_medicine", today), "")
    on_ost = medicine != ""
    ost_start = in_force("ost_continuous_start", today)
    ecg = in_force("ecg_date", today)
    safety = sa.or_(
        sa.and_(
            P.c.barc10_previous.is_not(None),
            P.c.last_barc10_total.is_not(None),
            P.c.barc10_previous - P.c.last_barc10_total >= sa.bindparam("f_barc"),
        ),
        P.c.top_shared.is_not(None),
        in_force("missed_doses_in_row", today) >= 3,
        sa.and_(
            medicine == "methadone_oral",
            in_force("current_dose_mg", today) > 100,
            sa.or_(ecg.is_(None), ecg < year_ago),
        ),
        sa.func.coalesce(in_force("sedatives", today), "") != "",
        sa.and_(
            P.c.children_under_16 > 0,
            sa.or_(P.c.safe_storage_discussed.is_(None), P.c.safe_storage_discussed < year_ago),
        ),
    )
    review = sa.or_(
        P.c.next_review_due < today,
        sa.and_(P.c.episode_start.is_not(None), P.c.agreed_plan_on.is_(None)),
    )
    drift = sa.and_(
        on_ost,
        ost_start <= sa.bindparam("f_two_years", type_=sa.Date),
        sa.or_(
            P.c.last_strategic_review.is_(None),
            sa.func.coalesce(P.c.last_ost_decision, "").in_(("", "pending")),
            P.c.last_strategic_review < six_months,
            P.c.agreed_plan_substance_goal.is_(None),
        ),
    )
    health = sa.or_(
        sa.and_(
            sa.or_(on_ost, P.c.top_opioid_use.is_not(None)),
            sa.or_(P.c.last_naloxone.is_(None), P.c.last_naloxone < year_ago),
        ),
        sa.and_(
            P.c.injecting_recorded.is_not(None),
            sa.or_(P.c.last_hcv_test.is_(None), P.c.last_hcv_test < year_ago),
        ),
        sa.and_(P.c.hbv_course_completed.is_(None), P.c.hbv_not_needed.is_(None)),
    )
    return sa.and_(
        P.c.status != "deceased",
        sa.or_(
            safety,  # S
            P.c.last_unexpected_test.is_not(None),  # T
            review,  # R
            drift,  # D
            health,  # H
            P.c.next_linkage_followup <= today,  # L
            P.c.next_checkup_due <= today,  # C
            P.c.unsuccessful_exit >= six_months,  # E
        ),
    )


@lru_cache(maxsize=256)
def _statement(shape: tuple[str, ...], order: str, keyed: bool) -> sa.Select[tuple[object, ...]]:
    """One statement per shape of search, built once: only its parameters change per key."""
    where: list[sa.ColumnElement[bool]] = []
    indexed = order != "due_scan"
    if "family" in shape:
        where.append(_prefix(P.c.family_key, "family", indexed=indexed))
    if "given" in shape:
        where.append(_prefix(P.c.given_key, "given", indexed=indexed))
    if "either" in shape:  # one word, in next-review order: family or given name
        where.append(
            sa.or_(
                _prefix(P.c.family_key, "either", indexed=indexed),
                _prefix(P.c.given_key, "either", indexed=indexed),
            )
        )
    if "not_family" in shape:  # given-name matches not already listed as family matches
        where.append(sa.not_(_prefix(P.c.family_key, "not_family")))
    if "nhs" in shape:
        where.append(_prefix(P.c.nhs_number, "nhs", indexed=indexed))
    if "nhsdob" in shape:  # eight digits that are also a date: either may match
        where.append(
            sa.or_(
                _prefix(P.c.nhs_number, "nhsdob", indexed=indexed),
                P.c.date_of_birth == sa.bindparam("dob"),
            )
        )
    elif "dob" in shape:
        where.append(P.c.date_of_birth == sa.bindparam("dob"))
    if "statuses" in shape:
        where.append(P.c.status.in_(sa.bindparam("statuses", expanding=True)))
    if "keyworker" in shape:
        where.append(P.c.keyworker_id == sa.bindparam("keyworker"))
    if "due_by" in shape:
        where.append(P.c.next_review_due <= sa.bindparam("due_by"))
    if "f_today" in shape:
        where.append(_flagged())
    if order in ("due", "due_scan"):
        where.append(P.c.next_review_due.is_not(None))
    elif order == "undated":
        where.append(P.c.next_review_due.is_(None))
    columns = ORDERS[order]
    if keyed:
        names = [f"k{n}" for n in range(1, len(columns) + 1)]
        where.append(sa.tuple_(*columns) > sa.tuple_(*(sa.bindparam(n) for n in names)))
    return (
        sa.select(*LIST_COLUMNS)
        .select_from(FROM)
        .where(*where)
        .order_by(*columns)
        .limit(sa.bindparam("limit"))
    )


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
        values.update({f"k{n}": value for n, value in enumerate(after, 1)})
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
        ("nhsdob" if criteria.nhs_or_dob else "nhs", criteria.nhs_prefix),
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
    if criteria.flagged_on is not None:
        f = criteria.flagged_on
        params.update(
            f_today=f.today,
            f_year=f.year_ago,
            f_two_years=f.two_years_ago,
            f_six_months=f.six_months_ago,
            f_barc=f.barc10_threshold,
        )
    word = criteria.either_prefix
    if criteria.by_review:
        if word:
            params.update(either=word, either_end=word + TOP)
        return _by_review(session, params, limit, after)
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


def _by_review(
    session: Session, params: dict[str, object], limit: int, after: PageKey | None
) -> list[tuple[PageKey, sa.Row[tuple[object, ...]]]]:
    """Dated patients soonest (most overdue) first, then the undated ones by name."""
    found: list[tuple[PageKey, sa.Row[tuple[object, ...]]]] = []
    if after is None or after[0] == "d":
        order = "due_scan" if _many_name_matches(session, params) else "due"
        rows = _run(session, params, order, after[1:] if after else None, limit)
        found = [(("d", r.next_review_due, r.id), r) for r in rows]
        after = None
    if len(found) < limit:
        rows = _run(session, params, "undated", after[1:] if after else None, limit - len(found))
        found += [(("u", r.family_key, r.given_key, r.id), r) for r in rows]
    return found


def _many_name_matches(session: Session, params: dict[str, object]) -> bool:
    """Whether the typed name or NHS prefix matches SCAN_FROM patients or more (index only)."""
    names = [k for k in ("family", "given", "nhs") if k in params]
    if "either" in params:
        return any(
            _capped_count(
                session, (key,), {key: params["either"], f"{key}_end": params["either_end"]}
            )
            >= SCAN_FROM
            for key in ("family", "given")
        )
    if not names:
        return False
    values = {k: params[k] for k in names} | {f"{k}_end": params[f"{k}_end"] for k in names}
    return _capped_count(session, tuple(names), values) >= SCAN_FROM


def _capped_count(session: Session, names: tuple[str, ...], values: dict[str, object]) -> int:
    return session.connection().execute(_count_statement(names), values).scalar_one()


@lru_cache(maxsize=16)
def _count_statement(names: tuple[str, ...]) -> sa.Select[tuple[int]]:
    where = [_prefix(NAME_KEYS[name], name) for name in names]
    matches = sa.select(sa.literal(1)).select_from(P).where(*where).limit(SCAN_FROM).subquery()
    return sa.select(sa.func.count()).select_from(matches)


def barc10_threshold(*, session: Session) -> int:
    """The practice's BARC-10 fall threshold (6 until set)."""
    t = table_of(PracticeSettings)
    value = session.connection().execute(sa.select(t.c.barc10_fall_threshold)).scalar()
    return int(value) if value is not None else 6


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
