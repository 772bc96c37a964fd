"""Issue 17: practice indicators at their boundaries, every state made by service calls,
on SQLite and PostgreSQL; the cache path (today) and the history path agree."""

from __future__ import annotations

import datetime as dt
import itertools
import json

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from console.rules.nhs_number import check_digit
from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid
from console.services.health_dto import HealthInput
from console.services.indicators import IndicatorService
from db.models import AuditEvent, table_of
from tests.services.derived_helpers import (
    MovingClock,
    finalise,
    in_treatment,
    register,
    staff,
    top_values,
)

START = pendulum.datetime(2026, 2, 27, 10, 0, tz="Europe/London")
TODAY = dt.date(2026, 8, 31)  # six months back: 28 Feb 2026 (the day clamped)


def _numbers() -> itertools.count[int]:
    return itertools.count(400000001)


_seq = _numbers()


def nhs() -> str:
    while True:
        first = str(next(_seq))
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(START)


@pytest.fixture
def clin(engine: Engine, clock: MovingClock) -> Services:
    return staff(engine, clock, "clinician")


def ind(s: Services) -> IndicatorService:
    return IndicatorService(s)


def to(clock: MovingClock, day: dt.date) -> None:
    clock.advance((day - clock.today()).days)


def pair(s: Services, key: str, as_at: dt.date | None = None) -> tuple[int, int]:
    """(numerator, denominator) by the kept tallies (today), checked against the history
    path and, for today, the one pass over the caches."""
    board = ind(s).dashboard(as_at)
    c = board.count(key)
    h = ind(s).history_dashboard(as_at).count(key)
    assert (c.numerator, c.denominator) == (h.numerator, h.denominator), key
    if as_at is None or as_at == s.clock.today():
        assert board == ind(s).scan_dashboard(), key
    return c.numerator, c.denominator


def gap(s: Services, key: str, as_at: dt.date | None = None) -> set[int]:
    return {r.id for r in ind(s).patients(key, as_at)}


def test_six_months_to_the_day_with_the_day_clamped(clin: Services, clock: MovingClock) -> None:
    late = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    on_time = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    finalise(clin, late)  # 27 Feb 2026
    to(clock, dt.date(2026, 2, 28))
    finalise(clin, on_time)  # 28 Feb 2026 = 31 Aug 2026 minus 6 months
    to(clock, TODAY)
    for key in ("strategic_review_6m", "barc10_6m"):
        assert pair(clin, key) == (1, 2)
        assert gap(clin, key) == {late}
        # as at 27 Aug: six months back is 27 Feb, so both count; from history
        assert pair(clin, key, dt.date(2026, 8, 27)) == (2, 2)
        assert gap(clin, key, dt.date(2026, 8, 27)) == set()
    assert {r.id for r in ind(clin).patients("barc10_6m", meeting=True)} == {on_time}


def test_twelve_months_naloxone_and_hepatitis_c_of_the_injecting(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, TODAY)
    year = dt.date(2025, 8, 31)
    kit = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    old_kit = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    no_ost = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6), dose=None)
    clin.health.record(kit, HealthInput("naloxone", year, "nasal (Nyxoid)"))
    clin.health.record(old_kit, HealthInput("naloxone", year - dt.timedelta(1), "nasal (Nyxoid)"))
    assert pair(clin, "naloxone_12m") == (1, 2)  # not on OST, no TOP opioid use: not counted
    assert gap(clin, "naloxone_12m") == {old_kit}
    # the injecting definition: the latest health record or TOP says "currently"
    clin.health.set_injecting_status(kit, "currently")
    clin.health.set_injecting_status(old_kit, "currently")
    clin.health.set_injecting_status(no_ost, "previously")
    assert pair(clin, "hcv_tested_12m") == (0, 2)
    clin.health.record(kit, HealthInput("hcv_antibody", year, "negative"))
    clin.health.record(old_kit, HealthInput("hcv_antibody", TODAY, "refused"))  # not a test
    assert pair(clin, "hcv_tested_12m") == (1, 2)
    assert gap(clin, "hcv_tested_12m") == {old_kit}
    finalise(clin, old_kit, top=top_values(injected_days=0))
    # on one day a health record outranks a TOP (the one definition, console.rules.caches)
    assert pair(clin, "hcv_tested_12m") == (1, 2)


def test_deceased_are_in_no_indicator(clin: Services, clock: MovingClock) -> None:
    to(clock, TODAY)
    alive = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    died = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    before = ind(clin).dashboard()
    assert before.count("agreed_care_plan").denominator == 2
    clin.deaths.record(died, dt.date(2026, 8, 20))
    board = ind(clin).dashboard()
    for c in board.counts:
        assert c.denominator <= 1, c.key
        assert died not in {r.id for r in ind(clin).patients(c.key, meeting=None)}, c.key
    assert pair(clin, "agreed_care_plan") == (1, 1)
    # as at a date before the death both were in treatment (the plans agreed later)
    assert pair(clin, "agreed_care_plan", dt.date(2026, 8, 19)) == (0, 2)
    assert alive in {r.id for r in ind(clin).patients("agreed_care_plan", meeting=True)}


def test_successful_completion_window_and_re_presentation(
    clin: Services, clock: MovingClock
) -> None:
    # today 31 Aug 2026: exits counted from 28 Feb 2025 to 28 Feb 2026 (closed window)
    to(clock, dt.date(2026, 2, 28))
    stayed_out = in_treatment(clin, nhs(), since=dt.date(2024, 1, 8))
    came_back = in_treatment(clin, nhs(), since=dt.date(2024, 1, 8))
    too_late = in_treatment(clin, nhs(), since=dt.date(2024, 1, 8))
    for pid in (stayed_out, came_back):
        clin.episodes.end(pid, dt.date(2026, 2, 28), "80")  # on the window's last day
    clin.episodes.end(too_late, dt.date(2025, 2, 27), "80")  # the day before it opens
    to(clock, dt.date(2026, 8, 28))
    clin.episodes.start(came_back, dt.date(2026, 8, 28))  # 28 Aug = exit + 6 months
    to(clock, TODAY)
    assert pair(clin, "successful_completion") == (1, 2)
    assert {r.id for r in ind(clin).patients("successful_completion", meeting=True)} == {stayed_out}
    assert gap(clin, "successful_completion") == {came_back}


def test_a_new_episode_a_day_after_six_months_is_not_re_presenting(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, dt.date(2026, 2, 28))
    pid = in_treatment(clin, nhs(), since=dt.date(2024, 1, 8))
    clin.episodes.end(pid, dt.date(2026, 2, 28), "80")
    to(clock, TODAY)
    clin.episodes.start(pid, dt.date(2026, 8, 29))
    assert pair(clin, "successful_completion") == (1, 1)


def test_keyworker_filter_and_roles(clin: Services, clock: MovingClock, engine: Engine) -> None:
    to(clock, TODAY)
    worker = staff(engine, clock, "recovery_worker")
    mine = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    record = clin.patients.demographics(mine)
    data = PatientInput(
        record.nhs_number,
        record.family_name,
        record.given_name,
        "12/03/1980",
        keyworker_id=worker.staff.id,
    )
    clin.patients.update(mine, record.version, data)
    assert pair(clin, "agreed_care_plan") == (2, 2)
    board = ind(worker).dashboard(keyworker=worker.staff.login)
    assert board.count("agreed_care_plan").denominator == 1
    assert (
        ind(worker)
        .history_dashboard(keyworker=worker.staff.login)
        .count("agreed_care_plan")
        .denominator
        == 1
    )
    assert {
        r.id
        for r in ind(worker).patients("agreed_care_plan", None, worker.staff.login, meeting=None)
    } == {mine}
    with pytest.raises(Invalid):
        ind(clin).dashboard(keyworker="nobody-here")
    with pytest.raises(Invalid):
        ind(clin).dashboard(TODAY + dt.timedelta(1))
    desk = staff(engine, clock, "reception")
    with pytest.raises(Forbidden):
        ind(desk).dashboard()
    with pytest.raises(Forbidden):
        ind(desk).patients("agreed_care_plan")
    admin = staff(engine, clock)
    assert ind(admin).dashboard().count("agreed_care_plan").denominator == 2


def test_a_drill_down_is_one_audit_event_naming_its_patients(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, TODAY)
    a = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    b = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    register(clin, nhs())  # no episode: in no list
    listed = ind(clin).patients("mutual_aid_attended")
    assert {r.id for r in listed} == {a, b}
    events = _events(clin, "indicators.patients")
    assert len(events) == 1
    assert set(events[0]) == {a, b}
    ind(clin).report(what="csv")
    assert len(_events(clin, "indicators.report")) == 1


def _events(s: Services, action: str) -> list[list[int]]:
    """Patient ids of each audit event of this action (reading the log to check)."""
    t = table_of(AuditEvent)
    with Session(s.engine) as session:
        rows = session.execute(
            sa.select(t.c.patient_ids).where(t.c.action == action).order_by(t.c.id)
        ).scalars()
        return [[int(i) for i in json.loads(raw or "[]")] for raw in rows]
