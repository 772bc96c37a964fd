"""Care plans through the service, on every backend: versions, agreement, statuses,
comparison, the patient cache, roles, stale saves, audit and validation."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from console.clock import FixedClock
from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput, PlanView, StatusInput
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid, NotFound, Stale
from console.services.review_dto import ReviewInput
from db.models import AuditEvent, CarePlan, Goal, Patient
from tests.conftest import TODAY, StaffFactory
from tests.services.derived_helpers import top_values

JO = PatientInput("943 476 5919", "Smithson", "Jo", "12/03/1980", town="Wakefield")
CUT_DOWN = GoalInput(
    "substance_use", "Cut down methadone to 30 mg", "Reduce 5 mg a month", "A. Patel", "27/03/2027"
)
SMART = GoalInput("mutual_aid_peer_support", "Keep going to SMART", "", "Jo", "")
AGREE = AgreeInput("23/11/2026", "Jo Smithson", "Happy with this")


@pytest.fixture
def worker(as_staff: StaffFactory) -> Services:
    return as_staff("recovery_worker", login="kross")


@pytest.fixture
def patient_id(services: Services) -> int:
    return services.patients.register(JO).id


def _add(svc: Services, view: PlanView, data: GoalInput) -> PlanView:
    return svc.careplans.add_goal(view.patient_id, view.plan_id, view.row_version, data)


def _agreed_plan(worker: Services, patient_id: int) -> PlanView:
    view = worker.careplans.open(patient_id)
    view = _add(worker, view, CUT_DOWN)
    view = _add(worker, view, SMART)
    return worker.careplans.agree(patient_id, view.plan_id, view.row_version, AGREE)


def _actions(engine: Engine, patient_id: int) -> list[str]:
    with Session(engine) as s:
        rows = s.exec(
            select(AuditEvent).where(AuditEvent.patient_id == patient_id).order_by(AuditEvent.id)
        )
        return [e.action for e in rows]


def _cache(engine: Engine, patient_id: int) -> dt.date | None:
    with Session(engine) as s:
        row = s.get(Patient, patient_id)
        assert row is not None
        return row.agreed_plan_substance_goal


def test_first_goal_starts_a_draft_version_one(worker: Services, patient_id: int) -> None:
    view = worker.careplans.open(patient_id)
    assert view.plan_id is None and view.goals == () and view.can_edit
    view = _add(worker, view, CUT_DOWN)
    assert (view.version_no, view.status) == (1, "draft")
    assert [g.words for g in view.goals] == ["Cut down methadone to 30 mg"]
    assert view.goals[0].target_date == dt.date(2027, 3, 27)


def test_agree_freezes_the_version_and_edits_start_the_next(
    worker: Services, patient_id: int, engine: Engine
) -> None:
    view = _agreed_plan(worker, patient_id)
    assert view.status == "agreed" and view.agreed is not None
    assert view.agreed.agreed_on == dt.date(2026, 11, 23)
    assert (view.agreed.agreed_with, view.agreed.agreed_by) == ("Jo Smithson", "Kross")
    assert view.agreed.patient_comment == "Happy with this"
    key = view.goals[0].goal_key
    edited = GoalInput("substance_use", "Cut down methadone to 20 mg", "", "A. Patel", "27/03/2027")
    view2 = worker.careplans.edit_goal(patient_id, view.plan_id, view.row_version, key, edited)
    assert (view2.version_no, view2.status) == (2, "draft")
    assert {g.goal_key for g in view2.goals} == {g.goal_key for g in view.goals}
    with Session(engine) as s:
        old = s.exec(
            select(Goal).where(Goal.care_plan_id == view.plan_id, Goal.goal_key == key)
        ).one()
        assert old.words == "Cut down methadone to 30 mg"  # the agreed version stays as it was
    # A second edit goes into the same draft, not a third version.
    view3 = _add(worker, view2, GoalInput("family_relationships", "See my daughter", "", "Jo", ""))
    assert view3.version_no == 2 and len(view3.goals) == 3
    assert [v.version_no for v in view3.versions] == [1, 2]


def test_agreed_version_cannot_be_agreed_again_or_edited_through_a_stale_token(
    worker: Services, patient_id: int
) -> None:
    view = _agreed_plan(worker, patient_id)
    with pytest.raises(Invalid, match="already agreed"):
        worker.careplans.agree(patient_id, view.plan_id, view.row_version, AGREE)
    draft = _add(worker, view, SMART)
    with pytest.raises(Stale):  # the agreed version is no longer the one being edited
        _add(worker, view, SMART)
    assert draft.version_no == 2


def test_status_change_is_an_event_not_a_version(
    worker: Services, patient_id: int, engine: Engine
) -> None:
    view = _agreed_plan(worker, patient_id)
    key = view.goals[0].goal_key
    view = worker.careplans.set_status(
        patient_id, view.plan_id, view.row_version, key, StatusInput("in_progress", "started")
    )
    assert (view.version_no, view.status) == (1, "agreed")
    assert view.goals[0].status == "in_progress"
    with Session(engine) as s:
        events = s.exec(sa.text("SELECT status, note, by_staff FROM goal_status_event")).all()
    assert [(e[0], e[1]) for e in events] == [("in_progress", "started")]
    assert _actions(engine, patient_id)[-1] == "careplan.goal.status"


def test_patient_cache_follows_the_agreed_substance_goal(
    worker: Services, patient_id: int, engine: Engine
) -> None:
    view = worker.careplans.open(patient_id)
    view = _add(worker, view, CUT_DOWN)
    assert _cache(engine, patient_id) is None  # a draft does not count
    view = worker.careplans.agree(patient_id, view.plan_id, view.row_version, AGREE)
    assert _cache(engine, patient_id) == dt.date(2026, 11, 23)
    key = view.goals[0].goal_key
    view = worker.careplans.drop_goal(patient_id, view.plan_id, view.row_version, key, "met")
    assert view.goals[0].status == "dropped" and view.goals[0].drop_reason == "met"
    assert _cache(engine, patient_id) is None
    worker.careplans.set_status(
        patient_id, view.plan_id, view.row_version, key, StatusInput("in_progress", "back on")
    )
    assert _cache(engine, patient_id) == dt.date(2026, 11, 23)


def test_compare_shows_added_changed_dropped_and_status_at_each_agreement(
    worker: Services, patient_id: int, engine: Engine
) -> None:
    v1 = _agreed_plan(worker, patient_id)
    cut, smart = (g.goal_key for g in v1.goals)
    # Later that day (a later clock): statuses move, then version 2 is drafted and agreed.
    later = Services(engine, login="kross", clock=FixedClock(TODAY.add(hours=2)))
    view = later.careplans.set_status(
        patient_id, v1.plan_id, v1.row_version, cut, StatusInput("in_progress")
    )
    edited = GoalInput("substance_use", "Cut down methadone to 20 mg", "", "A. Patel", "27/03/2027")
    view = later.careplans.edit_goal(patient_id, view.plan_id, view.row_version, cut, edited)
    view = later.careplans.drop_goal(patient_id, view.plan_id, view.row_version, smart, "moved")
    view = _add(later, view, GoalInput("housing", "Move out of the hostel", "", "K. Ross", ""))
    view = later.careplans.agree(patient_id, view.plan_id, view.row_version, AGREE)
    cmp = later.careplans.compare(patient_id, 1, 2)
    rows = {r.goal_key: r for r in cmp.rows}
    assert (rows[cut].change, rows[cut].status_a, rows[cut].status_b) == (
        "changed",
        "not_started",
        "in_progress",
    )
    assert rows[cut].words_a.endswith("30 mg") and rows[cut].words_b.endswith("20 mg")
    assert (rows[smart].change, rows[smart].status_b) == ("dropped", "dropped")
    added = [r for r in cmp.rows if r.goal_key not in (cut, smart)]
    assert [(r.change, r.words_a, r.status_a) for r in added] == [("added", "", "")]
    assert [r.domain for r in cmp.rows] == ["substance_use", "housing", "mutual_aid_peer_support"]
    with pytest.raises(NotFound):
        later.careplans.compare(patient_id, 1, 9)


@pytest.mark.parametrize("role", ["reception", "admin"])
def test_reception_and_admin_cannot_edit(
    role: str, as_staff: StaffFactory, worker: Services, patient_id: int
) -> None:
    view = _agreed_plan(worker, patient_id)
    member = as_staff(role)
    with pytest.raises(Forbidden, match="clinician or recovery_worker"):
        _add(member, view, SMART)
    with pytest.raises(Forbidden):
        member.careplans.agree(patient_id, view.plan_id, view.row_version, AGREE)
    if role == "admin":  # admin reads clinical detail
        assert member.careplans.open(patient_id).version_no == 1
    else:
        with pytest.raises(Forbidden):
            member.careplans.open(patient_id)


@pytest.mark.parametrize("role", ["clinician", "recovery_worker"])
def test_clinician_and_recovery_worker_can_edit(
    role: str, as_staff: StaffFactory, patient_id: int
) -> None:
    member = as_staff(role)
    assert len(_agreed_plan(member, patient_id).goals) == 2


def test_later_save_is_refused_with_who_and_when(
    worker: Services, as_staff: StaffFactory, patient_id: int
) -> None:
    gp = as_staff("clinician", login="apatel")
    opened_by_gp = gp.careplans.open(patient_id)
    opened_by_worker = worker.careplans.open(patient_id)
    _add(worker, opened_by_worker, CUT_DOWN)
    with pytest.raises(Stale) as refused:
        _add(gp, opened_by_gp, SMART)
    assert refused.value.who == "Kross"
    assert refused.value.when == "23 Nov 2026 10:00"
    reloaded = gp.careplans.open(patient_id)
    assert [g.words for g in reloaded.goals] == [CUT_DOWN.words]
    # ... and the same within one version.
    first = worker.careplans.open(patient_id)
    _add(worker, first, SMART)
    with pytest.raises(Stale):
        gp.careplans.set_status(
            patient_id,
            first.plan_id,
            first.row_version,
            first.goals[0].goal_key,
            StatusInput("achieved"),
        )


def test_every_change_and_every_open_is_audited(
    worker: Services, patient_id: int, engine: Engine
) -> None:
    view = _agreed_plan(worker, patient_id)
    key = view.goals[1].goal_key
    view = worker.careplans.move_goal(patient_id, view.plan_id, view.row_version, key, -1)
    assert _actions(engine, patient_id) == [
        "patient.register",
        "careplan.open",
        "careplan.new_version",
        "careplan.goal.add",
        "careplan.goal.add",
        "careplan.agree",
        "careplan.new_version",
        "careplan.goal.move",
    ]


def test_reorder_within_a_domain(worker: Services, patient_id: int) -> None:
    view = worker.careplans.open(patient_id)
    for words in ("first", "second", "third"):
        view = _add(worker, view, GoalInput("housing", words, "", "Jo", ""))
    key = view.goals[2].goal_key
    view = worker.careplans.move_goal(patient_id, view.plan_id, view.row_version, key, -1)
    assert [g.words for g in view.goals] == ["first", "third", "second"]
    view = worker.careplans.move_goal(patient_id, view.plan_id, view.row_version, key, -5)
    assert [g.words for g in view.goals] == ["third", "first", "second"]


def test_validation_errors_name_each_field(worker: Services, patient_id: int) -> None:
    view = worker.careplans.open(patient_id)
    with pytest.raises(Invalid) as bad:
        _add(worker, view, GoalInput("nowhere", " ", "", "", "22/11/2026"))
    assert set(bad.value.errors) == {"domain", "words", "owner", "target_date"}
    assert "before today" in bad.value.errors["target_date"]
    with pytest.raises(Invalid, match="reason"):
        worker.careplans.drop_goal(patient_id, None, 0, 1, " ")
    view = _add(worker, view, CUT_DOWN)
    with pytest.raises(Invalid) as bad:
        worker.careplans.agree(
            patient_id, view.plan_id, view.row_version, AgreeInput("24/11/2026", "")
        )
    assert set(bad.value.errors) == {"agreed_on", "agreed_with"}


def test_old_target_date_may_stay_but_not_be_set(worker: Services, engine: Engine) -> None:
    # The goal was set a year ago with a target that has passed since.
    year_ago = TODAY.subtract(years=1)
    admin_then = Services(engine, login="tester", clock=FixedClock(year_ago))
    patient_id = admin_then.patients.register(JO).id
    then = Services(engine, login="kross", clock=FixedClock(year_ago))
    then.identify()
    old = GoalInput("substance_use", "Cut down", "", "A. Patel", "01/01/2026")
    _add(then, then.careplans.open(patient_id), old)
    view = worker.careplans.open(patient_id)
    key = view.goals[0].goal_key
    same = GoalInput("substance_use", "Cut down", "", "A. Patel", "01/01/2026")
    view = worker.careplans.edit_goal(patient_id, view.plan_id, view.row_version, key, same)
    with pytest.raises(Invalid, match="before today"):
        worker.careplans.edit_goal(
            patient_id,
            view.plan_id,
            view.row_version,
            key,
            GoalInput("substance_use", "x", "", "y", "02/01/2026"),
        )


def test_prompts_follow_the_plan_and_the_last_top(
    worker: Services, patient_id: int, engine: Engine
) -> None:
    view = worker.careplans.open(patient_id)
    assert [p.domain for p in view.prompts] == ["family_relationships", "mutual_aid_peer_support"]
    # A strategic review on 1 November recorded an acute housing problem and no paid work.
    worker.episodes.start(patient_id, dt.date(2026, 10, 1))
    draft = worker.reviews.start(patient_id, "strategic")
    data = ReviewInput(
        review_date=dt.date(2026, 11, 1),
        top=top_values() | {"acute_housing": True},
        barc10=(4,) * 10,
        next_review_date=dt.date(2027, 5, 1),
    )
    worker.reviews.finalise(draft.id, draft.version, data)
    view = _add(worker, worker.careplans.open(patient_id), SMART)
    assert [p.domain for p in view.prompts] == [
        "housing",
        "employment_education_training",
        "family_relationships",
    ]
    with Session(engine) as s:
        assert s.exec(select(CarePlan)).one().version_no == 1
