"""The audit viewer's service: newest first, keyset pages, filters (a patient's events
include batches), its own openings audited once and hidden unless asked; admin only."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from console.clock import FixedClock
from console.services import Services
from console.services.audit_view import VIEWER_ACTION, AuditFilter
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid

LEAH = PatientInput("943 476 5919", "Quarrington", "Leah", "12/03/1980")
OMAR = PatientInput("401 023 2137", "Haddad", "Omar", "02/05/1975")


@pytest.fixture
def logged(services: Services, tmp_path: Path) -> Services:
    """Two patients registered and opened, then one export of both (a batch event)."""
    for data in (LEAH, OMAR):
        row = services.patients.register(data)
        services.summary.open(row.id)
    services.transfer.export_patients(tmp_path / "all.csv")
    return services


def every_id(services: Services, chosen: AuditFilter, limit: int) -> list[int]:
    ids: list[int] = []
    before = None
    while True:
        page = services.audit_view.page(chosen, before=before, limit=limit)
        ids.extend(line.id for line in page.lines)
        if page.older is None:
            return ids
        before = page.older


def test_pages_run_newest_first_without_overlap_or_gaps(logged: Services) -> None:
    whole = [line.id for line in logged.audit_view.page(limit=500).lines]
    assert whole == sorted(whole, reverse=True) and len(whole) >= 6
    assert every_id(logged, AuditFilter(), limit=2) == whole


def test_a_patients_events_include_the_batch(logged: Services) -> None:
    page = logged.audit_view.page(AuditFilter(nhs_number="401 023 2137"))
    actions = [line.action for line in page.lines]
    assert actions[0] == "patient.export"  # the batch of both patients, newest first
    assert "patient.register" in actions
    assert all(line.patients >= 1 for line in page.lines)
    export = logged.audit_view.event(page.lines[0].id)
    assert export.line.patients == 2
    assert {nhs for nhs, _ in export.patients} == {"9434765919", "4010232137"}
    assert '"rows": 2' in export.detail


def test_filters_by_staff_action_family_and_dates(
    logged: Services, engine: Engine, clock: FixedClock
) -> None:
    logged.staff_admin.add("gp1", "Dr Aisha Rahman", ["clinician"])
    gp = Services(engine, login="gp1", clock=clock)
    gp.identify()
    leah = gp.patients.search("Quarrington").rows[0]
    gp.summary.open(leah.id)
    by_gp = logged.audit_view.page(AuditFilter(login="gp1")).lines
    assert [line.login for line in by_gp] == ["gp1"]
    family = logged.audit_view.page(AuditFilter(action="patient.")).lines
    assert family and all(line.action.startswith("patient.") for line in family)
    today = clock.today()
    assert logged.audit_view.page(AuditFilter(date_from=today, date_to=today)).lines
    assert not logged.audit_view.page(AuditFilter(date_to=today - dt.timedelta(days=1))).lines
    for bad, field in (
        (AuditFilter(nhs_number="123"), "nhs_number"),
        (AuditFilter(login="nobody"), "login"),
        (AuditFilter(date_from=today, date_to=today - dt.timedelta(days=1)), "date_to"),
    ):
        with pytest.raises(Invalid) as refused:
            logged.audit_view.page(bad)
        assert field in refused.value.errors


def test_opening_is_audited_once_and_hidden_unless_asked(logged: Services) -> None:
    logged.audit_view.open()
    shown = [line.action for line in logged.audit_view.page().lines]
    assert VIEWER_ACTION not in shown
    asked = logged.audit_view.page(AuditFilter(show_viewer=True)).lines
    assert [line.action for line in asked].count(VIEWER_ACTION) == 1


def test_the_viewer_is_for_admins(logged: Services, engine: Engine, clock: FixedClock) -> None:
    logged.staff_admin.add("gp1", "Dr Aisha Rahman", ["clinician"])
    gp = Services(engine, login="gp1", clock=clock)
    gp.identify()
    with pytest.raises(Forbidden, match="admin"):
        gp.audit_view.page()
    with pytest.raises(Forbidden, match="admin"):
        gp.audit_view.open()


def test_verify_reports_progress_up_to_the_whole_chain(
    logged: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.services import audit

    monkeypatch.setattr(audit, "PROGRESS_EVERY", 2)
    seen: list[tuple[int, int]] = []
    result = logged.audit_log.verify(lambda done, total: seen.append((done, total)))
    assert result.ok
    assert seen and all(done <= total for done, total in seen)
    assert [done for done, _ in seen] == list(range(2, result.events + 1, 2))
    assert seen[-1][1] == result.last_id


def test_a_patients_pages_read_in_chunks_match_one_page(
    logged: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from console.services import audit_view

    omar = AuditFilter(nhs_number="401 023 2137")
    whole = [line.id for line in logged.audit_view.page(omar, limit=500).lines]
    monkeypatch.setattr(audit_view, "PATIENT_CHUNK", 1)  # one event id at a time
    assert every_id(logged, omar, 1) == whole and len(whole) >= 3
    only = AuditFilter(nhs_number="401 023 2137", action="patient.register")
    assert [line.action for line in logged.audit_view.page(only).lines] == ["patient.register"]
