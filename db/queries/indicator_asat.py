"""Practice indicators as at a past date, in SQL over the source tables (issue 17): each
patient's inputs as they stood on the date (the open episode, the latest finalised
review on or before it, the prescriptions then, the health checks before it, the plan
agreed by then …), chosen by indexed correlated subqueries in two materialised steps,
then the SQL twin of `console.rules.indicators.membership` over them. The Python
derivation (console.services.indicator_history) stays the check: tests keep the two equal.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pendulum
import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import Session

from console.rules import indicators as rules
from console.rules.caches import FAMILY_CONSIDERED, HBV_IMMUNE, MOVES_SCHEDULE
from console.rules.health import HCV_TESTS, NOT_A_TEST
from console.rules.ost import GAP_DAYS
from console.rules.schedule import CHECKUP_MONTHS, CHECKUPS
from console.rules.vocab import MUTUAL_AID_KINDS, Domain, GoalStatus
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
    ReviewAddendum,
    TopScore,
    table_of,
)

P, E, RX, H = table_of(Patient), table_of(Episode), table_of(Prescription), table_of(HealthCheck)
R, B, TOP = table_of(Review), table_of(Barc10), table_of(TopScore)
L, RES, FAM = table_of(Linkage), table_of(Resource), table_of(FamilyMember)
PLAN, GOAL = table_of(CarePlan), table_of(Goal)
Cond = sa.ColumnElement[bool]
Col = sa.ColumnElement[Any]
FAR = dt.date(9999, 12, 31)  # an open end, for comparisons


class _DaysBefore(sa.sql.expression.FunctionElement[dt.date]):
    """A date column minus a whole number of days (SQLite keeps dates as ISO text)."""

    type = sa.Date()
    inherit_cache = True


@compiles(_DaysBefore)
def _days_before_pg(element: _DaysBefore, compiler: SQLCompiler, **kw: Any) -> str:
    col, days = list(element.clauses)
    return f"({compiler.process(col, **kw)} - {compiler.process(days, **kw)})"


@compiles(_DaysBefore, "sqlite")
def _days_before_sqlite(element: _DaysBefore, compiler: SQLCompiler, **kw: Any) -> str:
    col, days = list(element.clauses)
    return f"date({compiler.process(col, **kw)}, '-' || {compiler.process(days, **kw)} || ' days')"


def _d(day: dt.date) -> sa.ColumnElement[dt.date]:
    return sa.literal(day, sa.Date)


def _alive(on: Col) -> Cond:
    """Not dead on the day (a death with no date recorded counts on every day)."""
    return sa.case(
        (P.c.date_of_death.is_not(None), P.c.date_of_death > on),
        else_=P.c.status != "deceased",
    )


def _first(stmt: sa.Select[Any]) -> sa.ScalarSelect[Any]:
    return stmt.limit(1).scalar_subquery()


def _latest_review(pid: Col, on: Col, *where: Cond, top: bool = False) -> sa.ScalarSelect[Any]:
    """The latest finalised review on or before the day (by date, then when finalised),
    as the caches order them (`console.rules.caches._ordered`)."""
    src: Any = R.join(TOP, TOP.c.review_id == R.c.id) if top else R
    return _first(
        sa.select(R.c.id)
        .select_from(src)
        .where(R.c.patient_id == pid, R.c.status == "finalised", R.c.review_date <= on, *where)
        .order_by(R.c.review_date.desc(), R.c.finalised_at.desc(), R.c.id.desc())
    )


def _start_top(pid: Col, episode: Col, on: Col) -> sa.ScalarSelect[Any]:
    """The episode's first finalised start review with a TOP (`caches.top_change`)."""
    return _first(
        sa.select(R.c.id)
        .select_from(R.join(TOP, TOP.c.review_id == R.c.id))
        .where(
            R.c.patient_id == pid,
            R.c.episode_id == episode,
            R.c.kind == "start",
            R.c.status == "finalised",
            R.c.review_date <= on,
            sa.or_(TOP.c.opiates_days.is_not(None), TOP.c.injected_days.is_not(None)),
        )
        .order_by(R.c.review_date, R.c.finalised_at, R.c.id)
    )


def _after_start(f: Any, st: Any, on: Col, *where: Cond, top: bool) -> Col:
    """The latest finalised review of the open episode after its start TOP (in the
    caches' order) meeting `where`: the other end of the start-TOP change."""
    after = sa.or_(
        R.c.review_date > st.c.review_date,
        sa.and_(
            R.c.review_date == st.c.review_date,
            sa.or_(
                R.c.finalised_at > st.c.finalised_at,
                sa.and_(R.c.finalised_at == st.c.finalised_at, R.c.id > st.c.id),
            ),
        ),
    )
    src: Any = R.join(TOP, TOP.c.review_id == R.c.id) if top else R.join(B, B.c.review_id == R.c.id)
    found = _first(
        sa.select(R.c.id)
        .select_from(src)
        .where(
            R.c.patient_id == f.c.id,
            R.c.episode_id == f.c.open_ep,
            R.c.status == "finalised",
            R.c.review_date <= on,
            after,
            *where,
        )
        .order_by(R.c.review_date.desc(), R.c.finalised_at.desc(), R.c.id.desc())
    )
    return sa.case((st.c.id.is_not(None), found), else_=sa.null())


def _latest_health(pid: Col, on: Col, kind: str) -> sa.ScalarSelect[Any]:
    return _first(
        sa.select(H.c.id)
        .where(H.c.patient_id == pid, H.c.kind == kind, H.c.check_date <= on)
        .order_by(H.c.check_date.desc(), H.c.id.desc())
    )


def _health_between(pid: Col, kinds: list[str], start: Col | None, on: Col) -> Cond:
    where = [H.c.patient_id == pid, H.c.kind.in_(kinds), H.c.check_date <= on]
    if start is not None:
        where.append(H.c.check_date >= start)
    return sa.exists().where(*where)


def _continuous_start(pid: Col, on: Col) -> sa.ScalarSelect[Any]:
    """SQL twin of `console.rules.ost.continuous_start` (for a patient on OST on the
    day): the latest prescription started by then that began a run, i.e. no earlier one
    (by start, then id) was open, or ended fewer than 28 days before it started."""
    r2 = RX.alias("earlier")
    bridged = (
        sa.exists()
        .where(
            r2.c.patient_id == pid,
            r2.c.start_date <= RX.c.start_date,  # a range on the covering index
            sa.or_(r2.c.start_date < RX.c.start_date, r2.c.id < RX.c.id),
            sa.or_(
                r2.c.end_date.is_(None),
                r2.c.end_date > _DaysBefore(RX.c.start_date, sa.literal(GAP_DAYS)),
            ),
        )
        .correlate_except(r2)
    )
    return (
        sa.select(sa.func.max(RX.c.start_date))
        .where(RX.c.patient_id == pid, RX.c.start_date <= on, sa.not_(bridged))
        .scalar_subquery()
    )


def corrected_select() -> sa.Select[Any]:
    """Patients with a corrected review (an addendum): their values are the corrected
    ones (`db.queries.reviews.corrected`), so the Python derivation counts them."""
    a = table_of(ReviewAddendum)
    # from the (few) addenda to their reviews, never a scan of every review
    whose = sa.select(R.c.patient_id).where(R.c.id == a.c.review_id).scalar_subquery()
    return sa.select(whose).select_from(a).distinct()


def corrected(*, session: Session, keyworker_id: int | None) -> set[int]:
    found = {int(i) for i in session.connection().execute(corrected_select()).scalars()}
    if keyworker_id is None or not found:
        return found
    mine = sa.select(P.c.id).where(P.c.id.in_(sorted(found)), P.c.keyworker_id == keyworker_id)
    return {int(i) for i in session.connection().execute(mine).scalars()}


def checkup_limits(day: dt.date, most: int) -> list[dt.date]:
    """For the n-th check-up (n = 1 … most): the earliest exit date whose n-th check-up
    (exit + 3n months, the day clamped) is not before `day`; an exit before it is overdue.
    (Month arithmetic is the rules' own, so SQL only compares dates.)"""
    out = []
    for n in range(1, most + 1):
        months = CHECKUP_MONTHS * n
        x = pendulum.date(day.year, day.month, day.day).subtract(months=months, days=4)
        while x.add(months=months) < day:
            x = x.add(days=1)
        out.append(dt.date(x.year, x.month, x.day))
    return out


def _inputs(lim: rules.Limits, keyworker_id: int | None, most: int) -> sa.Select[Any]:
    """One row per patient with an episode started by the day: the as-at inputs."""
    on = _d(lim.today)
    started = sa.exists().where(E.c.patient_id == P.c.id, E.c.start_date <= on)
    open_ep = _first(
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
        E.c.start_date <= _d(lim.window_end),
        sa.or_(E.c.end_date.is_(None), E.c.end_date >= _d(lim.window_start)),
    )
    dead = sa.not_(_alive(on))
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
    b = base.cte("asat_base").prefix_with("MATERIALIZED")
    pid = b.c.id
    active = sa.and_(b.c.open_ep.is_not(None), b.c.dead == 0)

    def when(cond: Cond, value: Any) -> Col:
        return sa.case((cond, value), else_=sa.null())

    def yes(cond: Cond, guard: Cond = active) -> Col:
        return sa.case((sa.and_(guard, cond), 1), else_=0)

    with_top = sa.or_(TOP.c.opiates_days.is_not(None), TOP.c.injected_days.is_not(None))
    plan_id = _first(
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
    last_exit = _first(
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
        when(active, _latest_review(pid, on, R.c.kind.in_(sorted(MOVES_SCHEDULE)))).label(
            "strat_id"
        ),
        yes(
            sa.exists()
            .select_from(R.join(B, B.c.review_id == R.c.id))
            .where(
                R.c.patient_id == pid,
                R.c.status == "finalised",
                R.c.review_date >= _d(lim.six_months),
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
        when(sa.and_(active, sa.not_(on_ost)), _latest_review(pid, on, with_top, top=True)).label(
            "top_id"
        ),
        when(active, _start_top(pid, b.c.open_ep, on)).label("st_id"),
        when(active, _latest_review(pid, on, TOP.c.injected_days.is_not(None), top=True)).label(
            "inj_top_id"
        ),
        when(active, _latest_health(pid, on, "injecting_status")).label("inj_health_id"),
        yes(
            sa.exists().where(
                H.c.patient_id == pid,
                H.c.kind == "hep_b_dose",
                H.c.result.in_(("3", "completed")),
                H.c.check_date <= on,
            )
        ).label("hbv_done"),
        yes(_health_between(pid, ["naloxone"], _d(lim.year), on)).label("naloxone_12m"),
        yes(on_ost).label("on_ost"),
        sa.case((active, 1), else_=0).label("active_"),
        when(sa.and_(active, on_ost), _continuous_start(pid, on)).label("ost_start"),
        when(sa.and_(b.c.open_ep.is_(None), b.c.dead == 0), last_exit).label("exit_id"),
        sa.case((sa.and_(b.c.open_ep.is_(None), b.c.dead == 0, moved), 1), else_=0).label("moved"),
    )
    f = facts.cte("asat_facts").prefix_with("MATERIALIZED")
    # the chosen rows' values
    rs, plan = R.alias("strat"), PLAN.alias("plan")
    t, ti = TOP.alias("top_latest"), TOP.alias("top_injecting")
    ri, hi = R.alias("injecting_review"), H.alias("injecting_health")
    hcv_tested = sa.exists().where(
        H.c.patient_id == f.c.id,
        H.c.kind.in_(sorted(HCV_TESTS)),
        H.c.result != NOT_A_TEST,
        H.c.check_date >= _d(lim.year),
        H.c.check_date <= on,
    )
    hbv_status = _first(
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
    limit_for = sa.case(
        *[(done + 1 == n + 1, _d(x)) for n, x in enumerate(checkup_limits(lim.today, most))],
        else_=_d(dt.date(1, 1, 1)),
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
            _after_start(f, st, on, with_top, top=True).label("ch_top_id"),
            _after_start(f, st, on, B.c.total.is_not(None), top=False).label("ch_barc_id"),
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


def conditions(x: Any, lim: rules.Limits) -> dict[str, tuple[Cond, Cond | None]]:
    """(denominator, numerator) per key over the as-at inputs `x` (the SQL twin of
    `membership`); the completion numerator is None (`completers` decides it)."""
    active = x.c.active == 1
    on_ost = x.c.on_ost == 1
    six, today = _d(lim.six_months), _d(lim.today)
    ost_2y = sa.and_(active, on_ost, x.c.ost_start.is_not(None), x.c.ost_start <= _d(lim.two_years))
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
        x.c.strat_on < _d(lim.six_months),
        x.c.substance_goal == 0,
    )


def _bands(x: Any, lim: rules.Limits) -> list[Cond]:
    on = sa.and_(x.c.active == 1, x.c.on_ost == 1, x.c.ost_start.is_not(None))
    start = x.c.ost_start
    one, two, five = (_d(e) for e in rules.band_edges(lim.today))
    return [
        sa.and_(on, start > one),
        sa.and_(on, start <= one, start > two),
        sa.and_(on, start <= two, start > five),
        sa.and_(on, start <= five),
    ]


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
    on = _d(lim.today)
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
            E.c.end_date >= _d(lim.window_start),
            E.c.end_date <= _d(lim.window_end),
            E.c.start_date <= on,
            _alive(on),
        )
    )
    if keyworker_id is not None:
        stmt = stmt.where(P.c.keyworker_id == keyworker_id)
    found: set[int] = set()
    for m in session.connection().execute(stmt).mappings():
        if not rules.re_presented(_date(m["end_date"]), _date_or_none(m["next_start"])):
            found.add(int(m["patient_id"]))
    return found


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return dt.date(value.year, value.month, value.day)
    return dt.date.fromisoformat(str(value))


def _date_or_none(value: object) -> dt.date | None:
    return None if value is None else _date(value)
