"""The resources directory and patient linkage: validation, roles, audit, search and the
patient's next-follow-up cache."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid, Refused, Stale
from console.services.linkage_dto import ResourceInput, ResourceRow
from db.models import AuditEvent, Patient
from tests.conftest import StaffFactory

JO = PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")
TODAY = dt.date(2026, 11, 23)
SMART = ResourceInput(
    "smart_recovery", "SMART Recovery Bramley", "Bramley Community Centre", "Tuesdays 18:00"
)
NA = ResourceInput("narcotics_anonymous", "Just for Today", "St Bartholomew's, Armley", "Mon 19:30")
HOUSING = ResourceInput("housing", "Ó Súilleabháin House", "Kirkstall Road", "", "0113 496 0000")


def _actions(engine: Engine) -> list[tuple[str, str, int | None]]:
    with Session(engine) as s:
        rows = s.exec(select(AuditEvent).order_by(AuditEvent.id))  # type: ignore[arg-type]
        return [(e.action, e.entity, e.patient_id) for e in rows]


def _cache(engine: Engine, patient_id: int) -> tuple[dt.date | None, int]:
    with Session(engine) as s:
        row = s.get(Patient, patient_id)
        assert row is not None
        return row.next_linkage_followup, row.version


@pytest.fixture
def worker(as_staff: StaffFactory) -> Services:
    return as_staff("recovery_worker")


@pytest.fixture
def jo(services: Services) -> int:
    return services.patients.register(JO).id


@pytest.fixture
def smart(worker: Services) -> ResourceRow:
    return worker.resources.add(SMART)


# -- the directory -----------------------------------------------------------------------
def test_add_edit_retire_and_restore(services: Services, engine: Engine) -> None:
    row = services.resources.add(SMART)  # admin may edit the directory
    assert (row.kind, row.name, row.active, row.version) == (
        "smart_recovery",
        "SMART Recovery Bramley",
        True,
        1,
    )
    edited = services.resources.edit(row.id, row.version, replace(SMART, when="Wednesdays 18:00"))
    assert edited.when == "Wednesdays 18:00" and edited.version == 2
    retired = services.resources.set_active(row.id, edited.version, False)
    assert not retired.active
    assert services.resources.search() == []
    assert [r.id for r in services.resources.search(include_inactive=True)] == [row.id]
    restored = services.resources.set_active(row.id, retired.version, True)
    assert restored.active and restored.version == 4
    assert [a for a, _, _ in _actions(engine) if a.startswith("resource.")] == [
        "resource.add",
        "resource.edit",
        "resource.retire",
        "resource.retire",
    ]


def test_resource_validation_names_each_field(worker: Services) -> None:
    with pytest.raises(Invalid) as caught:
        worker.resources.add(ResourceInput("pub_quiz", "  ", "x" * 201, "y" * 121, "z" * 121))
    assert caught.value.errors == {
        "kind": "choose a kind from the list",
        "name": "a name is required",
        "where": "at most 200 characters",
        "when": "at most 120 characters",
        "contact": "at most 120 characters",
    }
    with pytest.raises(Invalid) as caught:
        worker.resources.add(ResourceInput("other", "n" * 121, notes="x" * 501))
    assert caught.value.errors == {
        "name": "at most 120 characters",
        "notes": "at most 500 characters",
    }


def test_duplicate_active_name_of_the_same_kind_is_refused(
    worker: Services, smart: ResourceRow
) -> None:
    with pytest.raises(Invalid) as caught:
        worker.resources.add(ResourceInput("smart_recovery", "smart  recovery BRAMLEY"))
    assert "already has this name" in caught.value.errors["name"]
    # Another kind may share the name; a retired one does not block a new one.
    worker.resources.add(ResourceInput("other", "SMART Recovery Bramley"))
    worker.resources.set_active(smart.id, smart.version, False)
    worker.resources.add(SMART)
    with pytest.raises(Invalid):  # restoring the old one would now duplicate
        worker.resources.set_active(smart.id, smart.version + 1, True)


def test_stale_resource_edit_is_refused(worker: Services, smart: ResourceRow) -> None:
    worker.resources.edit(smart.id, smart.version, SMART)
    with pytest.raises(Stale):
        worker.resources.set_active(smart.id, smart.version, False)


def test_search_by_name_prefix_by_word_and_by_where(worker: Services) -> None:
    for data in (SMART, NA, HOUSING):
        worker.resources.add(data)

    def names(text: str, kind: str | None = None) -> list[str]:
        return [r.name for r in worker.resources.search(text, kind)]

    assert names("") == ["Just for Today", "SMART Recovery Bramley", "Ó Súilleabháin House"]
    assert names("smartrec") == ["SMART Recovery Bramley"]  # folded name prefix
    assert names("recov") == ["SMART Recovery Bramley"]  # a word of the name
    assert names("today") == ["Just for Today"]
    assert names("armley") == ["Just for Today"]  # where
    assert names("osuil") == ["Ó Súilleabháin House"]  # accents folded
    assert names("bram tues") == []  # when is not searched
    assert names("smart bram") == ["SMART Recovery Bramley"]
    assert names("", "housing") == ["Ó Súilleabháin House"]
    assert names("zzz") == []
    assert len(worker.resources.search(limit=2)) == 2


@pytest.mark.parametrize("role", ["reception"])
def test_reception_cannot_see_or_edit_the_directory(
    as_staff: StaffFactory, role: str, smart: ResourceRow
) -> None:
    other = as_staff(role)
    with pytest.raises(Forbidden) as caught:
        other.resources.add(NA)
    assert "needs the role admin or clinician or recovery_worker" in str(caught.value)
    with pytest.raises(Forbidden):
        other.resources.set_active(smart.id, smart.version, False)
    with pytest.raises(Forbidden):
        other.resources.search()


@pytest.mark.parametrize("role", ["clinician", "recovery_worker", "admin"])
def test_who_may_edit_the_directory(as_staff: StaffFactory, role: str) -> None:
    assert as_staff(role).resources.add(NA).name == "Just for Today"


# -- links -----------------------------------------------------------------------------
def test_link_validation_messages(worker: Services, jo: int, smart: ResourceRow) -> None:
    link = worker.linkage.link
    with pytest.raises(Invalid) as caught:
        link(jo, smart.id, "leaflet", TODAY + dt.timedelta(days=1), None)
    assert caught.value.errors == {
        "method": "choose how the patient was linked",
        "linked_on": "the link date cannot be in the future",
        "follow_up_date": "a follow-up date is required",
    }
    with pytest.raises(Invalid) as caught:
        link(jo, smart.id, "accompanied", TODAY, TODAY - dt.timedelta(days=1))
    assert caught.value.errors == {"follow_up_date": "the follow-up cannot be before the link date"}
    with pytest.raises(Invalid) as caught:
        link(jo, smart.id, "accompanied", TODAY, TODAY + dt.timedelta(days=400))
    assert "within a year" in caught.value.errors["follow_up_date"]


def test_link_refused_for_a_retired_resource_or_a_deceased_patient(
    worker: Services, jo: int, smart: ResourceRow
) -> None:
    worker.resources.set_active(smart.id, smart.version, False)
    with pytest.raises(Invalid) as caught:
        worker.linkage.link(jo, smart.id, "accompanied", TODAY, TODAY + dt.timedelta(days=28))
    assert caught.value.errors == {"resource": "this resource is retired: choose an active one"}
    na = worker.resources.add(NA)
    worker.episodes.start(jo, TODAY - dt.timedelta(days=100))
    worker.episodes.end(jo, TODAY, "89")  # died
    with pytest.raises(Refused):
        worker.linkage.link(jo, na.id, "accompanied", TODAY, TODAY + dt.timedelta(days=28))


@pytest.mark.parametrize("role", ["reception", "admin"])
def test_reception_and_admin_cannot_link(
    as_staff: StaffFactory, worker: Services, role: str, jo: int, smart: ResourceRow
) -> None:
    other = as_staff(role)
    with pytest.raises(Forbidden):
        other.linkage.link(jo, smart.id, "accompanied", TODAY, TODAY + dt.timedelta(days=28))
    row = worker.linkage.link(jo, smart.id, "accompanied", TODAY, TODAY + dt.timedelta(days=28))
    with pytest.raises(Forbidden):
        other.linkage.record_outcome(row.id, row.version, "declined")
    if role == "admin":  # admin reads clinical detail; reception does not
        assert [r.id for r in other.linkage.for_patient(other.linkage.open(jo))] == [row.id]
    else:
        with pytest.raises(Forbidden):
            other.linkage.for_patient(other.linkage.open(jo))


@pytest.mark.parametrize("role", ["clinician", "recovery_worker"])
def test_clinician_and_worker_can_link(
    as_staff: StaffFactory, role: str, jo: int, smart: ResourceRow
) -> None:
    svc = as_staff(role)
    row = svc.linkage.link(jo, smart.id, "warm_handover", TODAY, TODAY + dt.timedelta(days=28))
    assert (row.resource_name, row.resource_kind, row.method) == (
        "SMART Recovery Bramley",
        "smart_recovery",
        "warm_handover",
    )


def test_follow_up_cache_across_link_not_yet_attended_and_declined(
    worker: Services, engine: Engine, jo: int, smart: ResourceRow
) -> None:
    na = worker.resources.add(NA)
    start_version = _cache(engine, jo)[1]
    first = worker.linkage.link(
        jo, smart.id, "introduced_to_peer", TODAY - dt.timedelta(days=30), TODAY
    )
    assert _cache(engine, jo) == (TODAY, start_version + 1)
    second = worker.linkage.link(jo, na.id, "information_given", TODAY, TODAY + dt.timedelta(10))
    assert _cache(engine, jo)[0] == TODAY  # the earliest open one
    # Not yet: chased again in two weeks; the other link is now the earliest.
    first = worker.linkage.record_outcome(
        first.id, first.version, "not_yet", next_follow_up=TODAY + dt.timedelta(days=14)
    )
    assert (first.outcome, first.follow_up_date) == ("not_yet", TODAY + dt.timedelta(days=14))
    assert _cache(engine, jo)[0] == TODAY + dt.timedelta(days=10)
    second = worker.linkage.record_outcome(second.id, second.version, "declined")
    assert second.follow_up_date is None and not second.is_open
    assert _cache(engine, jo)[0] == TODAY + dt.timedelta(days=14)
    attended = TODAY - dt.timedelta(days=3)
    first = worker.linkage.record_outcome(
        first.id, first.version, "attended", first_attended=attended
    )
    assert (first.outcome, first.first_attended) == ("attended", attended)
    assert _cache(engine, jo) == (None, start_version + 5)
    links = worker.linkage.for_patient(worker.linkage.open(jo))
    assert [(r.resource_name, r.outcome) for r in links] == [
        ("Just for Today", "declined"),
        ("SMART Recovery Bramley", "attended"),
    ]


def test_outcome_validation_messages(worker: Services, jo: int, smart: ResourceRow) -> None:
    row = worker.linkage.link(
        jo, smart.id, "accompanied", TODAY - dt.timedelta(days=5), TODAY + dt.timedelta(days=9)
    )

    def refused(outcome: str, **kw: dt.date) -> dict[str, str]:
        with pytest.raises(Invalid) as caught:
            worker.linkage.record_outcome(row.id, row.version, outcome, **kw)  # type: ignore[arg-type]
        return caught.value.errors

    assert refused("maybe") == {"outcome": "choose an outcome"}
    assert refused("attended") == {"first_attended": "attended needs the date first attended"}
    assert refused("attended", first_attended=TODAY + dt.timedelta(days=1)) == {
        "first_attended": "the date first attended cannot be in the future"
    }
    assert refused("attended", first_attended=TODAY - dt.timedelta(days=6)) == {
        "first_attended": "first attended cannot be before the link date"
    }
    assert refused("not_yet") == {"next_follow_up": "not yet needs the next follow-up date"}
    assert refused("not_yet", next_follow_up=TODAY) == {
        "next_follow_up": "the next follow-up must be after today"
    }
    assert "only a 'not yet'" in refused("declined", next_follow_up=TODAY)["next_follow_up"]
    # Nothing above was written.
    assert worker.linkage.for_patient(worker.linkage.open(jo))[0].version == row.version


def test_stale_outcome_is_refused(worker: Services, jo: int, smart: ResourceRow) -> None:
    row = worker.linkage.link(jo, smart.id, "accompanied", TODAY, TODAY + dt.timedelta(days=9))
    worker.linkage.record_outcome(row.id, row.version, "stopped")
    with pytest.raises(Stale):
        worker.linkage.record_outcome(row.id, row.version, "declined")


def test_link_and_outcome_are_audited_with_the_patient(
    worker: Services, engine: Engine, jo: int, smart: ResourceRow
) -> None:
    row = worker.linkage.link(jo, smart.id, "accompanied", TODAY, TODAY + dt.timedelta(days=9))
    worker.linkage.record_outcome(row.id, row.version, "attended", first_attended=TODAY)
    assert _actions(engine)[-2:] == [
        ("linkage.add", "linkage", jo),
        ("linkage.outcome", "linkage", jo),
    ]
