"""Audit chain (append, verify, tamper detection) and stale-version refusal."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Invalid, Stale
from db.engine import writer
from tests.conftest import StaffFactory

JO = PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961", postcode="wf1 1aa")


def _events(engine: Engine) -> list[dict[str, object]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, login, patient_id, detail FROM audit_event ORDER BY id"
        ).mappings()
        return [dict(r) for r in rows]


def test_every_write_and_every_open_is_audited(services: Services, engine: Engine) -> None:
    record = services.patients.register(JO)
    services.patients.open(record.id)
    changed = JO.__class__(**{**JO.__dict__, "phone": "01924 123456"})
    services.patients.update(record.id, record.version, changed)
    events = _events(engine)
    actions = [e["action"] for e in events]
    assert actions == ["staff.bootstrap", "patient.register", "patient.open", "patient.update"]
    assert all(e["login"] == "tester" for e in events)
    assert events[-1]["patient_id"] == record.id
    assert json.loads(str(events[-1]["detail"])) == {"fields": ["phone"]}
    assert services.audit_log.verify().ok


def test_invalid_input_writes_nothing(services: Services, engine: Engine) -> None:
    before = len(_events(engine))
    bad = PatientInput("943 476 5918", "", "Jo", "31/02/1990", email="jo@", postcode="XYZ")
    with pytest.raises(Invalid) as refused:
        services.patients.register(bad)
    assert set(refused.value.errors) == {
        "nhs_number",
        "family_name",
        "date_of_birth",
        "email",
        "postcode",
    }
    assert len(_events(engine)) == before
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM patient").scalar() == 0


def test_duplicate_nhs_number_is_refused(services: Services) -> None:
    services.patients.register(JO)
    with pytest.raises(Invalid, match="already registered"):
        services.patients.register(JO)


def test_stale_version_is_refused_with_who_and_when(
    services: Services, as_staff: StaffFactory, engine: Engine
) -> None:
    record = services.patients.register(JO)
    colleague = as_staff("recovery_worker", login="kross")
    # Both open version 1; the colleague saves first.
    colleague.patients.update(
        record.id, record.version, PatientInput(**{**JO.__dict__, "town": "Leeds"})
    )
    with pytest.raises(Stale) as refused:
        services.patients.update(
            record.id, record.version, PatientInput(**{**JO.__dict__, "town": "York"})
        )
    message = str(refused.value)
    assert "Kross" in message and "23 Nov 2026 10:00" in message
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT town FROM patient").scalar() == "Leeds"
    # After a reload (the new version), the save goes through.
    fresh = services.patients.open(record.id)
    services.patients.update(
        record.id, fresh.version, PatientInput(**{**JO.__dict__, "town": "York"})
    )


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE audit_event SET login = 'mallory' WHERE action = 'patient.register'",
        "UPDATE audit_event SET detail = '{}' WHERE action = 'patient.update'",
        "DELETE FROM audit_event WHERE action = 'patient.open'",
        "UPDATE audit_event SET id = id + 100 WHERE action = 'staff.bootstrap'",
        "DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)",
    ],
)
def test_verify_detects_edits_deletions_and_reordering(
    services: Services, engine: Engine, tamper: str
) -> None:
    record = services.patients.register(JO)
    services.patients.open(record.id)
    services.patients.update(
        record.id, record.version, PatientInput(**{**JO.__dict__, "town": "Leeds"})
    )
    assert services.audit_log.verify().ok
    with writer(engine).begin() as conn:  # behind the product: tampering, as an attacker would
        conn.execute(sa.text(tamper))
    result = services.audit_log.verify()
    assert not result.ok
    assert result.problem


def test_events_of_one_transaction_chain_on_the_head_it_locked(
    services: Services, engine: Engine
) -> None:
    """The head row is read once per write transaction: every later event of the same
    transaction links to the one before it, and the head and anchor end at the last."""
    from console.services.roles import Action

    before = services.audit_log.verify()
    with services.uow.write(services.staff, Action.DATA_ADMIN) as tx:
        for n in range(3):
            tx.audit("test.event", entity="test", detail={"n": n})
    assert tx.after is not None and tx.after.event_id == before.last_id
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT id, prev_hash, hash FROM audit_event ORDER BY id DESC LIMIT 4"
        ).all()
        head = conn.exec_driver_sql("SELECT last_id, last_hash FROM audit_head").one()
    newest, *older = rows
    assert [r[1] for r in rows[:3]] == [r[2] for r in older]  # each links to the one before
    assert older[-1][2] == before.head_hash
    assert (head[0], head[1]) == (newest[0], newest[2])
    after = services.audit_log.verify()
    assert after.ok and after.events == before.events + 3
    if services.uow.anchor is not None:
        mark = services.uow.anchor.read()
        assert mark is not None and mark.event_id == newest[0]
