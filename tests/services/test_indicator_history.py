"""Issue 17: a past date from the kept indicator history. On the demonstration caseload
the kept history gives the as-at SQL's numbers (and the Python derivation's) on every other
month end of three years and on scattered days, for the practice and each keyworker, and
today's tallies' numbers for today; a record dated in the past moves the past dates from
its date on; a removed record takes its days back; migration 0019 fills the history equal
to a rebuild; `check` finds a wrong step (no patient detail) and `--repair` rebuilds it."""

from __future__ import annotations

import datetime as dt
import random

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.health_dto import HealthInput
from console.services.indicators import IndicatorService
from db.migrate import HEAD, current_revision, downgrade, upgrade
from db.models import IndicatorHistoryStep, table_of
from tests.services.derived_helpers import (
    MovingClock,
    check_admin,
    check_finds_then_repairs,
    in_treatment,
    same_numbers,
    staff,
)
from tests.services.test_indicators import nhs


@pytest.fixture
def demo(services: Services) -> Services:
    services.demo.load(120, seed=5)
    return services


def _logins(s: Services) -> list[str]:
    return [""] + [m.login for m in s.staff_admin.list()]


def _dates(today: dt.date) -> list[dt.date]:
    end = pendulum.date(today.year, today.month, today.day)
    ends = [end.subtract(months=n).end_of("month") for n in range(1, 37, 2)]
    rng = random.Random(17)
    scattered = [end.subtract(days=rng.randrange(1, 1_500)) for _ in range(5)]
    return [dt.date(d.year, d.month, d.day) for d in (*ends, *scattered)]


def test_the_kept_history_gives_the_as_at_numbers_on_every_date(demo: Services) -> None:
    ind = IndicatorService(demo)
    today = demo.clock.today()
    for login in _logins(demo):
        board = ind.dashboard(keyworker=login)
        assert same_numbers(ind.kept_history_dashboard(keyworker=login), board), login
    counted = 0
    for day in _dates(today):
        for login in _logins(demo):
            kept = ind.kept_history_dashboard(day, login)
            assert same_numbers(kept, ind.history_dashboard(day, login, sql=True)), (day, login)
            counted += sum(c.denominator for c in kept.counts)
        assert ind.dashboard(day) == ind.kept_history_dashboard(day)  # what a past date shows
    assert counted > 0
    for day in _dates(today)[::8]:  # and the Python derivation, on a few of them
        derived = ind.history_dashboard(day)
        assert same_numbers(ind.kept_history_dashboard(day), derived), day


def test_a_record_dated_in_the_past_moves_the_past_from_its_date(engine: Engine) -> None:
    clock = MovingClock(pendulum.datetime(2026, 8, 31, 10, tz="Europe/London"))
    clin = staff(engine, clock, "clinician")
    pid = in_treatment(clin, nhs(), since=dt.date(2025, 1, 6))
    ind = IndicatorService(clin)

    def naloxone(day: dt.date) -> tuple[int, int]:
        c = ind.dashboard(day).count("naloxone_12m")
        return c.numerator, c.denominator

    assert naloxone(dt.date(2026, 3, 31)) == (0, 1)
    row = clin.health.record(pid, HealthInput("naloxone", dt.date(2026, 3, 10), "nasal (Nyxoid)"))
    assert naloxone(dt.date(2026, 3, 9)) == (0, 1)
    assert naloxone(dt.date(2026, 3, 10)) == (1, 1)
    assert naloxone(dt.date(2026, 6, 30)) == (1, 1)
    assert naloxone(dt.date(2025, 1, 5)) == (0, 0)  # before the episode
    clin.health.remove(row.id, row.version, "entered on the wrong patient")
    assert naloxone(dt.date(2026, 6, 30)) == (0, 1)
    assert staff(engine, clock).caches.check().clean


def test_the_migration_fills_the_history_by_the_rule(demo: Services, engine: Engine) -> None:
    ind = IndicatorService(demo)
    day = dt.date(2025, 12, 31)
    before = ind.dashboard(day)
    downgrade(engine, "0017_indicator_tallies")  # the tables dropped
    assert current_revision(engine) == "0017_indicator_tallies"
    upgrade(engine, HEAD)
    assert demo.caches.history() == []
    assert ind.dashboard(day) == before


def test_check_finds_and_repairs_a_wrong_history_step(
    demo: Services, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    check_admin(engine)
    ind = IndicatorService(demo)
    day = dt.date(2026, 6, 30)
    right = ind.dashboard(day)
    # A step written behind the product (a hand edit, a lost write) is what check is for.
    t = table_of(IndicatorHistoryStep)
    with engine.begin() as conn:
        conn.execute(
            sa.update(t)
            .where(t.c.name == "agreed_care_plan__n", t.c.day <= day)
            .values(n=t.c.n + 3)
        )
    assert ind.dashboard(day) != right
    out = check_finds_then_repairs(
        engine, capsys, "indicator history agreed_care_plan__n", "Rebuilt the indicator history"
    )
    assert "wrong indicator history rows" in out
    assert ind.dashboard(day) == right
