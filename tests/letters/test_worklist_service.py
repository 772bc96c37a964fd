"""The worklist service: who is due and why, from indexed reads of the row caches."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from db.models import Patient
from db.queries import worklist as queries
from tests.conftest import StaffFactory
from tests.letters.conftest import Caseload


def test_reasons_and_order(caseload: Caseload) -> None:
    with Session(caseload.services.engine) as session:
        p = session.get(Patient, caseload.no_consent)
        assert p is not None
        p.next_linkage_followup = dt.date(2026, 11, 20)
        session.commit()
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
    with Session(caseload.services.engine) as session:
        p = session.get(Patient, caseload.siobhan)
        assert p is not None
        p.next_linkage_followup = dt.date(2026, 11, 20)
        session.commit()
    reception = as_staff("reception")
    reasons = {r for i in reception.worklist.items().items for r in i.reasons}
    assert reasons <= {"review due", "review overdue", "check-up due"}


def test_drift_guard_listed(caseload: Caseload) -> None:
    with Session(caseload.services.engine) as session:
        p = session.get(Patient, caseload.siobhan)
        assert p is not None
        p.current_medicine = "methadone_oral"
        p.ost_continuous_start = dt.date(2022, 1, 1)
        p.next_review_due = dt.date(2027, 3, 1)
        session.commit()
    by_id = {i.patient_id: i for i in caseload.services.worklist.items().items}
    assert by_id[caseload.siobhan].reasons == ("drift guard", "milestone: two years")
    assert not by_id[caseload.siobhan].recall


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
    captured: list[tuple[str, object]] = []

    def grab(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", grab)
    try:
        with Session(engine) as session:
            query(session=session, by=dt.date(2026, 12, 21), limit=10)  # type: ignore[operator]
    finally:
        sa.event.remove(engine, "before_cursor_execute", grab)
    statement, parameters = captured[-1]
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)  # type: ignore[arg-type]
        plan = " ".join(str(r[-1]) for r in rows)
    # Either the date's own index or the (status, date) one: never a scan of the register.
    assert "SCAN patient" not in plan and "USING INDEX" in plan, plan
    assert index in plan or "ix_patient_status_next_review" in plan, plan
