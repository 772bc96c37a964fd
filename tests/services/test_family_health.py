"""Family and supporters, health checks: validation, row caches, roles, audit, alerts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.dto import PatientInput, PrescriptionInput
from console.services.errors import Forbidden, Invalid, Stale
from console.services.health_dto import HealthInput, SupporterInput
from tests.conftest import StaffFactory

JO = PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")
KIM = SupporterInput("Kim Smith", "sister", "07700 900456", True, True)
D = dt.date


def _caches(engine: Engine, patient_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT last_naloxone, last_hcv_test, hbv_course_completed, injecting_status, "
            "injecting_recorded, family_involvement FROM patient WHERE id = "
            f"{int(patient_id)}"
        ).mappings()
        found = dict(next(iter(row)))
    for key, value in found.items():
        if isinstance(value, str) and key not in ("injecting_status", "family_involvement"):
            found[key] = D.fromisoformat(value)
    return found


def _events(engine: Engine) -> list[tuple[str, int | None, str]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT action, patient_id, detail FROM audit_event ORDER BY id"
        )
        return [(r[0], r[1], r[2] or "") for r in rows]


@pytest.fixture
def jo(services: Services) -> int:
    return services.patients.register(JO).id


@pytest.fixture
def worker(as_staff: StaffFactory) -> Services:
    return as_staff("recovery_worker")


# -- family -------------------------------------------------------------------------
def test_add_edit_remove_family_member_audited(worker: Services, engine: Engine, jo: int) -> None:
    row = worker.family.add(jo, KIM)
    assert (row.name, row.relationship, row.consent_involvement) == ("Kim Smith", "sister", True)
    edited = worker.family.edit(row.id, row.version, SupporterInput("Kim Smith", "sister"))
    assert edited.consent_involvement is False and edited.version == row.version + 1
    view = worker.family.open(jo)
    assert [m.name for m in view.members] == ["Kim Smith"] and view.can_edit
    worker.family.remove(edited.id, edited.version)
    assert worker.family.open(jo).members == ()
    actions = [a for a, _, _ in _events(engine) if a.startswith("family.")]
    assert actions == ["family.add", "family.edit", "family.open", "family.remove", "family.open"]
    # Names and contact details stay out of the audit log.
    assert not any("Kim" in detail or "07700" in detail for _, _, detail in _events(engine))


def test_family_validation_by_field(worker: Services, jo: int) -> None:
    with pytest.raises(Invalid) as refused:
        worker.family.add(jo, SupporterInput("  ", "", "x" * 121))
    assert set(refused.value.errors) == {"name", "relationship", "contact"}
    with pytest.raises(Invalid) as long:
        worker.family.add(jo, SupporterInput("a" * 121, "b" * 61))
    assert long.value.errors == {
        "name": "at most 120 characters",
        "relationship": "at most 60 characters",
    }


def test_stale_family_edit_refused(worker: Services, jo: int) -> None:
    row = worker.family.add(jo, KIM)
    worker.family.edit(row.id, row.version, KIM)
    with pytest.raises(Stale):
        worker.family.edit(row.id, row.version, SupporterInput("Kim Jones", "sister"))


def test_involvement_answers(worker: Services, engine: Engine, jo: int) -> None:
    worker.family.set_involvement(jo, "none_to_involve")
    assert _caches(engine, jo)["family_involvement"] == "none_to_involve"
    assert worker.family.open(jo).involvement == "none_to_involve"
    # A supporter found later replaces "no one to involve".
    row = worker.family.add(jo, KIM)
    assert _caches(engine, jo)["family_involvement"] == ""
    with pytest.raises(Invalid) as refused:
        worker.family.set_involvement(jo, "none_to_involve")
    assert "remove them first" in refused.value.errors["involvement"]
    worker.family.set_involvement(jo, "declines")  # declining is allowed with records
    worker.family.remove(row.id, row.version)
    worker.family.set_involvement(jo, "")
    assert _caches(engine, jo)["family_involvement"] == ""
    with pytest.raises(Invalid):
        worker.family.set_involvement(jo, "maybe")
    assert ("family.involvement", jo, '{"involvement":"declines"}') in [
        (a, p, d.replace(" ", "")) for a, p, d in _events(engine)
    ]


# -- health checks ------------------------------------------------------------------
def test_health_validation_by_field(worker: Services, jo: int) -> None:
    with pytest.raises(Invalid) as refused:
        worker.health.record(jo, HealthInput("naloxone", D(2026, 12, 1), "spray", "x" * 201))
    assert set(refused.value.errors) == {"check_date", "result", "detail"}
    assert "nasal (Nyxoid)" in refused.value.errors["result"]
    with pytest.raises(Invalid) as kind:
        worker.health.record(jo, HealthInput("x-ray", D(2026, 11, 1), ""))
    assert set(kind.value.errors) == {"kind"}
    with pytest.raises(Invalid) as no_date:
        worker.health.record(jo, HealthInput("hiv_test", None, "negative"))
    assert set(no_date.value.errors) == {"check_date"}
    with pytest.raises(Invalid) as other:
        worker.health.record(jo, HealthInput("site_check", D(2026, 11, 1), "other"))
    assert set(other.value.errors) == {"detail"}


def test_naloxone_cache_and_training(worker: Services, engine: Engine, jo: int) -> None:
    worker.health.record(jo, HealthInput("naloxone", D(2025, 3, 3), "injection (Prenoxad)"))
    row = worker.health.record(
        jo, HealthInput("naloxone", D(2026, 10, 1), "nasal (Nyxoid)", "", family_trained=True)
    )
    assert row.detail == "family or friends trained"
    # An older supply recorded late does not move the cache back.
    worker.health.record(jo, HealthInput("naloxone", D(2024, 1, 1), "nasal (Nyxoid)"))
    assert _caches(engine, jo)["last_naloxone"] == D(2026, 10, 1)
    assert ("health.record", jo) in [(a, p) for a, p, _ in _events(engine)]


def test_hcv_cache_counts_tests_not_refusals(worker: Services, engine: Engine, jo: int) -> None:
    worker.health.record(jo, HealthInput("hcv_antibody", D(2025, 5, 1), "positive"))
    worker.health.record(jo, HealthInput("hcv_antibody", D(2026, 9, 1), "refused"))
    worker.health.record(jo, HealthInput("hcv_treatment", D(2026, 10, 1), "completed"))
    assert _caches(engine, jo)["last_hcv_test"] == D(2025, 5, 1)
    worker.health.record(jo, HealthInput("hcv_rna", D(2026, 11, 2), "not_detected"))
    assert _caches(engine, jo)["last_hcv_test"] == D(2026, 11, 2)


def test_hbv_course_completed_after_third_dose(worker: Services, engine: Engine, jo: int) -> None:
    for dose, day in (("1", 1), ("2", 8)):
        worker.health.record(jo, HealthInput("hep_b_dose", D(2026, 10, day), dose))
        assert _caches(engine, jo)["hbv_course_completed"] is None
    worker.health.record(jo, HealthInput("hep_b_dose", D(2026, 10, 29), "3"))
    assert _caches(engine, jo)["hbv_course_completed"] == D(2026, 10, 29)


def test_injecting_status_sets_recorded_date(worker: Services, engine: Engine, jo: int) -> None:
    worker.health.set_injecting_status(jo, "currently")
    caches = _caches(engine, jo)
    assert caches["injecting_status"] == "currently"
    assert caches["injecting_recorded"] == D(2026, 11, 23)
    worker.health.set_injecting_status(jo, "previously")
    caches = _caches(engine, jo)
    assert (caches["injecting_status"], caches["injecting_recorded"]) == ("previously", None)
    with pytest.raises(Invalid):
        worker.health.set_injecting_status(jo, "sometimes")
    assert [a for a, _, _ in _events(engine)][-2:] == ["health.injecting", "health.injecting"]
    view = worker.health.open(jo)
    assert [e.result for e in view.events] == ["previously", "currently"]


def test_remove_recomputes_caches_and_keeps_reason(
    worker: Services, engine: Engine, jo: int
) -> None:
    old = worker.health.record(jo, HealthInput("naloxone", D(2025, 6, 1), "nasal (Nyxoid)"))
    wrong = worker.health.record(jo, HealthInput("naloxone", D(2026, 11, 20), "nasal (Nyxoid)"))
    with pytest.raises(Invalid):
        worker.health.remove(wrong.id, wrong.version, "  ")
    worker.health.remove(wrong.id, wrong.version, "recorded on the wrong patient")
    assert _caches(engine, jo)["last_naloxone"] == old.date
    action, patient, detail = _events(engine)[-1]
    assert (action, patient) == ("health.remove", jo)
    assert "recorded on the wrong patient" in detail
    with pytest.raises(Stale):
        worker.health.remove(old.id, old.version + 5, "typo")


@pytest.mark.parametrize("role", ["reception", "admin"])
def test_reception_and_admin_cannot_write(as_staff: StaffFactory, jo: int, role: str) -> None:
    other = as_staff(role)
    with pytest.raises(Forbidden):
        other.family.add(jo, KIM)
    with pytest.raises(Forbidden):
        other.family.set_involvement(jo, "declines")
    with pytest.raises(Forbidden):
        other.health.record(jo, HealthInput("naloxone", D(2026, 11, 1), "nasal (Nyxoid)"))
    with pytest.raises(Forbidden):
        other.health.set_injecting_status(jo, "never")


def test_admin_reads_reception_does_not(as_staff: StaffFactory, jo: int) -> None:
    assert as_staff("admin").health.open(jo).can_edit is False
    assert as_staff("clinician").family.open(jo).can_edit is True
    with pytest.raises(Forbidden):
        as_staff("reception").health.open(jo)


def test_alerts_clear_after_naloxone_and_hcv_test(
    worker: Services, as_staff: StaffFactory, jo: int
) -> None:
    clin = as_staff("clinician")
    clin.episodes.start(jo, D(2026, 1, 5))
    clin.episodes.change_prescription(
        jo, PrescriptionInput("methadone_oral", 60, "daily", "supervised", "Westgate")
    )
    worker.health.set_injecting_status(jo, "currently")

    def health_alerts() -> list[str]:
        return [a.text for a in worker.summary.open(jo).alerts if a.letter == "H"]

    before = health_alerts()
    assert any(t.startswith("Naloxone not supplied") for t in before)
    assert any(t.startswith("Hepatitis C not tested") for t in before)
    worker.health.record(jo, HealthInput("naloxone", D(2026, 11, 23), "nasal (Nyxoid)"))
    worker.health.record(jo, HealthInput("hcv_antibody", D(2026, 11, 23), "negative"))
    after = health_alerts()
    assert not any(t.startswith(("Naloxone", "Hepatitis C")) for t in after)


def test_hbv_alert_clears_after_third_dose(worker: Services, jo: int) -> None:
    def hbv_alert() -> bool:
        return any(a.text.startswith("Hepatitis B") for a in worker.summary.open(jo).alerts)

    assert hbv_alert()
    for dose, day in (("1", 1), ("2", 8), ("3", 22)):
        worker.health.record(jo, HealthInput("hep_b_dose", D(2026, 10, day), dose))
    assert not hbv_alert()
