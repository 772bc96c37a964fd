"""The source rows every patient row cache derives from (`console.rules.caches`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import caches as rules
from console.rules.careplan import has_live_substance_goal
from console.rules.health import Event
from console.rules.vocab import DRUG_PANEL
from db.models import (
    Barc10,
    CarePlan,
    DrugTest,
    Episode,
    FamilyMember,
    Goal,
    Patient,
    Prescription,
    Review,
    TopScore,
    table_of,
)
from db.queries import health as health_q
from db.queries import linkage as linkage_q
from db.queries import reviews as reviews_q


def _rows(session: Session, stmt: Any, **params: Any) -> Sequence[sa.RowMapping]:
    return session.connection().execute(stmt, params).mappings().all()


@cache
def _statements() -> dict[str, Any]:
    pid = sa.bindparam("pid")
    e, rx = table_of(Episode), table_of(Prescription)
    r, top, barc, test = table_of(Review), table_of(TopScore), table_of(Barc10), table_of(DrugTest)
    plan, goal, fam = table_of(CarePlan), table_of(Goal), table_of(FamilyMember)
    return {
        "episodes": sa.select(e.c.id, e.c.start_date, e.c.end_date, e.c.exit_reason).where(
            e.c.patient_id == pid
        ),
        "rx": sa.select(
            rx.c.medicine,
            rx.c.dose_mg,
            rx.c.start_date,
            rx.c.end_date,
            rx.c.missed_doses_in_row,
            rx.c.ecg_date,
            rx.c.sedatives,
        )
        .where(rx.c.patient_id == pid)
        .order_by(rx.c.start_date, rx.c.id),
        "reviews": sa.select(
            r.c.id,
            r.c.kind,
            r.c.review_date,
            r.c.episode_id,
            r.c.finalised_at,
            r.c.next_review_date,
            r.c.next_review_reason,
            r.c.ost_decision,
            barc.c.total.label("barc10_total"),
            top.c.opiates_days,
            top.c.injected_days,
            top.c.shared_needle,
            top.c.shared_paraphernalia,
            test.c.id.label("drug_test_id"),
            test.c.test_date,
            *(test.c[s].label(f"drug_{s}") for s in DRUG_PANEL),
        )
        .select_from(r)
        .outerjoin(top, top.c.review_id == r.c.id)
        .outerjoin(barc, barc.c.review_id == r.c.id)
        .outerjoin(test, test.c.review_id == r.c.id)
        .where(r.c.patient_id == pid, r.c.status == "finalised")
        .order_by(r.c.review_date, r.c.id),
        "agreed": sa.select(plan.c.id, plan.c.agreed_on)
        .where(plan.c.patient_id == pid, plan.c.status == "agreed")
        .order_by(plan.c.version_no.desc())
        .limit(1),
        "goals": sa.select(goal.c.domain, goal.c.status).where(
            goal.c.care_plan_id == sa.bindparam("plan")
        ),
        "family": sa.select(sa.func.count()).where(fam.c.patient_id == pid),
    }


def sources(*, session: Session, patient: Patient) -> rules.Sources:
    assert patient.id is not None
    pid = patient.id
    st = _statements()
    session.flush()
    episodes = [
        rules.Ep(m["id"], m["start_date"], m["end_date"], m["exit_reason"])
        for m in _rows(session, st["episodes"], pid=pid)
    ]
    rx = [
        rules.Rx(
            m["medicine"],
            m["dose_mg"],
            m["start_date"],
            m["end_date"],
            m["missed_doses_in_row"] or 0,
            m["ecg_date"],
            m["sedatives"] or "",
        )
        for m in _rows(session, st["rx"], pid=pid)
    ]
    rows = reviews_q.corrected(session=session, rows=_rows(session, st["reviews"], pid=pid))
    reviews = [_review(m) for m in rows]
    health = [
        Event(m["kind"], _date(m["check_date"]), m["result"])
        for m in health_q.facts(session=session, patient_id=pid)
    ]
    agreed = session.connection().execute(st["agreed"], {"pid": pid}).mappings().first()
    live = False
    agreed_on: dt.date | None = None
    if agreed is not None:
        # a plan agreed before dates were kept (demonstration rows) counts from 1 Jan 1900
        agreed_on = agreed["agreed_on"] or dt.date(1900, 1, 1)
        goals = _rows(session, st["goals"], plan=agreed["id"])
        live = has_live_substance_goal((g["domain"], g["status"]) for g in goals)
    return rules.Sources(
        status=patient.status,
        checkups_planned=patient.checkups_planned,
        children_under_16=patient.children_under_16,
        safe_storage_discussed=patient.safe_storage_discussed,
        episodes=episodes,
        prescriptions=rx,
        reviews=reviews,
        health=health,
        next_linkage_followup=linkage_q.next_followup(session=session, patient_id=pid),
        agreed_on=agreed_on,
        agreed_substance_goal=live,
        mutual_aid_on=linkage_q.mutual_aid_on(session=session, patient_id=pid),
        family_involvement=patient.family_involvement,
        family_members=session.connection().execute(st["family"], {"pid": pid}).scalar_one(),
    )


def _review(m: dict[str, Any]) -> rules.Rev:
    tested = m["drug_test_id"] is not None
    return rules.Rev(
        id=m["id"],
        kind=m["kind"],
        date=m["review_date"],
        episode_id=m["episode_id"],
        finalised_at=m["finalised_at"] or "",
        next_review_date=m["next_review_date"],
        next_review_reason=m["next_review_reason"] or "",
        ost_decision=m["ost_decision"] or "",
        barc10_total=m["barc10_total"],
        opiates_days=m["opiates_days"],
        injected_days=m["injected_days"],
        shared=bool(m["shared_needle"] or m["shared_paraphernalia"]),
        drug_results={s: m[f"drug_{s}"] for s in DRUG_PANEL} if tested else None,
        test_date=m["test_date"] if tested else None,
    )


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def patient_ids(*, session: Session) -> list[int]:
    p = table_of(Patient)
    return [
        int(i) for i in session.connection().execute(sa.select(p.c.id).order_by(p.c.id)).scalars()
    ]
