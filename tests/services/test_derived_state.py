"""Issue 12: derived state right on every path, each defect through the services, and the
cache check (`recovery-console check`). Every state here is made by service calls."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.dto import PrescriptionInput, SafetyInput
from console.services.health_dto import HealthInput
from console.services.review_dto import DrugTestInput, GoalReviewInput
from db.models import Patient, table_of
from tests.services.derived_helpers import (
    MovingClock,
    alerts,
    check_admin,
    check_finds_then_repairs,
    finalise,
    in_treatment,
    register,
    row,
    staff,
    top_values,
)

TODAY = dt.date(2026, 11, 23)
NHS = "943 476 5919"


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London"))


@pytest.fixture
def clin(engine: Engine, clock: MovingClock) -> Services:
    return staff(engine, clock, "clinician")


def _hbv_done(s: Services, pid: int) -> None:
    """Hepatitis B course completed, so an H means what the test is about."""
    s.health.record(pid, HealthInput("hep_b_dose", dt.date(2020, 1, 1), "completed"))


# -- defect 1: a drug test is judged against the prescription on the test's date ------
def test_an_old_test_is_judged_against_the_prescription_then(clin: Services) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2024, 1, 10))
    taken = dt.date(2026, 11, 20)
    test = DrugTestInput("urine", taken, {"methadone": "positive", "benzodiazepines": "negative"})
    finalise(clin, pid, drug_test=test)
    assert alerts(clin, pid, "T") == []  # methadone positive on methadone: expected
    clin.episodes.change_prescription(
        pid, PrescriptionInput("buprenorphine_sublingual", 12, dispensing="supervised")
    )
    clin.episodes.record_safety(pid, SafetyInput(sedatives=("diazepam",)))
    assert alerts(clin, pid, "T") == []  # the same old test: still judged against methadone
    assert "T" not in row(clin, pid).flags
    assert clin.caches.patient(pid) == []


def test_the_alert_carries_the_tests_date(clin: Services) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2024, 1, 10))
    test = DrugTestInput("urine", dt.date(2026, 11, 20), {"opiates": "positive"})
    finalise(clin, pid, drug_test=test)  # recorded at the 23 Nov review
    assert alerts(clin, pid, "T") == [
        "Unexpected drug test result: opiates positive, not prescribed (20 Nov 2026)"
    ]
    assert row(clin, pid).flags.startswith("T")


# -- defect 2: a dose change dated later takes effect on its date, with no write ------------
def test_a_reduction_from_next_week_leaves_todays_dose_in_force(
    clin: Services, clock: MovingClock
) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2023, 6, 1), dose=120)
    _hbv_done(clin, pid)
    clin.health.record(pid, HealthInput("naloxone", dt.date(2026, 11, 1), "nasal (Nyxoid)"))
    clin.episodes.record_safety(pid, SafetyInput(ecg_date="10/01/2024", qtc_ms="430"))
    next_week = TODAY + dt.timedelta(days=7)
    finalise(
        clin,
        pid,
        ost_decision="reduce",
        ost_rationale="",
        new_dose_mg=90.0,
        new_dose_from=next_week,
    )
    ecg = "Methadone 120 mg a day with no ECG in 12 months"
    assert ecg in alerts(clin, pid, "S")
    today = row(clin, pid)
    assert (today.dose_mg, today.flags) == (120, "S")
    clock.advance(7)  # nothing is written between
    assert alerts(clin, pid, "S") == []
    later = row(clin, pid)
    assert (later.dose_mg, later.flags) == (90, "")
    assert clin.caches.patient(pid) == []


def test_a_second_change_while_one_is_planned_is_refused(clin: Services) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2023, 6, 1), dose=80)
    next_week = TODAY + dt.timedelta(days=7)
    finalise(clin, pid, ost_decision="reduce", new_dose_mg=70.0, new_dose_from=next_week)
    with pytest.raises(Exception) as caught:
        finalise(clin, pid, ost_decision="reduce", new_dose_mg=60.0, new_dose_from=next_week)
    assert "already planned" in str(caught.value)


# -- defect 5: the drift guard's caches on the review path ------------------------------
def test_a_substance_goal_dropped_at_a_review_refreshes_the_agreed_plan_cache(
    clin: Services,
) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2022, 1, 10))
    substance, housing = (g.goal_key for g in clin.careplans.open(pid).goals)
    finalise(
        clin,
        pid,
        goals={
            substance: GoalReviewInput("dropped", "wants to keep using on top"),
            housing: GoalReviewInput("in_progress"),
        },
    )
    reason = "On OST two years or more: the agreed care plan has no live substance-use goal"
    assert alerts(clin, pid, "D") == [reason]
    assert "D" in row(clin, pid).flags
    assert clin.caches.patient(pid) == []


def test_restarting_ost_at_a_review_after_a_short_gap_keeps_the_run(
    clin: Services, clock: MovingClock
) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2022, 1, 10))
    finalise(clin, pid, ost_decision="stop", ost_rationale="wants to try without")
    clock.advance(10)  # a gap of ten days: under 28, the run goes on
    finalise(
        clin,
        pid,
        kind="interim",
        ost_decision="start",
        ost_rationale="relapsed",
        new_dose_mg=40.0,
        new_dose_from=clock.today(),
        new_medicine="methadone_oral",
        new_dispensing="supervised",
        next_review_date=dt.date(2027, 5, 23),
    )
    summary = clin.summary.open(pid)
    assert summary.ost_since == dt.date(2022, 1, 10)
    assert clin.caches.patient(pid) == []  # ost_continuous_start among them


# -- defect 6: flags are the alert letters, by one function ------------------------------
def test_naloxone_flag_for_opioid_use_in_the_latest_top_without_ost(clin: Services) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2026, 10, 1), dose=None)
    _hbv_done(clin, pid)
    finalise(clin, pid, kind="start", top=top_values(opiates=6), ost_decision="not_on_ost")
    assert alerts(clin, pid, "H") == ["Naloxone not supplied in 12 months (never supplied)"]
    assert row(clin, pid).flags == "H"
    clin.health.record(pid, HealthInput("naloxone", dt.date(2026, 11, 23), "nasal (Nyxoid)"))
    assert row(clin, pid).flags == ""


def test_currently_injecting_is_cleared_by_a_later_top_with_no_days(
    clin: Services, clock: MovingClock
) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2024, 1, 10))
    _hbv_done(clin, pid)
    clin.health.record(pid, HealthInput("naloxone", dt.date(2026, 11, 1), "nasal (Nyxoid)"))
    finalise(clin, pid, top=top_values(injected=4))
    hcv = "Hepatitis C not tested in 12 months while injecting (never tested)"
    assert alerts(clin, pid, "H") == [hcv]
    assert row(clin, pid).flags == "H"
    clock.advance(14)
    finalise(
        clin, pid, kind="interim", top=top_values(injected=0), next_review_date=dt.date(2027, 5, 23)
    )
    assert alerts(clin, pid, "H") == []
    assert row(clin, pid).flags == ""
    assert clin.caches.patient(pid) == []


def test_the_worklist_drift_check_covers_everyone_the_flag_covers(clin: Services) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2022, 1, 10))
    clin.episodes.end(pid, TODAY, "85")  # dropped out: the prescription is left open
    assert "D" in row(clin, pid).flags
    listed = clin.worklist.items(28)
    assert any(i.patient_id == pid and "drift guard" in i.reasons for i in listed.items)


def test_reception_sees_only_review_due(clin: Services, engine: Engine, clock: MovingClock) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2026, 11, 1), plan=False)  # start review due 29 Nov
    clin.episodes.record_safety(pid, SafetyInput(sedatives=("diazepam",)))
    assert row(clin, pid).flags.startswith("SR")
    reception = staff(engine, clock, "reception")
    assert row(reception, pid).flags == ""  # no agreed plan is not "review due"
    clock.advance(30)
    assert row(reception, pid).flags == "R"


# -- defect 7: a missing start review names the review due -------------------------------
def test_a_missing_start_review_is_named(clin: Services, clock: MovingClock) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2026, 10, 1))
    assert alerts(clin, pid, "R") == ["Start review overdue by 25 days"]
    finalise(clin, pid, kind="start")  # the next, six months on: 23 May 2027
    clock.advance(200)
    assert alerts(clin, pid, "R") == ["Strategic review overdue by 19 days (last 23 Nov 2026)"]


# -- the cache check ------------------------------------------------------------------------
def test_check_finds_and_repairs_a_wrong_cache(
    clin: Services, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = in_treatment(clin, NHS, since=dt.date(2024, 1, 10))
    register(clin, "999 000 0018")
    admin = check_admin(engine)
    assert admin.caches.check().mismatches == ()
    # A row written behind the product (an old version, a hand edit) is what check is for.
    with engine.begin() as conn:
        t = table_of(Patient)
        conn.execute(sa.update(t).where(t.c.id == pid).values(current_dose_mg=45))
    out = check_finds_then_repairs(engine, capsys, "9434765919: current_dose_mg: 45 → 60")
    assert "Quarrington" not in out and "Leah" not in out
    assert "Row caches right for all 2 patients." in capsys.readouterr().out


def test_check_is_for_the_admin(clin: Services) -> None:
    from console.services.errors import Forbidden

    with pytest.raises(Forbidden):
        clin.caches.check()
