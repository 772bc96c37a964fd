"""Practice indicators as at a past date, in SQL over the source tables (issue 17): the
SQL twin of `console.rules.indicators.membership` over each patient's inputs as they
stood on the date (db.queries.asat_inputs: the open episode, the latest finalised review
on or before it, the prescriptions then, the health checks before it, the plan agreed by
then …). The Python derivation (console.services.indicator_history) stays the check:
tests keep the two equal.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import indicators as rules
from db.queries.asat_inputs import inputs
from db.queries.asat_inputs import inputs_select as inputs_select
from db.queries.asat_lookups import (  # the tables' short names, defined once
    TOP,
    B,
    Col,
    Cond,
    E,
    P,
    alive,
    as_date,
    date_or_none,
    lit,
)
from db.queries.asat_lookups import corrected as corrected


def conditions(x: Any, lim: rules.Limits) -> dict[str, tuple[Cond, Cond | None]]:
    """(denominator, numerator) per key over the as-at inputs `x` (the SQL twin of
    `membership`); the completion numerator is None (`completers` decides it)."""
    active = x.c.active == 1
    on_ost = x.c.on_ost == 1
    six, today = lit(lim.six_months), lit(lim.today)
    ost_2y = sa.and_(
        active, on_ost, x.c.ost_start.is_not(None), x.c.ost_start <= lit(lim.two_years)
    )
    return {
        "strategic_review_6m": (active, sa.and_(x.c.strat_on >= six, x.c.strat_on <= today)),
        "agreed_care_plan": (active, x.c.agreed == 1),
        "barc10_6m": (active, x.c.barc10_6m == 1),
        "mutual_aid_attended": (active, x.c.mutual_aid == 1),
        "family_considered": (active, x.c.family == 1),
        "hcv_tested_12m": (sa.and_(active, x.c.injecting == 1), x.c.hcv_12m == 1),
        "hepb_completed": (active, sa.or_(x.c.hbv_done == 1, x.c.hbv_immune == 1)),
        "naloxone_12m": (
            sa.and_(active, sa.or_(on_ost, x.c.top_opioids == 1)),
            x.c.naloxone_12m == 1,
        ),
        "ost_2y_considered": (ost_2y, sa.not_(_drift(x, lim))),
        "checkups_up_to_date": (
            sa.and_(x.c.post_exit == 1, x.c.dead == 0),
            x.c.checkup_overdue == 0,
        ),
        "successful_completion": (sa.and_(x.c.in_window == 1, x.c.dead == 0), None),
    }


def _drift(x: Any, lim: rules.Limits) -> Cond:
    """SQL twin of `console.rules.alerts.drift_reasons` on the as-at inputs."""
    return sa.or_(
        x.c.strat_on.is_(None),
        x.c.strat_decision.in_(("", "pending")),
        x.c.strat_on < lit(lim.six_months),
        x.c.substance_goal == 0,
    )


def _bands(x: Any, lim: rules.Limits) -> list[Cond]:
    on = sa.and_(x.c.active == 1, x.c.on_ost == 1, x.c.ost_start.is_not(None))
    start = x.c.ost_start
    one, two, five = (lit(e) for e in rules.band_edges(lim.today))
    return [
        sa.and_(on, start > one),
        sa.and_(on, start <= one, start > two),
        sa.and_(on, start <= two, start > five),
        sa.and_(on, start <= five),
    ]


def _one(cond: Cond) -> sa.ColumnElement[int]:
    return sa.func.coalesce(sa.func.sum(sa.case((cond, 1), else_=0)), 0)


def counts_select(x: Any, lim: rules.Limits) -> tuple[sa.Select[Any], int]:
    """Every count and the start-TOP outcome counts in one pass over the inputs, grouped
    by BARC-10 change (for the median; the caller sums the groups)."""
    lt, lb = TOP.alias("change_top"), B.alias("change_barc")
    cols: list[Col] = []
    for key, (den, num) in conditions(x, lim).items():
        cols.append(_one(den).label(f"{key}__d"))
        if num is not None:
            cols.append(_one(sa.and_(den, num)).label(f"{key}__n"))
    bands = _bands(x, lim)
    drift = _drift(x, lim)
    for n, band in enumerate(bands):
        cols.append(_one(band).label(f"band{n}"))
        cols.append(_one(sa.and_(band, sa.not_(drift))).label(f"considered{n}"))
    both = sa.and_(x.c.active == 1, x.c.ch_top_id.is_not(None))
    opioids, injecting = sa.and_(both, x.c.st_opiates > 0), sa.and_(both, x.c.st_injected > 0)
    change = sa.case(
        (sa.and_(both, x.c.st_barc.is_not(None)), lb.c.total - x.c.st_barc), else_=sa.null()
    ).label("barc10_change")
    cols += [
        change,
        _one(both).label("top_patients"),
        _one(opioids).label("opioids_at_start"),
        _one(sa.and_(opioids, lt.c.opiates_days == 0)).label("opioids_stopped"),
        _one(injecting).label("injecting_at_start"),
        _one(sa.and_(injecting, lt.c.injected_days == 0)).label("injecting_stopped"),
    ]
    stmt = (
        sa.select(*cols)
        .select_from(x)
        .outerjoin(lt, lt.c.review_id == x.c.ch_top_id)
        .outerjoin(lb, lb.c.review_id == x.c.ch_barc_id)
        .group_by(change)
    )
    return stmt, len(bands)


OUTCOME_COUNTS = (
    "top_patients",
    "opioids_at_start",
    "opioids_stopped",
    "injecting_at_start",
    "injecting_stopped",
)


def counts(
    *, session: Session, lim: rules.Limits, keyworker_id: int | None
) -> tuple[dict[str, tuple[int, int]], list[tuple[int, int]], list[int], dict[int, int]]:
    """As at `lim.today`: (numerator, denominator) per key (completion's numerator 0: see
    `completers`); (patients, considered) per band of continuous time on OST; the
    start-TOP outcome counts (`OUTCOME_COUNTS`); and how many had each BARC-10 change."""
    x = inputs(session=session, lim=lim, keyworker_id=keyworker_id)
    stmt, bands = counts_select(x, lim)
    total: dict[str, int] = {}
    spread: dict[int, int] = {}
    for m in session.connection().execute(stmt).mappings():
        for name, value in m.items():
            if name != "barc10_change":
                total[name] = total.get(name, 0) + int(value)
        if m["barc10_change"] is not None:
            spread[int(m["barc10_change"])] = int(m["top_patients"])
    get = lambda name: total.get(name, 0)  # noqa: E731  (no rows: nobody in scope)
    return (
        {k: (get(f"{k}__n"), get(f"{k}__d")) for k in rules.KEYS},
        [(get(f"band{n}"), get(f"considered{n}")) for n in range(bands)],
        [get(name) for name in OUTCOME_COUNTS],
        spread,
    )


def members(
    *, session: Session, lim: rules.Limits, keyworker_id: int | None, key: str | None = None
) -> dict[str, tuple[set[int], set[int]]]:
    """(denominator, numerator) patient ids per key (or for `key` alone), as at the day."""
    x = inputs(session=session, lim=lim, keyworker_id=keyworker_id)
    conds = conditions(x, lim)
    keys = list(rules.KEYS) if key is None else [key]
    cols: list[Col] = [x.c.id]
    for k in keys:
        den, num = conds[k]
        cols.append(sa.case((den, 1), else_=0).label(f"{k}__d"))
        if num is not None:
            cols.append(sa.case((sa.and_(den, num), 1), else_=0).label(f"{k}__n"))
    any_den = sa.or_(*(conds[k][0] for k in keys))
    out: dict[str, tuple[set[int], set[int]]] = {k: (set(), set()) for k in keys}
    rows = session.connection().execute(sa.select(*cols).where(any_den)).mappings()
    for m in rows:
        for k in keys:
            if m[f"{k}__d"]:
                out[k][0].add(int(m["id"]))
                if m.get(f"{k}__n"):
                    out[k][1].add(int(m["id"]))
    if "successful_completion" in out:
        den_ids = out["successful_completion"][0]
        done = completers(session=session, lim=lim, keyworker_id=keyworker_id)
        out["successful_completion"] = (den_ids, done & den_ids)
    return out


def completers(*, session: Session, lim: rules.Limits, keyworker_id: int | None) -> set[int]:
    """Patients with a successful exit in the completion window who did not start a new
    episode (by the day) within 6 months of it; alive on the day, in that window."""
    n = E.alias("next_episode")
    on = lit(lim.today)
    next_start = (
        sa.select(sa.func.min(n.c.start_date))
        .where(
            n.c.patient_id == E.c.patient_id,
            n.c.id != E.c.id,
            n.c.start_date >= E.c.end_date,
            n.c.start_date <= on,
        )
        .scalar_subquery()
    )
    stmt = (
        sa.select(E.c.patient_id, E.c.end_date, next_start.label("next_start"))
        .join(P, P.c.id == E.c.patient_id)
        .where(
            E.c.exit_reason.in_(sorted(rules.SUCCESSFUL_EXITS)),
            E.c.end_date >= lit(lim.window_start),
            E.c.end_date <= lit(lim.window_end),
            E.c.start_date <= on,
            alive(on),
        )
    )
    if keyworker_id is not None:
        stmt = stmt.where(P.c.keyworker_id == keyworker_id)
    found: set[int] = set()
    for m in session.connection().execute(stmt).mappings():
        if not rules.re_presented(as_date(m["end_date"]), date_or_none(m["next_start"])):
            found.add(int(m["patient_id"]))
    return found
