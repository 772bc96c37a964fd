"""Everything the patient summary shows, one indexed query per section."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from console.rules.vocab import DRUG_PANEL
from db.models import (
    Barc10,
    CarePlan,
    DrugTest,
    Episode,
    FamilyMember,
    HealthCheck,
    Letter,
    Linkage,
    Prescription,
    Resource,
    Review,
    Staff,
    TopScore,
    table_of,
)

Rows = Sequence[sa.RowMapping]


def _all(session: Session, stmt: sa.Select[tuple[object, ...]]) -> Rows:
    return session.connection().execute(stmt).mappings().all()


def episodes(*, session: Session, patient_id: int) -> Rows:
    t = table_of(Episode)
    return _all(session, sa.select(t).where(t.c.patient_id == patient_id).order_by(t.c.start_date))


def prescriptions(*, session: Session, patient_id: int) -> Rows:
    t = table_of(Prescription)
    return _all(
        session, sa.select(t).where(t.c.patient_id == patient_id).order_by(t.c.start_date, t.c.id)
    )


def reviews(*, session: Session, patient_id: int) -> Rows:
    """Every review, drafts too, oldest first, with its TOP, BARC-10 and drug-test results
    (as `drug_<substance>`, the addendum field names, so `corrected()` applies them)."""
    r = table_of(Review)
    top = table_of(TopScore)
    barc = table_of(Barc10)
    staff = table_of(Staff)
    test = table_of(DrugTest)
    stmt = (
        sa.select(
            r.c.id,
            r.c.kind,
            r.c.status,
            r.c.review_date,
            r.c.ost_decision,
            staff.c.name.label("held_by"),
            barc.c.total.label("barc10_total"),
            top.c.opiates_days,
            top.c.alcohol_days,
            top.c.crack_days,
            top.c.injected_days,
            top.c.shared_needle,
            top.c.shared_paraphernalia,
            top.c.psych_health,
            top.c.physical_health,
            top.c.quality_of_life,
            test.c.id.label("drug_test_id"),
            *(test.c[s].label(f"drug_{s}") for s in DRUG_PANEL),
        )
        .select_from(r)
        .outerjoin(top, top.c.review_id == r.c.id)
        .outerjoin(barc, barc.c.review_id == r.c.id)
        .outerjoin(staff, staff.c.id == r.c.held_by)
        .outerjoin(test, test.c.review_id == r.c.id)
        .where(r.c.patient_id == patient_id)
        .order_by(r.c.review_date, r.c.id)
    )
    return _all(session, stmt)


def agreed_plan_exists(*, session: Session, patient_id: int) -> bool:
    t = table_of(CarePlan)
    stmt = sa.select(t.c.id).where(t.c.patient_id == patient_id, t.c.status == "agreed").limit(1)
    return session.connection().execute(stmt).first() is not None


def linkage(*, session: Session, patient_id: int) -> Rows:
    link = table_of(Linkage)
    res = table_of(Resource)
    stmt = (
        sa.select(link, res.c.name.label("resource_name"), res.c.kind.label("resource_kind"))
        .join(res, res.c.id == link.c.resource_id)
        .where(link.c.patient_id == patient_id)
        .order_by(link.c.linked_on.desc())
    )
    return _all(session, stmt)


def family(*, session: Session, patient_id: int) -> Rows:
    t = table_of(FamilyMember)
    return _all(session, sa.select(t).where(t.c.patient_id == patient_id).order_by(t.c.id))


def health(*, session: Session, patient_id: int) -> Rows:
    t = table_of(HealthCheck)
    stmt = sa.select(t).where(t.c.patient_id == patient_id).order_by(t.c.check_date.desc())
    return _all(session, stmt)


def letters(*, session: Session, patient_id: int) -> Rows:
    t = table_of(Letter)
    stmt = sa.select(t).where(t.c.patient_id == patient_id).order_by(t.c.produced_at.desc())
    return _all(session, stmt)


def staff_name(*, session: Session, staff_id: int | None) -> str:
    if staff_id is None:
        return ""
    t = table_of(Staff)
    return (
        session.connection().execute(sa.select(t.c.name).where(t.c.id == staff_id)).scalar() or ""
    )
