"""Issue 17: the kept indicator tallies. On the demonstration caseload today's dashboard
from them equals the one pass over the caches for the practice and each keyworker, and
days later, when the windows have moved with no write; migration 0017 fills them equal to
a recount; `check` finds a wrong tally row (no patient detail) and `--repair` rebuilds it;
an import and a change of keyworker keep them right."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.dto import PatientInput
from console.services.indicators import IndicatorService
from db.migrate import HEAD, current_revision, downgrade, upgrade
from db.models import IndicatorTally, table_of
from tests.services.derived_helpers import (
    MovingClock,
    check_admin,
    check_finds_then_repairs,
    in_treatment,
    staff,
)
from tests.services.test_indicators import nhs


@pytest.fixture
def demo(services: Services) -> Services:
    services.demo.load(120, seed=5)
    return services


def _logins(s: Services) -> list[str]:
    return [""] + [m.login for m in s.staff_admin.list()]


def test_the_tallies_give_the_one_pass_numbers_today_and_as_days_pass(
    demo: Services, engine: Engine
) -> None:
    assert demo.caches.check().clean
    start = demo.clock.now()
    # the windows move with no write: 6 months, 12 months, 2 years, month ends, check-ups
    for days in (0, 1, 29, 92, 183, 366, 731):
        clock = MovingClock(start.add(days=days))
        s = staff(engine, clock, "clinician")
        ind = IndicatorService(s)
        for login in _logins(demo):
            board = ind.dashboard(keyworker=login)
            assert board == ind.scan_dashboard(login), (days, login)
        assert sum(c.denominator for c in ind.dashboard().counts) > 0


def test_the_migration_fills_the_tallies_by_the_rule(demo: Services, engine: Engine) -> None:
    before = IndicatorService(demo).dashboard()
    downgrade(engine, "0016_indicator_caches")  # the table dropped
    assert current_revision(engine) == "0016_indicator_caches"
    upgrade(engine, HEAD)
    assert demo.caches.tallies() == []
    assert IndicatorService(demo).dashboard() == before


def test_check_finds_and_repairs_a_wrong_tally(
    demo: Services, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    admin = check_admin(engine)
    assert admin.caches.check().clean
    # A tally written behind the product (a hand edit, a lost write) is what check is for.
    t = table_of(IndicatorTally)
    with engine.begin() as conn:
        name = conn.execute(
            sa.select(t.c.name).where(t.c.name == "agreed_care_plan__n").limit(1)
        ).scalar_one()
        conn.execute(sa.update(t).where(t.c.name == name).values(n=t.c.n + 5))
    out = check_finds_then_repairs(
        engine, capsys, "indicator tally agreed_care_plan__n", "Rebuilt the indicator tallies"
    )
    assert "wrong indicator tally rows" in out
    assert IndicatorService(demo).dashboard() == IndicatorService(demo).scan_dashboard()


def test_a_new_keyworker_moves_the_patients_counts(engine: Engine) -> None:
    clock = MovingClock(pendulum.datetime(2026, 8, 31, 10, tz="Europe/London"))
    clin = staff(engine, clock, "clinician")
    admin = staff(engine, clock)
    pid = in_treatment(clin, nhs(), since=dt.date(2026, 1, 5))
    ind = IndicatorService(clin)
    mine = clin.staff.login
    assert ind.dashboard(keyworker=mine).count("agreed_care_plan").denominator == 0
    record = clin.patients.demographics(pid)
    data = PatientInput(
        record.nhs_number,
        record.family_name,
        record.given_name,
        f"{record.date_of_birth:%d/%m/%Y}",
        keyworker_id=clin.staff.id,
    )
    clin.patients.update(pid, record.version, data)
    assert ind.dashboard(keyworker=mine).count("agreed_care_plan").denominator == 1
    assert ind.dashboard(keyworker=mine) == ind.scan_dashboard(mine)
    assert admin.caches.tallies() == []


def test_a_clock_behind_the_floor_counts_by_one_pass(demo: Services, engine: Engine) -> None:
    # the demonstration load rebuilt the tallies from the first of last month on
    earlier = MovingClock(demo.clock.now().subtract(months=3))
    s = staff(engine, earlier, "clinician")
    ind = IndicatorService(s)
    board = ind.dashboard()
    assert not board.from_history  # today's numbers from the caches, not from history
    assert board == ind.scan_dashboard()
    assert sum(c.denominator for c in board.counts) > 0
