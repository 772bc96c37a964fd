"""Worklist selects on the patient row caches: each reads one index, never the reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from db.models import Patient, table_of
from db.queries.patients import FROM, LIST_COLUMNS, in_force

P = table_of(Patient)
COLUMNS = (*LIST_COLUMNS, P.c.consent_letters_home)
ACTIVE = ("in_treatment", "post_exit_checkups")
Rows = Sequence[sa.RowMapping]


def _all(session: Session, stmt: sa.Select[tuple[object, ...]]) -> Rows:
    return session.connection().execute(stmt).mappings().all()


def reviews_due(*, session: Session, by: dt.date, limit: int | None) -> Rows:
    """Overdue and due by `by`: ix_patient_status_next_review (status, next_review_due)."""
    stmt = (
        sa.select(*COLUMNS)
        .select_from(FROM)
        .where(P.c.status.in_(ACTIVE), P.c.next_review_due <= by)
        .order_by(P.c.next_review_due, P.c.id)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))


def checkups_due(*, session: Session, by: dt.date, limit: int | None) -> Rows:
    """Post-exit check-ups due by `by` (index on next_checkup_due)."""
    stmt = (
        sa.select(*COLUMNS)
        .select_from(FROM)
        .where(P.c.next_checkup_due <= by, P.c.status == "post_exit_checkups")
        .order_by(P.c.next_checkup_due, P.c.id)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))


def followups_due(*, session: Session, by: dt.date, limit: int | None) -> Rows:
    """Linkage follow-ups due by `by` (index on next_linkage_followup)."""
    stmt = (
        sa.select(*COLUMNS)
        .select_from(FROM)
        .where(P.c.next_linkage_followup <= by, P.c.status != "deceased")
        .order_by(P.c.next_linkage_followup, P.c.id)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))


def drift_candidates(
    *,
    session: Session,
    today: dt.date,
    started_by: dt.date,
    review_before: dt.date,
    limit: int | None,
) -> Rows:
    """On OST today, continuously since `started_by` or earlier, with a drift reason (SPEC
    §4): everyone the list's D flag covers (any status but deceased), the dose in force
    today included.

    Walks ix_patient_status_next_review in order (no sort), so LIMIT stops the read early;
    the service re-checks each row with console.rules.flags.drift_reasons. An index on
    (status, ost_continuous_start) would make this a pure range read (needs a migration).
    """
    on = sa.literal(today, sa.Date)
    stmt = (
        sa.select(*COLUMNS)
        .select_from(FROM)
        .where(
            P.c.status != "deceased",
            sa.func.coalesce(in_force("current_medicine", on), "") != "",
            in_force("ost_continuous_start", on) <= started_by,
            sa.or_(
                P.c.last_strategic_review.is_(None),
                P.c.last_strategic_review < review_before,
                P.c.last_ost_decision.in_(("", "pending")),
                P.c.agreed_plan_substance_goal.is_(None),
            ),
        )
        .order_by(P.c.status, P.c.next_review_due)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))


def milestones_due(
    *, session: Session, ranges: list[tuple[dt.date, dt.date]], limit: int | None
) -> Rows:
    """Patients whose recovery start lies in any of `ranges` (one range per milestone:
    the starts that reach it in the window), through ix_patient_recovery_start."""
    if not ranges:
        return []
    stmt = (
        sa.select(*COLUMNS, P.c.recovery_start)
        .select_from(FROM)
        .where(
            P.c.status != "deceased",
            sa.or_(*(P.c.recovery_start.between(lo, hi) for lo, hi in ranges)),
        )
        .order_by(P.c.recovery_start.desc(), P.c.id)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))
