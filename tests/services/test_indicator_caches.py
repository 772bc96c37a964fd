"""Issue 17: the indicator row caches (migration 0016) follow every write that moves
them — family records and answers, a mutual-aid attendance and its resource's kind, the
hepatitis B status — with `check` clean after each,
the cache path equal to the history path; and the migration's SQL fill of an existing
caseload gives exactly what the derivation gives."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.health_dto import HealthInput, SupporterInput
from console.services.linkage_dto import ResourceInput
from db.migrate import HEAD, current_revision, downgrade, upgrade
from tests.services.derived_helpers import MovingClock, in_treatment, staff
from tests.services.test_indicators import START, TODAY, ind, nhs, pair, to


@pytest.fixture
def clock() -> MovingClock:
    return MovingClock(START)


@pytest.fixture
def clin(engine: Engine, clock: MovingClock) -> Services:
    return staff(engine, clock, "clinician")


def _clean(s: Services, *pids: int) -> None:
    for pid in pids:
        assert s.caches.patient(pid) == [], pid


def test_family_records_and_answers_move_family_considered(
    clin: Services, clock: MovingClock
) -> None:
    to(clock, TODAY)
    pid = in_treatment(clin, nhs(), since=dt.date(2026, 1, 5))
    other = in_treatment(clin, nhs(), since=dt.date(2026, 1, 5))
    assert pair(clin, "family_considered") == (0, 2)
    member = clin.family.add(pid, SupporterInput("Ann Quarrington", "mother"))
    clin.family.set_involvement(other, "declines")
    assert pair(clin, "family_considered") == (2, 2)
    _clean(clin, pid, other)
    clin.family.remove(member.id, member.version)
    clin.family.set_involvement(other, "")
    assert pair(clin, "family_considered") == (0, 2)
    clin.family.set_involvement(pid, "none_to_involve")
    assert pair(clin, "family_considered") == (1, 2)
    _clean(clin, pid, other)


def test_mutual_aid_attended_follows_the_link_and_its_resource_kind(
    clin: Services,
    clock: MovingClock,
) -> None:
    to(clock, TODAY)
    pid = in_treatment(clin, nhs(), since=dt.date(2026, 1, 5))
    group = clin.resources.add(ResourceInput("smart_recovery", "SMART Bramley"))
    on = dt.date(2026, 8, 3)
    link = clin.linkage.link(pid, group.id, "accompanied", on, on + dt.timedelta(14))
    assert pair(clin, "mutual_aid_attended") == (0, 1)
    clin.linkage.record_outcome(link.id, link.version, "attended", first_attended=on)
    assert pair(clin, "mutual_aid_attended") == (1, 1)
    _clean(clin, pid)
    clin.resources.edit(group.id, group.version, ResourceInput("housing", "SMART Bramley"))
    assert pair(clin, "mutual_aid_attended") == (0, 1)  # no longer a mutual-aid group
    _clean(clin, pid)


def test_hepatitis_b_immune_is_the_latest_status(clin: Services, clock: MovingClock) -> None:
    to(clock, TODAY)
    pid = in_treatment(clin, nhs(), since=dt.date(2026, 1, 5))
    clin.health.record(pid, HealthInput("hep_b_status", dt.date(2026, 3, 2), "acquired_immunity"))
    assert pair(clin, "hepb_completed") == (1, 1)
    clin.health.record(pid, HealthInput("hep_b_status", dt.date(2026, 4, 2), "refused"))
    assert pair(clin, "hepb_completed") == (0, 1)  # a refusal protects no one
    _clean(clin, pid)


@pytest.fixture
def demo(services: Services) -> Services:
    services.demo.load(80, seed=3)
    return services


def test_the_migrations_fill_of_an_existing_caseload_is_the_derivation(
    demo: Services, engine: Engine
) -> None:
    # a BARC-10 corrected by an addendum (its total moves, its presence cannot)
    pid = next(r.id for r in demo.patients.search("").rows if demo.summary.open(r.id).reviews)
    clin = staff(engine, demo.clock, "clinician")  # type: ignore[arg-type]
    latest = clin.summary.open(pid).reviews[-1]
    clin.reviews.add_addendum(latest.id, "barc10_q1", "1", "typed wrongly")
    keys = ("barc10_6m", "mutual_aid_attended", "family_considered", "hepb_completed")
    before = {k: ind(demo).dashboard().count(k) for k in keys}
    assert all(before[k].numerator > 0 for k in keys)  # the caseload has each of them
    downgrade(engine, "0015_top_change")  # the columns dropped
    assert current_revision(engine) == "0015_top_change"
    upgrade(engine, HEAD)
    assert {k: ind(demo).dashboard().count(k) for k in keys} == before
    assert demo.caches.check().mismatches == ()
