"""Post-exit recovery check-ups (SPEC §4): the short form, the schedule counted from the
exit date to its end, re-entry after a yes, renewal, roles, audit and death."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from sqlmodel import Session, select

from console.rules import top
from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid, Refused
from console.services.review_dto import ReviewInput
from db.models import AuditEvent, Episode, Patient, Review
from tests.conftest import StaffFactory

TODAY = dt.date(2026, 11, 23)
EXIT = dt.date(2024, 8, 31)  # month ends: each due date is counted from the exit
DUE = [
    dt.date(2024, 11, 30),
    dt.date(2025, 2, 28),
    dt.date(2025, 5, 31),
    dt.date(2025, 8, 31),
    dt.date(2025, 11, 30),
    dt.date(2026, 2, 28),
    dt.date(2026, 5, 31),
    dt.date(2026, 8, 31),
]


def answers(**changes: object) -> ReviewInput:
    """A complete check-up: TOP substance use, BARC-10 and three noes."""
    values: dict[str, int | float | bool | None] = {}
    for item in top.ITEMS:
        if item.section == top.SUBSTANCE:
            values.update({f"{item.key}_w{w}": 0 for w in range(1, 5)})
    data = ReviewInput(
        top=values,
        barc10=(5,) * 10,
        need_weekly_use=False,
        need_problems=False,
        need_help_now=False,
    )
    return replace(data, **changes)  # type: ignore[arg-type]


@pytest.fixture
def worker(as_staff: StaffFactory) -> Services:
    return as_staff("recovery_worker")


@pytest.fixture
def exited(services: Services, as_staff: StaffFactory) -> int:
    """A patient who completed treatment on 31 August 2024 (drug-free)."""
    clinician = as_staff("clinician")
    pid = services.patients.register(PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")).id
    clinician.episodes.start(pid, dt.date(2023, 1, 10), "GP", "heroin, crack")
    clinician.episodes.end(pid, EXIT, "80")
    return pid


def _patient(services: Services, pid: int) -> Patient:
    with Session(services.engine) as s:
        p = s.get(Patient, pid)
        assert p is not None
        return p


def _checkup(services: Services, pid: int, on: dt.date, **changes: object) -> int:
    draft = services.reviews.start(pid, "post_exit_checkup")
    done = services.reviews.finalise(draft.id, draft.version, answers(review_date=on, **changes))
    assert done.finalised
    return done.id


def _actions(services: Services) -> list[str]:
    with Session(services.engine) as s:
        return list(s.exec(select(AuditEvent.action).order_by(AuditEvent.id)).all())


def test_eight_checkups_from_the_exit_date_then_discharged(worker: Services, exited: int) -> None:
    p = _patient(worker, exited)
    assert (p.status, p.next_checkup_due, p.checkups_planned) == ("post_exit_checkups", DUE[0], 8)
    for n, due in enumerate(DUE, start=1):
        draft = worker.reviews.start(exited, "post_exit_checkup")
        assert (draft.checkup_number, draft.checkups_planned) == (n, 8)
        assert draft.problem_substances == "heroin, crack"
        assert draft.values.next_review_date is None
        saved = worker.reviews.finalise(draft.id, draft.version, answers(review_date=due))
        assert saved.finalised and not saved.offers_reentry
        p = _patient(worker, exited)
        assert p.next_review_due is None  # a check-up leaves the review schedule alone
        if n < 8:
            assert (p.status, p.next_checkup_due) == ("post_exit_checkups", DUE[n])
    assert (p.status, p.next_checkup_due) == ("discharged", None)
    assert worker.reviews.get(saved.id).checkup_number == 8  # still "8 of 8" afterwards
    assert _actions(worker).count("checkups.end") == 1
    with pytest.raises(Invalid) as caught:
        worker.reviews.start(exited, "post_exit_checkup")
    assert "post-exit check-ups" in caught.value.errors["kind"]


def test_checkup_completeness_is_the_short_form(worker: Services, exited: int) -> None:
    draft = worker.reviews.start(exited, "post_exit_checkup")
    with pytest.raises(Invalid) as caught:
        worker.reviews.finalise(draft.id, draft.version, ReviewInput())
    missing = caught.value.errors
    assert "top.alcohol" in missing and "top.tobacco" in missing and "barc10" in missing
    assert missing["need_help_now"] == "need for treatment: answer yes or no"
    assert {"need_weekly_use", "need_problems"} <= missing.keys()
    # No goals, OST decision, next review date, or TOP items beyond substance use.
    assert not {"ost_decision", "next_review_date", "top.injected", "top.psych_health"} & set(
        missing
    )
    assert not any(k.startswith("goal.") for k in missing)
    with pytest.raises(Invalid) as caught:
        worker.reviews.finalise(draft.id, draft.version, answers(review_date=dt.date(2024, 8, 1)))
    assert caught.value.errors == {
        "review_date": "a check-up cannot be before the exit (31/08/2024)"
    }
    declined = answers(barc10=(None,) * 10, barc10_declined=True)
    na = replace(
        declined,
        top={k: v for k, v in declined.top.items() if not k.startswith("cannabis")},
        top_not_answered=frozenset({"cannabis"}),
    )
    assert worker.reviews.finalise(draft.id, draft.version, na).finalised


def test_a_yes_offers_reentry_and_accepting_opens_an_episode(
    worker: Services, exited: int, clock: object
) -> None:
    first = _checkup(worker, exited, DUE[0])
    draft = worker.reviews.start(exited, "post_exit_checkup")
    saved = worker.reviews.finalise(draft.id, draft.version, answers(need_help_now=True))
    assert saved.offers_reentry
    with pytest.raises(Refused):  # every answer was no
        worker.checkups.reentry(first, accept=True)
    change = worker.checkups.reentry(saved.id, accept=True)
    assert change is not None
    assert (change.status, change.episode_start) == ("in_treatment", TODAY)
    assert change.next_checkup_due is None
    assert change.next_review_due == dt.date(2026, 12, 21)  # the start review, 28 days on
    with Session(worker.engine) as s:
        episode = s.exec(
            select(Episode).where(Episode.patient_id == exited, Episode.end_date.is_(None))  # type: ignore[union-attr]
        ).one()
        assert (episode.referral_source, episode.problem_substances) == (
            "post-exit check-up",
            "heroin, crack",
        )
        assert s.get(Review, saved.id).reentry == "accepted"  # type: ignore[union-attr]
    assert worker.reviews.get(saved.id).reentry == "accepted"
    with pytest.raises(Refused):  # recorded once
        worker.checkups.reentry(saved.id, accept=False)
    with pytest.raises(Invalid) as caught:  # in treatment now: no more check-ups
        worker.reviews.start(exited, "post_exit_checkup")
    assert "kind" in caught.value.errors
    assert worker.reviews.start(exited, "start").kind == "start"
    events = _actions(worker)
    assert events[-4:-2] == ["episode.start", "checkups.reentry"]


def test_declining_keeps_checkups_and_the_next_one_shows_it(worker: Services, exited: int) -> None:
    draft = worker.reviews.start(exited, "post_exit_checkup")
    saved = worker.reviews.finalise(
        draft.id, draft.version, answers(review_date=DUE[0], need_weekly_use=True)
    )
    assert worker.checkups.reentry(saved.id, accept=False) is None
    p = _patient(worker, exited)
    assert (p.status, p.next_checkup_due) == ("post_exit_checkups", DUE[1])
    following = worker.reviews.start(exited, "post_exit_checkup")
    assert following.checkup_number == 2
    assert following.previous is not None
    assert following.previous.reentry == "declined"
    assert following.previous.need_weekly_use is True
    assert following.previous.need_help_now is False
    with Session(worker.engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "checkups.reentry")).one()
        assert '"declined"' in event.detail and event.patient_id == exited


def test_renewal_adds_a_year_while_running_or_after_the_end(
    as_staff: StaffFactory, worker: Services, exited: int
) -> None:
    for due in DUE[:3]:
        _checkup(worker, exited, due)
    change = worker.checkups.renew(exited)
    assert (change.status, change.next_checkup_due) == ("post_exit_checkups", DUE[3])
    assert _patient(worker, exited).checkups_planned == 12
    for due in DUE[3:]:
        _checkup(worker, exited, due)
    p = _patient(worker, exited)  # 12 planned now: the ninth is due 27 months on
    assert (p.status, p.next_checkup_due) == ("post_exit_checkups", dt.date(2026, 11, 30))
    for _ in range(3):
        _checkup(worker, exited, TODAY)
    p = _patient(worker, exited)
    assert (p.status, p.next_checkup_due) == ("post_exit_checkups", dt.date(2027, 8, 31))
    _checkup(worker, exited, TODAY)
    assert _patient(worker, exited).status == "discharged"
    clinician = as_staff("clinician")
    change = clinician.checkups.renew(exited)  # the ended schedule, renewed
    assert (change.status, change.next_checkup_due) == ("post_exit_checkups", dt.date(2027, 11, 30))
    assert _patient(worker, exited).checkups_planned == 16
    assert _actions(worker).count("checkups.renew") == 2


def test_renewal_refused_without_a_successful_exit(
    services: Services, worker: Services, as_staff: StaffFactory
) -> None:
    pid = services.patients.register(PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")).id
    with pytest.raises(Refused):  # never exited
        worker.checkups.renew(pid)
    worker.episodes.start(pid, dt.date(2023, 1, 10))
    worker.episodes.end(pid, dt.date(2024, 1, 10), "85")  # an unsuccessful exit (dropped out)
    assert _patient(worker, pid).status == "discharged"
    with pytest.raises(Refused):
        worker.checkups.renew(pid)


def test_role_matrix(
    services: Services, as_staff: StaffFactory, worker: Services, exited: int
) -> None:
    reception = as_staff("reception")
    for who in (services, reception):  # admin, reception
        with pytest.raises(Forbidden):
            who.reviews.start(exited, "post_exit_checkup")
        with pytest.raises(Forbidden):
            who.checkups.renew(exited)
    saved = _checkup(worker, exited, DUE[0], need_problems=True)
    with pytest.raises(Forbidden):
        reception.checkups.reentry(saved, accept=False)
    assert worker.checkups.renew(exited).status == "post_exit_checkups"


def test_death_stops_everything(worker: Services, as_staff: StaffFactory, exited: int) -> None:
    draft = worker.reviews.start(exited, "post_exit_checkup")
    saved = worker.reviews.finalise(draft.id, draft.version, answers(need_help_now=True))
    worker.deaths.record(exited, TODAY)  # from the record: no episode is open
    assert _patient(worker, exited).next_checkup_due is None
    for kind in ("post_exit_checkup", "strategic", "start"):
        with pytest.raises(Invalid) as caught:
            worker.reviews.start(exited, kind)
        assert "deceased" in caught.value.errors["kind"]
    with pytest.raises(Refused):
        worker.checkups.renew(exited)
    with pytest.raises(Refused):
        worker.checkups.reentry(saved.id, accept=True)
    assert _patient(worker, exited).status == "deceased"


def test_death_exit_stops_checkups(worker: Services, services: Services) -> None:
    pid = services.patients.register(PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961")).id
    worker.episodes.start(pid, dt.date(2023, 1, 10))
    worker.episodes.end(pid, dt.date(2026, 10, 1), "89")
    with pytest.raises(Invalid):
        worker.reviews.start(pid, "post_exit_checkup")
    with pytest.raises(Refused):
        worker.checkups.renew(pid)
