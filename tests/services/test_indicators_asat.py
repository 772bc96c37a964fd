"""Issue 17: a past as-at date computed in SQL over the source tables equals the Python
derivation from history (the check), patient by patient, on the demonstration caseload
and at hand-built boundaries; for today it equals the cache path. SQLite and PostgreSQL.
Every state is made through the services."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.dto import PatientInput
from console.services.health_dto import HealthInput, SupporterInput
from console.services.indicators import IndicatorService
from tests.services.derived_helpers import (
    MovingClock,
    finalise,
    in_treatment,
    methadone,
    staff,
    top_values,
)
from tests.services.test_checkups import answers
from tests.services.test_indicators import nhs

START = pendulum.datetime(2023, 1, 9, 10, 0, tz="Europe/London")


def same(s: Services, day: dt.date | None, keyworker: str = "") -> IndicatorService:
    """The SQL as-at path and the Python derivation agree on every number and patient."""
    ind = IndicatorService(s)
    sql = ind.history_members(day, keyworker, sql=True)
    py = ind.history_members(day, keyworker)
    for key, m in py.items():
        assert sql[key] == m, (key, day)
    board, check = (
        ind.history_dashboard(day, keyworker, sql=True),
        ind.history_dashboard(day, keyworker),
    )
    assert board.counts == check.counts, day
    assert board.ost_bands == check.ost_bands, day
    assert board.outcomes == check.outcomes, day
    return ind


@pytest.fixture
def demo(services: Services) -> Services:
    services.demo.load(80, seed=3)
    return services


def test_sql_as_at_equals_the_derivation_on_the_demo_caseload(demo: Services) -> None:
    today = demo.clock.today()
    days = [today.subtract(months=n).end_of("month") for n in (1, 6, 13, 25)]
    for day in [dt.date(d.year, d.month, d.day) for d in days]:
        ind = same(demo, day)
        board = ind.dashboard(day)  # the service's own past date is the SQL one
        assert board.from_history and board.counts == ind.history_dashboard(day).counts
        assert sum(c.numerator for c in board.counts) > 0
        # a drill-down as at the date lists the gap of the derivation
        gap = ind.history_members(day)["naloxone_12m"]
        listed = {r.id for r in ind.patients("naloxone_12m", day)}
        assert listed == set(gap.denominator - gap.numerator)
    # today: the SQL as-at path, the derivation and the cache path all agree
    ind = same(demo, None)
    cached = ind.dashboard()
    sql = ind.history_dashboard(sql=True)
    assert (cached.counts, cached.ost_bands, cached.outcomes) == (
        sql.counts,
        sql.ost_bands,
        sql.outcomes,
    )


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(START)


@pytest.fixture
def clin(engine: Engine, clock: MovingClock) -> Services:
    return staff(engine, clock, "clinician")


def to(clock: MovingClock, day: dt.date) -> None:
    clock.advance((day - clock.today()).days)


def test_a_gap_of_28_days_breaks_continuous_ost_as_at_a_past_date(
    clin: Services, clock: MovingClock
) -> None:
    bridged = in_treatment(clin, nhs(), since=dt.date(2023, 1, 9))
    broken = in_treatment(clin, nhs(), since=dt.date(2023, 1, 9))
    to(clock, dt.date(2024, 3, 1))
    for pid in (bridged, broken):
        clin.episodes.end(pid, dt.date(2024, 3, 1), "80")  # a completion stops OST
    to(clock, dt.date(2024, 3, 29))
    clin.episodes.start(bridged, dt.date(2024, 3, 28))  # 27 days off OST: still one run
    clin.episodes.change_prescription(bridged, methadone(40, dt.date(2024, 3, 28)))
    clin.episodes.start(broken, dt.date(2024, 3, 29))  # 28 days: a new run
    clin.episodes.change_prescription(broken, methadone(40, dt.date(2024, 3, 29)))
    to(clock, dt.date(2025, 8, 1))
    ind = same(clin, dt.date(2025, 6, 30))
    members = ind.history_members(dt.date(2025, 6, 30), sql=True)["ost_2y_considered"]
    assert members.denominator == {bridged}
    bands = ind.history_dashboard(dt.date(2025, 6, 30), sql=True).ost_bands
    assert [b.patients for b in bands] == [0, 1, 1, 0]  # since 29 Mar 2024; since Jan 2023
    # the day before the run started again, neither was on OST
    assert ind.history_members(dt.date(2024, 3, 27), sql=True)["naloxone_12m"].denominator == set()
    same(clin, dt.date(2024, 3, 27))


def test_post_exit_check_up_overdue_as_at_a_date_with_the_day_clamped(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, dt.date(2025, 11, 30))
    pid = in_treatment(clin, nhs(), since=dt.date(2023, 1, 9))
    clin.episodes.end(pid, dt.date(2025, 11, 30), "80")  # first check-up due 28 Feb 2026
    other = in_treatment(clin, nhs(), since=dt.date(2023, 1, 9))
    clin.episodes.end(other, dt.date(2025, 11, 30), "80")
    to(clock, dt.date(2026, 3, 5))
    draft = clin.reviews.start(other, "post_exit_checkup")
    clin.reviews.finalise(
        draft.id,
        draft.version,
        answers(review_date=dt.date(2026, 3, 2)),
    )
    to(clock, dt.date(2026, 6, 1))
    ind = IndicatorService(clin)
    for day, gap in (
        (dt.date(2026, 2, 28), set()),  # due today: not overdue
        (dt.date(2026, 3, 1), {pid, other}),  # a day late, both
        (dt.date(2026, 3, 2), {pid}),  # the other's check-up done that day
        (dt.date(2026, 5, 30), {pid}),  # the other's second is due 30 May
        (dt.date(2026, 5, 31), {pid, other}),
    ):
        same(clin, day)
        m = ind.history_members(day, sql=True)["checkups_up_to_date"]
        assert m.denominator == {pid, other}, day
        assert set(m.denominator - m.numerator) == gap, day
    # before the exit they were in treatment, not in check-ups
    assert (
        ind.history_members(dt.date(2025, 11, 29), sql=True)["checkups_up_to_date"]
        == (ind.history_members(dt.date(2025, 11, 29))["checkups_up_to_date"])
    )
    assert not ind.history_members(dt.date(2025, 11, 29), sql=True)[
        "checkups_up_to_date"
    ].denominator


def test_a_corrected_review_counts_its_corrected_value_as_at_a_past_date(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, dt.date(2025, 6, 2))
    pid = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6), dose=None)
    plain = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6), dose=None)
    review = finalise(clin, pid, top=top_values())  # no injecting recorded
    finalise(clin, plain, top=top_values(injected=4))
    to(clock, dt.date(2025, 9, 1))
    clin.reviews.add_addendum(review, "injected_days", "6", "typed wrongly")  # was 0
    ind = same(clin, dt.date(2025, 6, 30))
    hcv = ind.history_members(dt.date(2025, 6, 30), sql=True)["hcv_tested_12m"]
    assert hcv.denominator == {pid, plain}  # the correction holds on past dates too


def test_injecting_as_at_a_date_the_latest_record_then(clin: Services, clock: MovingClock) -> None:
    to(clock, dt.date(2025, 6, 2))
    pid = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6), dose=None)
    finalise(clin, pid, top=top_values(injected=4))  # 2 Jun: injecting
    to(clock, dt.date(2025, 7, 1))
    clin.health.record(pid, HealthInput("injecting_status", dt.date(2025, 7, 1), "previously"))
    clin.health.record(pid, HealthInput("hcv_antibody", dt.date(2025, 6, 20), "negative"))
    to(clock, dt.date(2025, 9, 1))
    ind = IndicatorService(clin)
    for day, injecting in ((dt.date(2025, 6, 30), {pid}), (dt.date(2025, 7, 1), set())):
        same(clin, day)
        assert ind.history_members(day, sql=True)["hcv_tested_12m"].denominator == injecting


def test_keyworker_filter_as_at_a_past_date(
    clin: Services, clock: MovingClock, engine: Engine
) -> None:
    """Patients are filtered by their keyworker of today: the product keeps no keyworker
    history, so a past date lists today's keyworker's patients as they stood then."""
    to(clock, dt.date(2025, 6, 2))
    worker = staff(engine, clock, "recovery_worker")
    mine = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    record = clin.patients.demographics(mine)
    clin.patients.update(
        mine,
        record.version,
        PatientInput(
            record.nhs_number,
            record.family_name,
            record.given_name,
            "12/03/1980",
            keyworker_id=worker.staff.id,
        ),
    )
    to(clock, dt.date(2025, 9, 1))
    ind = same(clin, dt.date(2025, 6, 30), worker.staff.login)
    m = ind.history_members(dt.date(2025, 6, 30), worker.staff.login, sql=True)
    assert m["agreed_care_plan"].denominator == {mine}
    assert (
        same(clin, dt.date(2025, 6, 30))
        .history_dashboard(dt.date(2025, 6, 30), sql=True)
        .count("agreed_care_plan")
        .denominator
        == 2
    )


def test_family_considered_as_at_a_date_counts_what_was_recorded_by_then(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, dt.date(2025, 6, 2))
    supported = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    declines = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    to(clock, dt.date(2025, 7, 10))
    clin.family.add(supported, SupporterInput("Kim Rowe", "sister"))
    to(clock, dt.date(2025, 8, 4))
    clin.family.set_involvement(declines, "declines")
    to(clock, dt.date(2025, 9, 1))
    ind = IndicatorService(clin)
    for day, considered in (
        (dt.date(2025, 7, 9), set()),
        (dt.date(2025, 7, 10), {supported}),
        (dt.date(2025, 8, 3), {supported}),
        (dt.date(2025, 8, 4), {supported, declines}),
    ):
        same(clin, day)
        assert ind.history_members(day, sql=True)["family_considered"].numerator == considered
    # today the cache path says the same
    assert ind.dashboard().count("family_considered").numerator == 2
    same(clin, None)
