"""Which goals a review reviews (issue 13): the agreed care plan version's, saying when a
newer draft exists; with none agreed (a start review) the draft's, saying so. Finalise's
completeness check asks for the same goals."""

from __future__ import annotations

import datetime as dt

import pytest

from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput
from console.services.dto import PatientInput
from tests.conftest import StaffFactory
from tests.services.review_setup import complete

JO = PatientInput("943 476 5919", "Smithson", "Jo", "12/03/1980", town="Wakefield")
CUT = GoalInput("substance_use", "Cut down methadone to 30 mg", "", "A. Patel", "")
SMART = GoalInput("mutual_aid_peer_support", "Keep going to SMART", "", "Jo", "")
HOUSING = GoalInput("housing", "Move out of the hostel", "", "K. Ross", "")


@pytest.fixture
def clinician(as_staff: StaffFactory) -> Services:
    return as_staff("clinician", login="apatel")


def _patient(services: Services) -> int:
    pid = services.patients.register(JO).id
    services.episodes.start(pid, dt.date(2026, 1, 5))
    return pid


def _goals(services: Services, pid: int, *goals: GoalInput) -> None:
    view = services.careplans.open(pid)
    for goal in goals:
        view = services.careplans.add_goal(pid, view.plan_id, view.row_version, goal)


def _agree(services: Services, pid: int) -> None:
    view = services.careplans.open(pid)
    services.careplans.agree(pid, view.plan_id, view.row_version, AgreeInput("20/11/2026", "Jo"))


def test_the_agreed_version_is_reviewed_and_a_newer_draft_named(clinician: Services) -> None:
    services = clinician
    pid = _patient(services)
    _goals(services, pid, CUT, SMART)
    _agree(services, pid)
    view = services.careplans.open(pid)
    cut = view.goals[0].goal_key
    edited = GoalInput("substance_use", "Cut down methadone to 20 mg", "", "A. Patel", "")
    view = services.careplans.edit_goal(pid, view.plan_id, view.row_version, cut, edited)
    services.careplans.add_goal(pid, view.plan_id, view.row_version, HOUSING)
    draft = services.reviews.start(pid, "strategic")
    assert [g.words for g in draft.goals] == [CUT.words, SMART.words]  # not the draft's
    assert draft.plan is not None and draft.plan.agreed
    assert (draft.plan.version_no, draft.plan.newer_draft) == (1, 2)
    assert draft.plan.agreed_on == dt.date(2026, 11, 20)
    missing = services.reviews.check_finalise(draft.id, complete(goals={}))
    goal_keys = {k for k in missing if k.startswith("goal.")}
    assert goal_keys == {f"goal.{g.goal_key}" for g in draft.goals}


def test_with_no_agreed_version_the_drafts_goals_are_reviewed(clinician: Services) -> None:
    services = clinician
    pid = _patient(services)
    _goals(services, pid, HOUSING)
    draft = services.reviews.start(pid, "start")
    assert [g.words for g in draft.goals] == [HOUSING.words]
    assert draft.plan is not None and not draft.plan.agreed and draft.plan.newer_draft is None
    missing = services.reviews.check_finalise(draft.id, complete(goals={}))
    assert {k for k in missing if k.startswith("goal.")} == {f"goal.{draft.goals[0].goal_key}"}
