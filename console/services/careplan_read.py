"""Care plan reads: the editor's view, version history, comparison, the patient cache.

Pure reads over one session; the service decides the transaction and the audit.
"""

from __future__ import annotations

import pendulum
from sqlmodel import Session

from console.rules import careplan as rules
from console.rules.vocab import Domain, GoalStatus, PlanStatus
from console.services.careplan_dto import (
    CompareRow,
    Comparison,
    GoalView,
    PlanView,
    PromptView,
    VersionInfo,
)
from console.services.errors import NotFound
from db.models import CarePlan, Goal, Patient
from db.queries import careplans as q

DOMAINS = list(Domain)


def plan_view(session: Session, patient_id: int, *, tz: str, can_edit: bool) -> PlanView:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound("no such patient")
    plans = list(q.plans(session=session, patient_id=patient_id))
    infos = version_infos(session, plans, tz)
    latest = plans[-1] if plans else None
    goals = q.goals(session=session, plan_id=latest.id or 0) if latest else []
    views = sorted(
        (_goal_view(g) for g in goals),
        key=lambda g: (_domain_index(g.domain), g.position, g.goal_key),
    )
    top = q.last_top(session=session, patient_id=patient_id)
    last = (
        rules.LastTop(top["acute_housing"], top["eviction_risk"], top["paid_work_days"])
        if top
        else None
    )
    live = {g.domain for g in goals if g.status != GoalStatus.DROPPED}
    agreed = [i for i in infos if i.status == PlanStatus.AGREED]
    return PlanView(
        patient_id=patient_id,
        patient_name=f"{patient.family_name.upper()}, {patient.given_name}",
        plan_id=latest.id if latest else None,
        row_version=latest.version if latest else 0,
        version_no=latest.version_no if latest else 0,
        status=latest.status if latest else PlanStatus.DRAFT.value,
        goals=tuple(views),
        versions=tuple(infos),
        agreed=agreed[-1] if agreed else None,
        prompts=tuple(PromptView(p.domain.value, p.text) for p in rules.prompts(live, last)),
        can_edit=can_edit,
    )


def version_infos(session: Session, plans: list[CarePlan], tz: str) -> list[VersionInfo]:
    names = q.staff_names(
        session=session, ids=[p.created_by for p in plans] + [p.agreed_by for p in plans]
    )
    out = []
    for p in plans:
        created = (
            pendulum.parse(p.created_at).in_timezone(tz).format("D MMM YYYY HH:mm")  # type: ignore[union-attr]
            if p.created_at
            else "—"
        )
        out.append(
            VersionInfo(
                plan_id=p.id or 0,
                version_no=p.version_no,
                status=p.status,
                created_at=created,
                created_by=names.get(p.created_by or 0, "—"),
                agreed_on=p.agreed_on,
                agreed_with=p.agreed_with,
                agreed_by=names.get(p.agreed_by or 0, "—") if p.agreed_by else "—",
                patient_comment=p.patient_comment,
                goal_count=len(q.goals(session=session, plan_id=p.id or 0)),
            )
        )
    return out


def comparison(
    session: Session, patient_id: int, version_a: int, version_b: int, tz: str
) -> Comparison:
    by_no = {p.version_no: p for p in q.plans(session=session, patient_id=patient_id)}
    if version_a not in by_no or version_b not in by_no:
        raise NotFound("no such care plan version")
    pa, pb = by_no[version_a], by_no[version_b]
    infos = version_infos(session, [pa, pb], tz)
    events: dict[int, list[tuple[str, str]]] = {}
    for e in q.status_events(session=session, patient_id=patient_id):
        events.setdefault(e.goal_key, []).append((e.at, e.status))
    agreed_at = q.agreed_times(session=session, plan_ids=[pa.id or 0, pb.id or 0])

    def snapshot(plan: CarePlan) -> dict[int, tuple[Goal, str]]:
        out: dict[int, tuple[Goal, str]] = {}
        for g in q.goals(session=session, plan_id=plan.id or 0):
            if plan.status == PlanStatus.AGREED and plan.agreed_on is not None:
                # Demo rows have no audit event: the end of the agreed day stands in.
                at = agreed_at.get(plan.id or 0, f"{plan.agreed_on}T23:59:59.999999+00:00")
                status = rules.status_at(events.get(g.goal_key, []), at, "not_started")
            else:
                status = g.status  # a draft shows each goal's status now
            out[g.goal_key] = (g, status)
        return out

    sa_, sb = snapshot(pa), snapshot(pb)
    rows: list[tuple[tuple[int, int, int], CompareRow]] = []
    for key in sa_.keys() | sb.keys():
        ga, st_a = sa_.get(key, (None, ""))
        gb, st_b = sb.get(key, (None, ""))
        ref = gb or ga
        assert ref is not None
        kind = rules.change_kind(_text(ga), _text(gb), st_a, st_b)
        order = (_domain_index(ref.domain), ref.position, key)
        rows.append(
            (
                order,
                CompareRow(
                    key,
                    ref.domain,
                    ga.words if ga else "",
                    gb.words if gb else "",
                    st_a,
                    st_b,
                    kind,
                ),
            )
        )
    rows.sort(key=lambda r: r[0])
    return Comparison(infos[0], infos[1], tuple(r for _, r in rows))


def _domain_index(value: str) -> int:
    try:
        return DOMAINS.index(Domain(value))
    except ValueError:
        return len(DOMAINS)


def _goal_view(g: Goal) -> GoalView:
    return GoalView(
        g.goal_key,
        g.domain,
        g.position,
        g.words,
        g.actions,
        g.owner,
        g.target_date,
        g.status,
        g.drop_reason,
    )


def _text(g: Goal | None) -> rules.GoalText | None:
    if g is None:
        return None
    return rules.GoalText(g.domain, g.words, g.actions, g.owner, g.target_date)
