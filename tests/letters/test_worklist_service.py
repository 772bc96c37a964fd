"""The worklist service: who is due and why, from indexed reads of the row caches."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from console.letters import milestones
from console.services.dto import PatientInput
from db.queries import worklist as queries
from tests.conftest import StaffFactory
from tests.letters.conftest import Caseload, interim, methadone


def test_reasons_and_order(caseload: Caseload) -> None:
    # Linked to SMART two weeks before a follow-up that is now past.
    caseload.services.linkage.link(
        caseload.no_consent,
        caseload.smart,
        "information_given",
        dt.date(2026, 11, 6),
        dt.date(2026, 11, 20),
    )
    listed = caseload.services.worklist.items()
    by_id = {i.patient_id: i for i in listed.items}
    assert caseload.deceased not in by_id
    assert by_id[caseload.kowalczyk].reasons == ("review overdue",)
    # two years in recovery today: the milestone letter is due too
    assert by_id[caseload.siobhan].reasons == ("review due", "milestone: two years")
    assert by_id[caseload.no_consent].reasons == ("review due", "follow-up due")
    assert listed.items[0].patient_id == caseload.kowalczyk  # most overdue first
    assert caseload.services.worklist.recall_ids(10) == [caseload.kowalczyk, caseload.no_consent]


def test_reception_sees_no_clinical_reasons(caseload: Caseload, as_staff: StaffFactory) -> None:
    # Siobhán has not yet been to SMART: followed up again in a week (a clinical reason).
    linkage = caseload.services.linkage
    (link,) = linkage.for_patient(linkage.open(caseload.siobhan))
    linkage.record_outcome(link.id, link.version, "not_yet", next_follow_up=dt.date(2026, 11, 30))
    follow_ups = {
        i.patient_id
        for i in caseload.services.worklist.items().items
        if "follow-up due" in i.reasons
    }
    assert follow_ups == {caseload.siobhan}
    reception = as_staff("reception")
    reasons = {r for i in reception.worklist.items().items for r in i.reasons}
    assert reasons <= {"review due", "review overdue", "check-up due"}


def test_drift_guard_listed(caseload: Caseload) -> None:
    """On methadone since 2022 with no strategic review: the drift guard lists her; an
    interim review today set the next for March, so no review is due and no recall."""
    services = caseload.services
    pid = services.patients.register(
        PatientInput("9434765935", "Quarrington", "Ruth", "12/03/1980", recovery_start="23/11/2024")
    ).id
    services.episodes.start(pid, dt.date(2022, 1, 1))
    services.episodes.change_prescription(pid, methadone(None, start_date=dt.date(2022, 1, 1)))
    interim(services, pid, dt.date(2026, 11, 23), dt.date(2027, 3, 1), "strategic review booked")
    by_id = {i.patient_id: i for i in services.worklist.items().items}
    assert by_id[pid].reasons == ("drift guard", "milestone: two years")
    assert not by_id[pid].recall


def _plans(engine: sa.Engine, run: Callable[[Session], object]) -> list[str]:
    """Each select's query plan, as SQLite would run it."""
    captured: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        with Session(engine) as session:
            run(session)
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)
    plans = []
    with engine.connect() as conn:
        for statement, parameters in captured:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
            plans.append(" ".join(str(r[-1]) for r in rows))
    return plans


@pytest.mark.parametrize(
    ("query", "index"),
    [
        (queries.reviews_due, "ix_patient_status_next_review"),
        (queries.checkups_due, "ix_patient_next_checkup_due"),
        (queries.followups_due, "ix_patient_next_linkage_followup"),
    ],
)
def test_worklist_reads_an_index(caseload: Caseload, query: object, index: str) -> None:
    engine = caseload.services.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("query plans checked on SQLite")
    (plan,) = _plans(engine, lambda s: query(session=s, by=dt.date(2026, 12, 21), limit=10))  # type: ignore[operator]
    # Either the date's own index or the (status, date) one: never a scan of the register.
    assert "SCAN patient" not in plan and "USING INDEX" in plan, plan
    assert index in plan or "ix_patient_status_next_review" in plan, plan


def test_drift_and_milestones_do_not_walk_those_who_left(caseload: Caseload) -> None:
    """The drift guard walks only patients with a medicine (its partial index), and each
    milestone is a range read, so neither slows as discharged patients accumulate."""
    engine = caseload.services.engine
    if engine.dialect.name != "sqlite":
        pytest.skip("query plans checked on SQLite")
    today = dt.date(2026, 11, 23)
    (drift,) = _plans(
        engine,
        lambda s: queries.drift_candidates(
            session=s,
            today=today,
            started_by=dt.date(2024, 11, 23),
            review_before=dt.date(2026, 5, 23),
            limit=10,
        ),
    )
    assert "ix_patient_ost_status_review" in drift, drift
    ranges = milestones.start_ranges(pendulum.date(2026, 11, 23), 28)
    plans = _plans(engine, lambda s: queries.milestones_due(session=s, ranges=ranges, limit=10))
    assert plans and all("SEARCH patient USING INDEX ix_patient_recovery_start" in p for p in plans)
    assert all("TEMP B-TREE" not in p for p in plans), plans
