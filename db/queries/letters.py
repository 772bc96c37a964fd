"""What a letter needs: one patient, their agreed goals, prescription and latest linkage."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from db.models import (
    CarePlan,
    Goal,
    Letter,
    LetterTemplate,
    Linkage,
    Patient,
    Pharmacy,
    Prescription,
    Resource,
    table_of,
)

Rows = Sequence[sa.RowMapping]


def _all(session: Session, stmt: sa.Select[tuple[object, ...]]) -> Rows:
    return session.connection().execute(stmt).mappings().all()


def patients(*, session: Session, ids: Sequence[int]) -> dict[int, sa.RowMapping]:
    t = table_of(Patient)
    out: dict[int, sa.RowMapping] = {}
    for start in range(0, len(ids), 500):  # stay under bound-parameter limits
        chunk = list(ids[start : start + 500])
        for row in _all(session, sa.select(t).where(t.c.id.in_(chunk))):
            out[row["id"]] = row
    return out


def agreed_plan(*, session: Session, patient_id: int) -> sa.RowMapping | None:
    """The latest agreed care plan version: its id, number and the day it was agreed."""
    plan = table_of(CarePlan)
    stmt = (
        sa.select(plan.c.id, plan.c.version_no, plan.c.agreed_on)
        .where(plan.c.patient_id == patient_id, plan.c.status == "agreed")
        .order_by(plan.c.version_no.desc())
        .limit(1)
    )
    return session.connection().execute(stmt).mappings().first()


def agreed_goals(*, session: Session, patient_id: int) -> Rows:
    """Goals of the latest agreed care plan version, in their order."""
    plan = table_of(CarePlan)
    goal = table_of(Goal)
    latest = (
        sa.select(plan.c.id)
        .where(plan.c.patient_id == patient_id, plan.c.status == "agreed")
        .order_by(plan.c.version_no.desc())
        .limit(1)
        .scalar_subquery()
    )
    stmt = sa.select(goal).where(goal.c.care_plan_id == latest).order_by(goal.c.position, goal.c.id)
    return _all(session, stmt)


def current_prescription(
    *, session: Session, patient_id: int, today: dt.date | None = None
) -> sa.RowMapping | None:
    """The dose row in force `today` (None: the latest open row), with its directory
    pharmacy's name, address and whether it is still active (as `pharmacy_*`)."""
    t = table_of(Prescription)
    ph = table_of(Pharmacy)
    stmt = (
        sa.select(
            t,
            ph.c.name.label("pharmacy_name"),
            ph.c.address_line_1.label("pharmacy_line_1"),
            ph.c.address_line_2.label("pharmacy_line_2"),
            ph.c.town.label("pharmacy_town"),
            ph.c.postcode.label("pharmacy_postcode"),
            ph.c.active.label("pharmacy_active"),
        )
        .outerjoin(ph, ph.c.id == t.c.pharmacy_id)
        .where(t.c.patient_id == patient_id)
        .order_by(t.c.start_date.desc(), t.c.id.desc())
        .limit(1)
    )
    if today is None:
        stmt = stmt.where(t.c.end_date.is_(None))
    else:  # not a dose a review dated to start later, nor one that has ended
        stmt = stmt.where(
            t.c.start_date <= today, sa.or_(t.c.end_date.is_(None), t.c.end_date > today)
        )
    return session.connection().execute(stmt).mappings().first()


def linked_resources(*, session: Session, patient_id: int) -> Rows:
    """Resources linked to the patient, latest link first (each once)."""
    link = table_of(Linkage)
    res = table_of(Resource)
    latest = sa.func.max(link.c.linked_on).label("latest")
    stmt = (
        sa.select(res.c.id, res.c.name, latest)
        .join(link, link.c.resource_id == res.c.id)
        .where(link.c.patient_id == patient_id)
        .group_by(res.c.id, res.c.name)
        .order_by(latest.desc(), res.c.id.desc())
    )
    return _all(session, stmt)


def linked_resource(
    *, session: Session, patient_id: int, resource_id: int | None = None
) -> sa.RowMapping | None:
    """The resource a letter is about: `resource_id` if it is linked to the patient,
    else (None) the latest linked."""
    link = table_of(Linkage)
    res = table_of(Resource)
    stmt = (
        sa.select(res)
        .join(link, link.c.resource_id == res.c.id)
        .where(link.c.patient_id == patient_id)
        .order_by(link.c.linked_on.desc(), link.c.id.desc())
        .limit(1)
    )
    if resource_id is not None:
        stmt = stmt.where(res.c.id == resource_id)
    return session.connection().execute(stmt).mappings().first()


def templates(*, session: Session) -> Rows:
    t = table_of(LetterTemplate)
    return _all(session, sa.select(t).order_by(t.c.key))


def letter(*, session: Session, letter_id: int) -> sa.RowMapping | None:
    t = table_of(Letter)
    return session.connection().execute(sa.select(t).where(t.c.id == letter_id)).mappings().first()


def letters_by_id(*, session: Session, ids: Sequence[int]) -> Rows:
    t = table_of(Letter)
    out: list[sa.RowMapping] = []
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        out += _all(session, sa.select(t.c.id, t.c.patient_id, t.c.path).where(t.c.id.in_(chunk)))
    return out


def recent_letters(
    *, session: Session, ids: Sequence[int], keys: Sequence[str], since: str
) -> dict[int, str]:
    """Patients among `ids` with a letter of `keys` produced at or after `since`: latest."""
    t = table_of(Letter)
    out: dict[int, str] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        stmt = (
            sa.select(t.c.patient_id, sa.func.max(t.c.produced_at).label("at"))
            .where(
                t.c.patient_id.in_(chunk),
                t.c.template_key.in_(list(keys)),
                t.c.produced_at >= since,
            )
            .group_by(t.c.patient_id)
        )
        out.update({row["patient_id"]: row["at"] for row in _all(session, stmt)})
    return out


def insert_letters(*, session: Session, rows: Sequence[dict[str, object]]) -> tuple[int, ...]:
    """Insert many Letter rows at once; their ids in the order given."""
    if not rows:
        return ()
    t = table_of(Letter)
    result = session.connection().execute(
        sa.insert(t).returning(t.c.id, sort_by_parameter_order=True), list(rows)
    )
    return tuple(int(r[0]) for r in result)


def mark_printed(*, session: Session, ids: Sequence[int], at: str) -> None:
    t = table_of(Letter)
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        session.connection().execute(sa.update(t).where(t.c.id.in_(chunk)).values(printed_at=at))
