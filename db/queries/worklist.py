"""Worklist selects on the patient row caches: each reads one index, never the reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from sqlmodel import Session

from db.models import Patient, table_of
from db.models.patient import ON_OST
from db.queries.patients import FROM, LIST_COLUMNS, in_force

P = table_of(Patient)
# What a worklist row shows; the drift guard's select adds the caches its re-check reads.
# Only these: a wide row per patient made the worklist's own Python the longest part of
# its wait (issue 19).
COLUMNS = (P.c.id, P.c.nhs_number, P.c.family_name, P.c.given_name, P.c.consent_letters_home)
DRIFT_COLUMNS = (*LIST_COLUMNS, P.c.consent_letters_home)
ACTIVE = ("in_treatment", "post_exit_checkups")
Rows = Sequence[sa.RowMapping]


def _all(session: Session, stmt: sa.Select[tuple[object, ...]]) -> Rows:
    return session.connection().execute(stmt).mappings().all()


def reviews_due(*, session: Session, by: dt.date, limit: int | None) -> Rows:
    """Overdue and due by `by`: ix_patient_status_next_review (status, next_review_due)."""
    stmt = (
        sa.select(*COLUMNS, P.c.next_review_due)
        .where(P.c.status.in_(ACTIVE), P.c.next_review_due <= by)
        .order_by(P.c.next_review_due, P.c.id)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))


def checkups_due(*, session: Session, by: dt.date, limit: int | None) -> Rows:
    """Post-exit check-ups due by `by` (index on next_checkup_due)."""
    stmt = (
        sa.select(*COLUMNS, P.c.next_checkup_due)
        .where(P.c.next_checkup_due <= by, P.c.status == "post_exit_checkups")
        .order_by(P.c.next_checkup_due, P.c.id)
    )
    return _all(session, stmt if limit is None else stmt.limit(limit))


def followups_due(*, session: Session, by: dt.date, limit: int | None) -> Rows:
    """Linkage follow-ups due by `by` (index on next_linkage_followup)."""
    stmt = (
        sa.select(*COLUMNS, P.c.next_linkage_followup)
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

    Walks ix_patient_ost_status_review in order (no sort), so LIMIT stops the read early
    however many patients have left treatment: the index holds only rows with a medicine,
    and naming its condition (ON_OST, implied by the medicine in force) lets SQLite use
    it. The service re-checks each row with console.rules.flags.drift_reasons.
    """
    on = sa.literal(today, sa.Date)
    stmt = (
        sa.select(*DRIFT_COLUMNS)
        .select_from(FROM)
        .where(
            P.c.status != "deceased",
            sa.text(f"({ON_OST})"),
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
    the starts that reach it in the window), latest start first.

    One range read of ix_patient_recovery_start per milestone, newest range first, until
    `limit` rows: one select with the ranges OR-ed walked the index from the newest start,
    past every recent starter, so it slowed as the caseload grew (issue 19)."""
    merged: list[tuple[dt.date, dt.date]] = []  # a long window's ranges may overlap
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    found: list[sa.RowMapping] = []
    for lo, hi in reversed(merged):
        if limit is not None and len(found) >= limit:
            break
        stmt = (
            sa.select(*COLUMNS, P.c.recovery_start)
            .where(P.c.status != "deceased", P.c.recovery_start.between(lo, hi))
            .order_by(P.c.recovery_start.desc(), P.c.id.desc())  # the index backwards: no sort
        )
        if limit is not None:
            stmt = stmt.limit(limit - len(found))
        found += _all(session, stmt)
    return found
