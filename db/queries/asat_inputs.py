"""Each patient's inputs to the practice indicators as they stood on a date (issue 17),
in three materialised steps: the patients with an episode by then; the rows the as-at
lookups (db.queries.asat_lookups) choose for them; those rows' values. The definitions
over them are db.queries.indicator_asat.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import indicators as rules
from console.rules.caches import FAMILY_CONSIDERED, HBV_IMMUNE, MOVES_SCHEDULE
from console.rules.health import HCV_TESTS, NOT_A_TEST
from console.rules.schedule import CHECKUPS
from console.rules.vocab import MUTUAL_AID_KINDS, Domain, GoalStatus
from db.queries.asat_lookups import (  # the tables' short names, defined once
    FAM,
    GOAL,
    PLAN,
    RES,
    RX,
    TOP,
    B,
    Col,
    Cond,
    E,
    H,
    L,
    P,
    R,
    after_start,
    alive,
    checkup_limits,
    continuous_start,
    corrected_select,
    first,
    health_between,
    latest_health,
    latest_review,
    lit,
    start_top,
)

WITH_TOP = sa.or_(TOP.c.opiates_days.is_not(None), TOP.c.injected_days.is_not(None))


def _inputs(lim: rules.Limits, keyworker_id: int | None, most: int) -> sa.Select[Any]:
    """One row per patient with an episode started by the day: the as-at inputs."""
    return _values(_facts(_base(lim, keyworker_id), lim), lim, most)


def _base(lim: rules.Limits, keyworker_id: int | None) -> Any:
    """Step 1: the patients with an episode started by the day (and the keyworker's), with
    what decides which lookups each needs: the open episode, dead, on OST, in the window."""
    on = lit(lim.today)
    started = sa.exists().where(E.c.patient_id == P.c.id, E.c.start_date <= on)
    open_ep = first(
        sa.select(E.c.id)
        .where(
            E.c.patient_id == P.c.id,
            E.c.start_date <= on,
            sa.or_(E.c.end_date.is_(None), E.c.end_date > on),
        )
        .order_by(E.c.start_date, E.c.id)
    )
    in_window = sa.exists().where(
        E.c.patient_id == P.c.id,
        E.c.start_date <= lit(lim.window_end),
        sa.or_(E.c.end_date.is_(None), E.c.end_date >= lit(lim.window_start)),
    )
    dead = sa.not_(alive(on))
    on_ost = sa.exists().where(
        RX.c.patient_id == P.c.id,
        RX.c.start_date <= on,
        sa.or_(RX.c.end_date.is_(None), RX.c.end_date > on),
    )
    base = sa.select(
        P.c.id,
        P.c.status,
        P.c.status_before_death,
        P.c.checkups_planned,
        P.c.family_involvement,
        P.c.family_involvement_on,
        open_ep.label("open_ep"),
        sa.case((dead, 1), else_=0).label("dead"),
        sa.case((in_window, 1), else_=0).label("in_window"),
        sa.case((on_ost, 1), else_=0).label("on_ost"),
    ).where(started, P.c.id.not_in(corrected_select()))
    if keyworker_id is not None:
        base = base.where(P.c.keyworker_id == keyworker_id)
    return base.cte("asat_base").prefix_with("MATERIALIZED")


def _facts(b: Any, lim: rules.Limits) -> Any:
    """Step 2: each input's chosen row (an id) or test, for the active caseload only (the
    last exit for the others)."""
    on = lit(lim.today)
    pid = b.c.id
    active = sa.and_(b.c.open_ep.is_not(None), b.c.dead == 0)

    def when(cond: Cond, value: Any) -> Col:
        return sa.case((cond, value), else_=sa.null())

    def yes(cond: Cond, guard: Cond = active) -> Col:
        return sa.case((sa.and_(guard, cond), 1), else_=0)

    plan_id = first(
        sa.select(PLAN.c.id)
        .where(
            PLAN.c.patient_id == pid,
            PLAN.c.status == "agreed",
            sa.or_(PLAN.c.agreed_on.is_(None), PLAN.c.agreed_on <= on),
        )
        .order_by(PLAN.c.version_no.desc())
    )
    on_ost = b.c.on_ost == 1
    # post-exit check-ups: the last exit by then, and the status on the day
    last_exit = first(
        sa.select(E.c.id)
        .where(E.c.patient_id == pid, E.c.end_date.is_not(None), E.c.end_date <= on)
        .order_by(E.c.end_date.desc(), E.c.id.desc())
    )
    moved = sa.exists().where(
        E.c.patient_id == pid,
        sa.or_(E.c.start_date > on, sa.and_(E.c.end_date.is_not(None), E.c.end_date > on)),
    )
    facts = sa.select(
        pid,
        b.c.open_ep,
        b.c.dead,
        b.c.status,
        b.c.status_before_death,
        b.c.checkups_planned,
        b.c.family_involvement,
        b.c.in_window,
        when(active, latest_review(pid, on, R.c.kind.in_(sorted(MOVES_SCHEDULE)))).label(
            "strat_id"
        ),
        yes(
            sa.exists()
            .select_from(R.join(B, B.c.review_id == R.c.id))
            .where(
                R.c.patient_id == pid,
                R.c.status == "finalised",
                R.c.review_date >= lit(lim.six_months),
                R.c.review_date <= on,
                B.c.total.is_not(None),
            )
        ).label("barc10_6m"),
        when(active, plan_id).label("plan_id"),
        yes(
            sa.exists()
            .select_from(L.join(RES, RES.c.id == L.c.resource_id))
            .where(
                L.c.patient_id == pid,
                RES.c.kind.in_(sorted(MUTUAL_AID_KINDS)),
                L.c.outcome == "attended",
                sa.func.coalesce(L.c.first_attended, L.c.linked_on) <= on,
            )
        ).label("mutual_aid"),
        yes(  # `console.rules.indicators.family_considered_on`
            sa.or_(
                sa.and_(
                    b.c.family_involvement.in_(sorted(FAMILY_CONSIDERED)),
                    sa.or_(b.c.family_involvement_on.is_(None), b.c.family_involvement_on <= on),
                ),
                sa.exists().where(
                    FAM.c.patient_id == pid,
                    sa.or_(FAM.c.added_on.is_(None), FAM.c.added_on <= on),
                ),
            )
        ).label("family"),
        # the latest TOP's opioid use counts only for those not on OST (naloxone)
        when(sa.and_(active, sa.not_(on_ost)), latest_review(pid, on, WITH_TOP, top=True)).label(
            "top_id"
        ),
        when(active, start_top(pid, b.c.open_ep, on)).label("st_id"),
        when(active, latest_review(pid, on, TOP.c.injected_days.is_not(None), top=True)).label(
            "inj_top_id"
        ),
        when(active, latest_health(pid, on, "injecting_status")).label("inj_health_id"),
        yes(
            sa.exists().where(
                H.c.patient_id == pid,
                H.c.kind == "hep_b_dose",
                H.c.result.in_(("3", "completed")),
                H.c.check_date <= on,
            )
        ).label("hbv_done"),
        yes(health_between(pid, ["naloxone"], lit(lim.year), on)).label("naloxone_12m"),
        yes(on_ost).label("on_ost"),
        sa.case((active, 1), else_=0).label("active_"),
        when(sa.and_(active, on_ost), continuous_start(pid, on)).label("ost_start"),
        when(sa.and_(b.c.open_ep.is_(None), b.c.dead == 0), last_exit).label("exit_id"),
        sa.case((sa.and_(b.c.open_ep.is_(None), b.c.dead == 0, moved), 1), else_=0).label("moved"),
    )
    return facts.cte("asat_facts").prefix_with("MATERIALIZED")


def _values(f: Any, lim: rules.Limits, most: int) -> sa.Select[Any]:
    """Step 3: the chosen rows' values, the status on the day and the check-up test."""
    on = lit(lim.today)
    rs, plan = R.alias("strat"), PLAN.alias("plan")
    t, ti = TOP.alias("top_latest"), TOP.alias("top_injecting")
    ri, hi = R.alias("injecting_review"), H.alias("injecting_health")
    hcv_tested = sa.exists().where(
        H.c.patient_id == f.c.id,
        H.c.kind.in_(sorted(HCV_TESTS)),
        H.c.result != NOT_A_TEST,
        H.c.check_date >= lit(lim.year),
        H.c.check_date <= on,
    )
    hbv_status = first(
        sa.select(H.c.result)
        .where(H.c.patient_id == f.c.id, H.c.kind == "hep_b_status", H.c.check_date <= on)
        .order_by(H.c.check_date.desc(), H.c.id.desc())
    )
    hbv_immune = hbv_status.in_(sorted(HBV_IMMUNE))
    ex = E.alias("last_exit")
    st, st_t, st_b = R.alias("start_review"), TOP.alias("start_top"), B.alias("start_barc")
    done = (
        sa.select(sa.func.count())
        .where(
            R.c.patient_id == f.c.id,
            R.c.status == "finalised",
            R.c.kind == "post_exit_checkup",
            R.c.review_date >= ex.c.end_date,
            R.c.review_date <= on,
        )
        .scalar_subquery()
    )
    live_goal = sa.exists().where(
        GOAL.c.care_plan_id == f.c.plan_id,
        GOAL.c.domain == Domain.SUBSTANCE_USE.value,
        GOAL.c.status != GoalStatus.DROPPED.value,
    )
    # the latest injecting record: a health record outranks a TOP of the same day
    health_wins = sa.and_(
        hi.c.id.is_not(None), sa.or_(ri.c.id.is_(None), hi.c.check_date >= ri.c.review_date)
    )
    injecting = sa.case(
        (health_wins, sa.case((hi.c.result == "currently", 1), else_=0)),
        (ri.c.id.is_not(None), sa.case((ti.c.injected_days > 0, 1), else_=0)),
        else_=0,
    )
    planned = sa.case((f.c.checkups_planned > 0, f.c.checkups_planned), else_=CHECKUPS)
    status_then = sa.case(
        (f.c.open_ep.is_not(None), "in_treatment"),
        (f.c.dead == 1, "deceased"),
        (
            f.c.moved == 0,
            sa.case((f.c.status == "deceased", f.c.status_before_death), else_=f.c.status),
        ),
        (ex.c.id.is_(None), "discharged"),
        (
            sa.and_(ex.c.exit_reason.in_(sorted(rules.SUCCESSFUL_EXITS)), done < planned),
            rules.POST_EXIT,
        ),
        else_="discharged",
    )
    # the next check-up (exit + 3(done+1) months) is overdue: the exit before its limit
    limit_for = sa.case(  # `done` read once: a CASE on its value
        {n: lit(x) for n, x in enumerate(checkup_limits(lim.today, most))},
        value=done,
        else_=lit(dt.date(1, 1, 1)),
    )
    overdue = sa.and_(ex.c.id.is_not(None), done < planned, ex.c.end_date < limit_for)
    return (
        sa.select(
            f.c.id,
            sa.case((sa.and_(f.c.open_ep.is_not(None), f.c.dead == 0), 1), else_=0).label("active"),
            f.c.dead,
            f.c.in_window,
            rs.c.review_date.label("strat_on"),
            sa.func.coalesce(rs.c.ost_decision, "").label("strat_decision"),
            f.c.barc10_6m,
            sa.case((plan.c.id.is_not(None), 1), else_=0).label("agreed"),
            sa.case((sa.and_(plan.c.id.is_not(None), live_goal), 1), else_=0).label(
                "substance_goal"
            ),
            f.c.mutual_aid,
            f.c.family,
            sa.case((t.c.opiates_days > 0, 1), else_=0).label("top_opioids"),
            injecting.label("injecting"),
            sa.case((sa.and_(injecting == 1, hcv_tested), 1), else_=0).label("hcv_12m"),
            f.c.hbv_done,
            sa.case((sa.and_(f.c.active_ == 1, f.c.hbv_done == 0, hbv_immune), 1), else_=0).label(
                "hbv_immune"
            ),
            f.c.naloxone_12m,
            f.c.on_ost,
            f.c.ost_start,
            sa.case((status_then == rules.POST_EXIT, 1), else_=0).label("post_exit"),
            sa.case((overdue, 1), else_=0).label("checkup_overdue"),
            st_t.c.opiates_days.label("st_opiates"),
            st_t.c.injected_days.label("st_injected"),
            st_b.c.total.label("st_barc"),
            after_start(f, st, on, WITH_TOP, top=True).label("ch_top_id"),
            after_start(f, st, on, B.c.total.is_not(None), top=False).label("ch_barc_id"),
        )
        .select_from(f)
        .outerjoin(rs, rs.c.id == f.c.strat_id)
        .outerjoin(plan, plan.c.id == f.c.plan_id)
        .outerjoin(t, t.c.review_id == f.c.top_id)
        .outerjoin(ri, ri.c.id == f.c.inj_top_id)
        .outerjoin(ti, ti.c.review_id == f.c.inj_top_id)
        .outerjoin(hi, hi.c.id == f.c.inj_health_id)
        .outerjoin(ex, ex.c.id == f.c.exit_id)
        .outerjoin(st, st.c.id == f.c.st_id)
        .outerjoin(st_t, st_t.c.review_id == f.c.st_id)
        .outerjoin(st_b, st_b.c.review_id == f.c.st_id)
    )


def _most_planned(session: Session, keyworker_id: int | None) -> int:
    stmt = sa.select(sa.func.max(P.c.checkups_planned))
    if keyworker_id is not None:
        stmt = stmt.where(P.c.keyworker_id == keyworker_id)
    found = session.connection().execute(stmt).scalar()
    return max(int(found or 0), CHECKUPS)


def inputs(*, session: Session, lim: rules.Limits, keyworker_id: int | None) -> Any:
    """The as-at inputs, materialised once (one row per patient with an episode by
    then): every definition reads them as plain columns."""
    return inputs_select(lim, keyworker_id, _most_planned(session, keyworker_id))


def inputs_select(lim: rules.Limits, keyworker_id: int | None, most: int) -> Any:
    """`inputs` with the most check-ups any patient has planned given."""
    return _inputs(lim, keyworker_id, most).cte("asat").prefix_with("MATERIALIZED")
