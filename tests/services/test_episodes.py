"""Episodes, exits and prescription changes: validation, row caches, roles, audit."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.dto import PatientInput, PrescriptionInput, SafetyInput
from console.services.errors import Forbidden, Invalid, Refused, Stale
from tests.conftest import StaffFactory

JO = PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")
METHADONE = PrescriptionInput("methadone_oral", 60, "daily", "supervised", "Westgate Pharmacy")


def _patient(engine: Engine, patient_id: int) -> dict[str, object]:
    with engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT status, episode_start, next_review_due, next_checkup_due, "
            "ost_continuous_start, current_medicine, current_dose_mg, version "
            "FROM patient WHERE id = ?"
            if engine.dialect.name == "sqlite"
            else "SELECT status, episode_start, next_review_due, next_checkup_due, "
            "ost_continuous_start, current_medicine, current_dose_mg, version "
            "FROM patient WHERE id = %s",
            (patient_id,),
        ).mappings()
        found = dict(next(iter(row)))
    for key in ("episode_start", "next_review_due", "next_checkup_due", "ost_continuous_start"):
        if isinstance(found[key], str):
            found[key] = dt.date.fromisoformat(found[key])
    return found


def _events(engine: Engine) -> list[tuple[str, int | None]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT action, patient_id FROM audit_event ORDER BY id")
        return [(r[0], r[1]) for r in rows]


def _doses(engine: Engine, patient_id: int) -> list[tuple[float, str, str | None]]:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT dose_mg, start_date, end_date FROM prescription "
            f"WHERE patient_id = {int(patient_id)} ORDER BY id"
        )
        return [(r[0], str(r[1]), None if r[2] is None else str(r[2])) for r in rows]


@pytest.fixture
def jo(services: Services) -> int:
    return services.patients.register(JO).id


@pytest.fixture
def clin(as_staff: StaffFactory) -> Services:
    return as_staff("clinician")


def test_start_sets_caches_and_is_audited(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    change = clin.episodes.start(jo, dt.date(2026, 11, 2), "GP", "heroin, crack")
    assert change.status == "in_treatment"
    assert change.next_review_due == dt.date(2026, 11, 30)  # start + 28 days
    row = _patient(engine, jo)
    assert row["episode_start"] == dt.date(2026, 11, 2)
    assert row["next_review_due"] == dt.date(2026, 11, 30)
    assert _events(engine)[-1] == ("episode.start", jo)


def test_one_open_episode_at_most(services: Services, clin: Services, jo: int) -> None:
    clin.episodes.start(jo, dt.date(2026, 1, 5))
    with pytest.raises(Invalid) as refused:
        clin.episodes.start(jo, dt.date(2026, 2, 5))
    assert "open episode" in refused.value.errors["start_date"]


def test_dates_in_the_future_are_refused(services: Services, clin: Services, jo: int) -> None:
    with pytest.raises(Invalid) as refused:
        clin.episodes.start(jo, dt.date(2026, 11, 24))
    assert "future" in refused.value.errors["start_date"]
    clin.episodes.start(jo, dt.date(2026, 1, 5))
    with pytest.raises(Invalid):
        clin.episodes.end(jo, dt.date(2027, 1, 1), "80")
    with pytest.raises(Invalid) as bad_reason:
        clin.episodes.end(jo, dt.date(2026, 11, 1), "99")
    assert "exit_reason" in bad_reason.value.errors


def test_successful_exit_schedules_checkups(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    change = clin.episodes.end(jo, dt.date(2026, 8, 31), "80")
    assert change.status == "post_exit_checkups"
    assert change.next_checkup_due == dt.date(2026, 11, 30)  # 31 Aug + 3 calendar months
    row = _patient(engine, jo)
    assert row["status"] == "post_exit_checkups"
    assert row["next_review_due"] is None and row["episode_start"] is None
    assert _events(engine)[-1] == ("episode.end", jo)


def test_a_completed_treatment_stops_the_prescription(
    services: Services, clin: Services, as_staff: StaffFactory, engine: Engine, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.change_prescription(jo, METHADONE)
    worker = as_staff("recovery_worker")
    with pytest.raises(Invalid) as refused:  # only a prescriber may stop it
        worker.episodes.end(jo, dt.date(2026, 11, 23), "80")
    assert "a clinician must record this exit" in refused.value.errors["exit_reason"]
    assert _patient(engine, jo)["status"] == "in_treatment"  # nothing half-written
    change = clin.episodes.end(jo, dt.date(2026, 11, 23), "80")
    assert change.prescription_stopped
    row = _patient(engine, jo)
    assert row["current_medicine"] == "" and row["ost_continuous_start"] is None
    assert _doses(engine, jo) == [(60.0, "2026-11-23", "2026-11-23")]


def test_a_worker_may_record_a_completion_without_a_prescription(
    services: Services, as_staff: StaffFactory, engine: Engine, jo: int
) -> None:
    worker = as_staff("recovery_worker")
    worker.episodes.start(jo, dt.date(2025, 1, 10))
    change = worker.episodes.end(jo, dt.date(2026, 11, 23), "80")
    assert change.status == "post_exit_checkups" and not change.prescription_stopped


def test_a_transfer_leaves_the_prescription_to_the_prescriber(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.change_prescription(jo, METHADONE)
    change = clin.episodes.end(jo, dt.date(2026, 11, 23), "83")
    assert not change.prescription_stopped
    assert _patient(engine, jo)["current_medicine"] == "methadone_oral"


@pytest.mark.parametrize(
    ("code", "status"), [("85", "discharged"), ("88", "discharged"), ("83", "discharged")]
)
def test_unsuccessful_and_transfer_exits_discharge(
    services: Services, clin: Services, engine: Engine, jo: int, code: str, status: str
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    change = clin.episodes.end(jo, dt.date(2026, 3, 1), code)
    assert change.status == status
    assert change.next_checkup_due is None


def test_death_makes_deceased_and_stops_the_prescription(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2025, 1, 10))
    clin.episodes.change_prescription(jo, METHADONE)
    clin.episodes.end(jo, dt.date(2026, 11, 23), "89")
    row = _patient(engine, jo)
    assert row["status"] == "deceased"
    assert row["current_medicine"] == "" and row["ost_continuous_start"] is None
    with pytest.raises(Refused):
        clin.episodes.start(jo, dt.date(2026, 11, 23))


def test_prescription_change_ends_previous_row_and_keeps_ost_run(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    clin.episodes.change_prescription(
        jo,
        PrescriptionInput(
            "methadone_oral", 80, "daily", "supervised", start_date=dt.date(2023, 4, 1)
        ),
    )
    clin.episodes.change_prescription(
        jo,
        PrescriptionInput(
            "methadone_oral", 60, "daily", "daily_pickup", start_date=dt.date(2024, 6, 1)
        ),
    )
    change = clin.episodes.change_prescription(
        jo,
        METHADONE.__class__(
            "methadone_oral", 40, "daily", "daily_pickup", start_date=dt.date(2026, 10, 1)
        ),
    )
    assert change.patient_id == jo
    assert _doses(engine, jo) == [
        (80, "2023-04-01", "2024-06-01"),
        (60, "2024-06-01", "2026-10-01"),
        (40, "2026-10-01", None),
    ]
    row = _patient(engine, jo)
    assert row["current_medicine"] == "methadone_oral" and row["current_dose_mg"] == 40
    assert row["ost_continuous_start"] == dt.date(2023, 4, 1)
    assert [a for a, _ in _events(engine)].count("prescription.change") == 3
    summary = services.summary.open(jo)
    assert [d.dose_mg for d in summary.doses] == [80, 60, 40]


def test_dose_in_the_wrong_unit_is_refused(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    with pytest.raises(Invalid) as refused:
        clin.episodes.change_prescription(
            jo, PrescriptionInput("methadone_oral", 600, "daily", "supervised")
        )
    assert "unit" in refused.value.errors["dose_mg"]
    with pytest.raises(Invalid) as wrong_interval:
        clin.episodes.change_prescription(
            jo, PrescriptionInput("buprenorphine_prolonged_release", 96, "daily")
        )
    assert "weekly or monthly" in wrong_interval.value.errors["interval"]
    with pytest.raises(Invalid) as no_dispensing:
        clin.episodes.change_prescription(jo, PrescriptionInput("methadone_oral", 40))
    assert "dispensing" in no_dispensing.value.errors
    assert _doses(engine, jo) == []


def test_recovery_worker_cannot_change_a_prescription(
    services: Services, as_staff: StaffFactory, jo: int
) -> None:
    worker = as_staff("recovery_worker")
    worker.episodes.start(jo, dt.date(2026, 1, 5))  # episodes: clinician or recovery worker
    with pytest.raises(Forbidden):
        worker.episodes.change_prescription(jo, METHADONE)
    as_staff("clinician").episodes.change_prescription(jo, METHADONE)


def test_reception_cannot_end_an_episode(
    services: Services, as_staff: StaffFactory, jo: int
) -> None:
    services_c = as_staff("clinician")
    services_c.episodes.start(jo, dt.date(2026, 1, 5))
    with pytest.raises(Forbidden):
        as_staff("reception").episodes.end(jo, dt.date(2026, 11, 1), "80")
    with pytest.raises(Forbidden):
        services.episodes.end(jo, dt.date(2026, 11, 1), "80")  # admin: read only


def test_a_new_episode_after_an_exit(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2024, 1, 10))
    clin.episodes.end(jo, dt.date(2025, 1, 10), "80")
    with pytest.raises(Invalid):
        clin.episodes.start(jo, dt.date(2024, 12, 1))  # before the last one ended
    change = clin.episodes.start(jo, dt.date(2026, 11, 20))
    assert change.status == "in_treatment" and change.next_checkup_due is None
    assert services.audit_log.verify().ok


def test_an_unchanged_prescription_is_refused(clin: Services, engine: Engine, jo: int) -> None:
    clin.episodes.change_prescription(jo, METHADONE)
    with pytest.raises(Invalid) as refused:
        clin.episodes.change_prescription(jo, METHADONE)
    assert "nothing changed" in refused.value.errors["dose_mg"]
    assert len(_doses(engine, jo)) == 1


# -- prescription safety details (SPEC §2, §4) -------------------------------------------
HIGH_METHADONE = PrescriptionInput("methadone_oral", 120, "daily", "supervised", "Westgate")


def _alerts(services: Services, patient_id: int) -> list[str]:
    return [a.text for a in services.summary.open(patient_id).alerts]


def test_safety_details_raise_and_clear_alerts(
    services: Services, clin: Services, engine: Engine, jo: int
) -> None:
    clin.episodes.start(jo, dt.date(2026, 1, 5))
    clin.episodes.change_prescription(jo, HIGH_METHADONE)
    assert any("no ECG in 12 months" in a for a in _alerts(clin, jo))
    clin.episodes.record_safety(
        jo, SafetyInput("3", "01/06/2026", "450", ("diazepam", " Pregabalin "))
    )
    alerts = _alerts(clin, jo)
    assert any(a.startswith("3 doses missed in a row") for a in alerts), alerts
    assert not any("no ECG" in a for a in alerts), "an ECG in 12 months clears the alert"
    assert "Co-prescribed sedative: diazepam, pregabalin" in alerts
    # an old ECG does not count, and nothing missed or co-prescribed clears those alerts
    clin.episodes.record_safety(jo, SafetyInput("0", "01/11/2025", "440", ()))
    alerts = _alerts(clin, jo)
    assert any("no ECG in 12 months" in a for a in alerts)
    assert not any("missed" in a or "sedative" in a for a in alerts), alerts
    assert [e for e in _events(engine) if e[0] == "prescription.safety"] == [
        ("prescription.safety", jo)
    ] * 2


def test_safety_values_are_checked_beside_their_fields(clin: Services, jo: int) -> None:
    clin.episodes.change_prescription(jo, METHADONE)
    with pytest.raises(Invalid) as refused:
        clin.episodes.record_safety(jo, SafetyInput("two", "31/02/2026", "900", ("x" * 41,)))
    errors = refused.value.errors
    assert set(errors) == {"missed_doses_in_row", "ecg_date", "qtc_ms", "sedatives"}
    assert "300–700" in errors["qtc_ms"]
    with pytest.raises(Invalid) as future:
        clin.episodes.record_safety(jo, SafetyInput("0", "24/11/2026", "420"))
    assert "future" in future.value.errors["ecg_date"]
    with pytest.raises(Invalid) as lone_qtc:
        clin.episodes.record_safety(jo, SafetyInput("0", "", "420"))
    assert "ECG" in lone_qtc.value.errors["ecg_date"]
    with pytest.raises(Invalid) as lone_ecg:
        clin.episodes.record_safety(jo, SafetyInput("0", "01/06/2026", ""))
    assert "qtc_ms" in lone_ecg.value.errors
    safety = clin.episodes.safety(jo)
    assert safety is not None and safety.qtc_ms is None and safety.sedatives == ()


def test_safety_needs_a_clinician_and_a_current_prescription(
    services: Services, clin: Services, as_staff: StaffFactory, engine: Engine, jo: int
) -> None:
    with pytest.raises(Refused):
        clin.episodes.record_safety(jo, SafetyInput("3"))
    clin.episodes.change_prescription(jo, METHADONE)
    for role in ("recovery_worker", "reception"):
        with pytest.raises(Forbidden):
            as_staff(role).episodes.record_safety(jo, SafetyInput("3"))
    with pytest.raises(Forbidden):
        services.episodes.record_safety(jo, SafetyInput("3"))  # admin: read only
    assert "prescription.safety" not in [a for a, _ in _events(engine)]


def test_safety_is_kept_on_the_current_row_and_a_stale_save_is_refused(
    clin: Services, as_staff: StaffFactory, jo: int
) -> None:
    clin.episodes.change_prescription(jo, METHADONE)
    opened = clin.episodes.safety(jo)
    assert opened is not None and opened.missed_doses_in_row == 0
    other = as_staff("clinician")
    other.episodes.record_safety(jo, SafetyInput("1", sedatives=("gabapentin",)), opened.version)
    with pytest.raises(Stale):
        clin.episodes.record_safety(jo, SafetyInput("4"), opened.version)
    # a dose change carries the sedatives over to the new row; the missed count starts again
    clin.episodes.change_prescription(
        jo, METHADONE.__class__("methadone_oral", 50, "daily", "supervised")
    )
    now = clin.episodes.safety(jo)
    assert now is not None and now.dose_mg == 50
    assert now.sedatives == ("gabapentin",) and now.missed_doses_in_row == 0
