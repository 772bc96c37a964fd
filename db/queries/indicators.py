"""Practice indicator selects (issue 17) for today: one pass over `patient` (SUM(CASE …)
of the SQL twin of each definition in console.rules.indicators over the row caches, each
a column test), and the patient lists behind them. A past date reads history instead
(db.queries.indicator_history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import indicators as rules
from db.models import Episode, Patient, table_of
from db.queries.patients import FROM, LIST_COLUMNS, in_force

P, E = table_of(Patient), table_of(Episode)
Cond = sa.ColumnElement[bool]


def _d(day: dt.date) -> sa.ColumnElement[dt.date]:
    return sa.literal(day, sa.Date)


def _in_window(lim: rules.Limits) -> sa.Select[Any]:
    return sa.select(E.c.patient_id).where(
        E.c.start_date <= _d(lim.window_end),
        sa.or_(E.c.end_date.is_(None), E.c.end_date >= _d(lim.window_start)),
    )


def _by(col: sa.ColumnElement[Any], today: dt.date) -> Cond:
    return sa.and_(col.is_not(None), col <= _d(today))


def _within(col: sa.ColumnElement[Any], start: dt.date, today: dt.date) -> Cond:
    return sa.and_(col.is_not(None), col >= _d(start), col <= _d(today))


def _drift(lim: rules.Limits) -> Cond:
    """SQL twin of `console.rules.alerts.drift_reasons` (for those on OST 2 years+)."""
    return sa.or_(
        P.c.last_strategic_review.is_(None),
        sa.func.coalesce(P.c.last_ost_decision, "").in_(("", "pending")),
        P.c.last_strategic_review < _d(lim.six_months),
        P.c.agreed_plan_substance_goal.is_(None),
    )


def conditions(lim: rules.Limits) -> dict[str, tuple[Cond, Cond | None]]:
    """(denominator, numerator) in SQL per key, on the caches as they stand today; the
    numerator of `successful_completion` is None (its re-presentation test is in Python,
    `completers`)."""
    today = _d(lim.today)
    alive = P.c.status != "deceased"
    active = sa.and_(alive, P.c.episode_start.is_not(None))
    medicine = sa.func.coalesce(in_force("current_medicine", today), "")
    on_ost = medicine != ""
    ost_start = in_force("ost_continuous_start", today)
    ost_2y = sa.and_(active, on_ost, ost_start.is_not(None), ost_start <= _d(lim.two_years))
    drift = _drift(lim)
    return {
        "strategic_review_6m": (
            active,
            _within(P.c.last_strategic_review, lim.six_months, lim.today),
        ),
        "agreed_care_plan": (active, P.c.agreed_plan_on.is_not(None)),
        "barc10_6m": (active, _within(P.c.barc10_on, lim.six_months, lim.today)),
        "mutual_aid_attended": (active, _by(P.c.mutual_aid_on, lim.today)),
        "family_considered": (active, P.c.family_considered == sa.true()),
        "hcv_tested_12m": (
            sa.and_(active, P.c.injecting_recorded.is_not(None)),
            _within(P.c.last_hcv_test, lim.year, lim.today),
        ),
        "hepb_completed": (
            active,
            sa.or_(P.c.hbv_course_completed.is_not(None), _by(P.c.hbv_immune, lim.today)),
        ),
        "naloxone_12m": (
            sa.and_(active, sa.or_(on_ost, P.c.top_opioid_use.is_not(None))),
            _within(P.c.last_naloxone, lim.year, lim.today),
        ),
        "ost_2y_considered": (ost_2y, sa.not_(drift)),
        "checkups_up_to_date": (
            P.c.status == rules.POST_EXIT,
            sa.or_(P.c.next_checkup_due.is_(None), P.c.next_checkup_due >= today),
        ),
        "successful_completion": (sa.and_(alive, P.c.id.in_(_in_window(lim))), None),
    }


def _scope(stmt: sa.Select[Any], keyworker_id: int | None) -> sa.Select[Any]:
    return stmt if keyworker_id is None else stmt.where(P.c.keyworker_id == keyworker_id)


def _one(cond: Cond) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


def counts(
    *, session: Session, lim: rules.Limits, keyworker_id: int | None, outcomes: bool = True
) -> tuple[dict[str, tuple[int, int]], list[tuple[int, int]], list[int]]:
    """(numerator, denominator) per key; (patients, with a considered decision) per band
    of continuous time on OST (console.rules.indicators.ost_band) for the active caseload
    on OST; and the start-TOP outcome counts (`outcome_columns`; [] without `outcomes`):
    in one pass over `patient`. The completion numerator is 0 here (see `completers`)."""
    stmt, bands = counts_select(lim, keyworker_id, outcomes=outcomes)
    m = session.connection().execute(stmt).mappings().one()
    return (
        {k: (int(m.get(f"{k}__n", 0)), int(m[f"{k}__d"])) for k in rules.KEYS},
        [(int(m[f"band{n}"]), int(m[f"considered{n}"])) for n in range(bands)],
        [int(m[c.name]) for c in outcome_columns(lim)] if outcomes else [],
    )


def counts_select(
    lim: rules.Limits, keyworker_id: int | None, *, outcomes: bool = True
) -> tuple[sa.Select[Any], int]:
    """The one select of `counts` (the benchmark runs it raw), and how many bands."""
    cols: list[sa.ColumnElement[Any]] = []
    for key, (den, num) in conditions(lim).items():
        cols.append(_one(den).label(f"{key}__d"))
        if num is not None:
            cols.append(_one(sa.and_(den, num)).label(f"{key}__n"))
    bands = _bands(lim)
    drift = _drift(lim)
    for n, band in enumerate(bands):
        cols.append(_one(band).label(f"band{n}"))
        cols.append(_one(sa.and_(band, sa.not_(drift))).label(f"considered{n}"))
    if outcomes:
        cols += outcome_columns(lim)
    return _scope(sa.select(*cols).select_from(P), keyworker_id), len(bands)


def _bands(lim: rules.Limits) -> list[Cond]:
    """The SQL twin of `ost_band` for each band, on the active caseload on OST."""
    den, _ = conditions(lim)["strategic_review_6m"]
    today = _d(lim.today)
    start = in_force("ost_continuous_start", today)
    on_ost = sa.and_(
        den, sa.func.coalesce(in_force("current_medicine", today), "") != "", start.is_not(None)
    )
    one, two, five = (_d(e) for e in rules.band_edges(lim.today))
    return [
        sa.and_(on_ost, start > one),
        sa.and_(on_ost, start <= one, start > two),
        sa.and_(on_ost, start <= two, start > five),
        sa.and_(on_ost, start <= five),
    ]


def completers(*, session: Session, lim: rules.Limits, keyworker_id: int | None) -> set[int]:
    """Patients (alive) with a successful exit in the window and no new episode started
    within 6 months of it."""
    n = E.alias("next_episode")
    next_start = (
        sa.select(sa.func.min(n.c.start_date))
        .where(n.c.patient_id == E.c.patient_id, n.c.id != E.c.id, n.c.start_date >= E.c.end_date)
        .scalar_subquery()
    )
    stmt = (
        sa.select(E.c.patient_id, E.c.end_date, next_start.label("next_start"))
        .join(P, P.c.id == E.c.patient_id)
        .where(
            E.c.exit_reason.in_(sorted(rules.SUCCESSFUL_EXITS)),
            E.c.end_date >= _d(lim.window_start),
            E.c.end_date <= _d(lim.window_end),
            P.c.status != "deceased",
        )
    )
    found: set[int] = set()
    for m in session.connection().execute(_scope(stmt, keyworker_id)).mappings():
        if not rules.re_presented(_date(m["end_date"]), _date_or_none(m["next_start"])):
            found.add(int(m["patient_id"]))
    return found


def listing(
    *,
    session: Session,
    lim: rules.Limits,
    key: str,
    keyworker_id: int | None,
    meeting: bool | None,
    ids: set[int] | None = None,
) -> Sequence[sa.Row[Any]]:
    """The patient list behind an indicator: its denominator, and of those the ones
    meeting it (`meeting=True`) or not (False); `ids` is the numerator when Python
    decides it (successful completion)."""
    den, num = conditions(lim)[key]
    if num is None:
        num = P.c.id.in_(sorted(ids or ()))
    where = den if meeting is None else sa.and_(den, num if meeting else sa.not_(num))
    stmt = (
        sa.select(*LIST_COLUMNS)
        .select_from(FROM)
        .where(where)
        .order_by(P.c.family_key, P.c.given_key, P.c.id)
    )
    return session.connection().execute(_scope(stmt, keyworker_id)).all()


def by_ids(*, session: Session, ids: set[int]) -> Sequence[sa.Row[Any]]:
    """List rows of these patients (a past date's list), in the list's order."""
    stmt = (
        sa.select(*LIST_COLUMNS)
        .select_from(FROM)
        .where(P.c.id.in_(sorted(ids)))
        .order_by(P.c.family_key, P.c.given_key, P.c.id)
    )
    return session.connection().execute(stmt).all()


def _followed_up(lim: rules.Limits) -> Cond:
    den, _ = conditions(lim)["strategic_review_6m"]
    return sa.and_(den, P.c.top_change_on.is_not(None))


def outcome_columns(lim: rules.Limits) -> list[sa.ColumnElement[int]]:
    """The start-TOP outcomes' counts (console.rules.indicators.outcomes) over the row
    caches, for the one pass of `counts`."""
    both = _followed_up(lim)
    return [
        _one(both).label("top_patients"),
        _one(sa.and_(both, P.c.top_opioids_change != "")).label("opioids_at_start"),
        _one(sa.and_(both, P.c.top_opioids_change == "stopped")).label("opioids_stopped"),
        _one(sa.and_(both, P.c.top_injecting_change != "")).label("injecting_at_start"),
        _one(sa.and_(both, P.c.top_injecting_change == "stopped")).label("injecting_stopped"),
    ]


def outcome_counts(*, session: Session, lim: rules.Limits, keyworker_id: int | None) -> list[int]:
    """The start-TOP outcome counts alone (the screen asks them after the indicators)."""
    stmt = _scope(sa.select(*outcome_columns(lim)).select_from(P), keyworker_id)
    return [int(v) for v in session.connection().execute(stmt).one()]


def barc10_changes(
    *, session: Session, lim: rules.Limits, keyworker_id: int | None
) -> dict[int, int]:
    """How many patients had each BARC-10 change (for the median), from the row caches."""
    stmt = (
        sa.select(P.c.barc10_change, sa.func.count())
        .where(_followed_up(lim), P.c.barc10_change.is_not(None))
        .group_by(P.c.barc10_change)
    )
    rows = session.connection().execute(_scope(stmt, keyworker_id)).all()
    return {int(change): int(n) for change, n in rows}


def keyworker_id(*, session: Session, login: str) -> int | None:
    from db.models import Staff

    s = table_of(Staff)
    found = session.connection().execute(sa.select(s.c.id).where(s.c.login == login)).first()
    return None if found is None else int(found[0])


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _date_or_none(value: object) -> dt.date | None:
    return None if value is None else _date(value)
