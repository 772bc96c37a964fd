"""Reviews (SPEC §2): drafts, validation, finalise, OST decisions and roles, caches,
addenda, audit and stale saves — on every backend under test."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from console.services import Services
from console.services.dto import PatientInput
from console.services.errors import Forbidden, Invalid, Refused, Stale
from console.services.review_dto import (
    CorroborationInput,
    DrugTestInput,
    ReviewInput,
)
from db.models import (
    AuditEvent,
    Goal,
    GoalStatusEvent,
    Patient,
    Prescription,
    Review,
)
from tests.conftest import StaffFactory
from tests.services.review_setup import TODAY, complete, reviewed_patient


@pytest.fixture
def clinician(as_staff: StaffFactory) -> Services:
    return as_staff("clinician")


@pytest.fixture
def patient_id(services: Services) -> int:
    return reviewed_patient(services)


def test_draft_saves_and_reopens_with_partial_input(clinician: Services, patient_id: int) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    assert draft.status == "draft" and draft.rule_next_due == dt.date(2027, 5, 23)
    assert draft.values.next_review_date == dt.date(2027, 5, 23)
    partial = ReviewInput(top={"alcohol_w1": 2, "alcohol_w2": 1}, barc10=(5,) + (None,) * 9)
    saved = clinician.reviews.save_draft(draft.id, draft.version, partial)
    again = clinician.reviews.start(patient_id, "strategic")
    assert again.id == draft.id and again.version == saved.version == draft.version + 1
    assert again.values.top == {"alcohol_w1": 2, "alcohol_w2": 1}
    assert again.values.barc10[0] == 5
    marked = ReviewInput(top={"crack_days": 0}, top_not_answered=frozenset({"alcohol"}))
    clinician.reviews.save_draft(draft.id, again.version, marked)
    reopened = clinician.reviews.start(patient_id, "strategic").values
    assert reopened.top_not_answered == {"alcohol"}  # NA survives a dropped connection
    assert reopened.top == {"crack_days": 0}  # and stays distinct from 0
    assert again.expected_positive == frozenset({"methadone"})


def test_out_of_range_values_are_kept_as_text_in_a_draft_and_refused_at_finalise(
    clinician: Services, patient_id: int
) -> None:
    """A draft always saves (issue 13): an out-of-range value is kept as its text, marked
    with its range, never stored as a value; finalise refuses it with the range."""
    draft = clinician.reviews.start(patient_id, "strategic")
    bad = ReviewInput(
        top={"alcohol_w1": 8, "opiates_days": 29, "psych_health": 21, "shared_needle": 3},
        barc10=(7,) + (None,) * 9,
        raw={"crack_w1": "3x"},  # a text the form could not read at all
    )
    saved = clinician.reviews.save_draft(draft.id, draft.version, bad)
    assert saved.marks["alcohol_w1"] == "days must be 0–7 a week"
    assert saved.marks["opiates_days"] == "total days must be 0–28"
    assert saved.marks["psych_health"] == "rating 0–20"
    assert saved.marks["shared_needle"] == "answer yes or no"
    assert saved.marks["barc10_q1"].startswith("answer 1–6")
    again = clinician.reviews.get(draft.id)
    assert again.values.top == {} and again.values.barc10[0] is None  # no bad value stored
    assert again.values.raw == {
        "alcohol_w1": "8",
        "opiates_days": "29",
        "psych_health": "21",
        "shared_needle": "3",
        "barc10_q1": "7",
        "crack_w1": "3x",
    }
    assert again.marks == saved.marks
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(
            draft.id, saved.version, replace(complete(), raw=again.values.raw)
        )
    assert caught.value.errors["crack_w1"] == "as typed: not a value yet"
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(draft.id, saved.version, bad)
    assert caught.value.errors["alcohol_w1"] == "days must be 0–7 a week"
    assert clinician.reviews.get(draft.id).status == "draft"


def test_a_draft_saves_whatever_finalise_would_still_refuse(
    clinician: Services, patient_id: int
) -> None:
    """Only finalise enforces completeness: a continue decision with no rationale, a dose
    change with no dose, a drug result with no specimen or date are all kept."""
    draft = clinician.reviews.start(patient_id, "strategic")
    data = ReviewInput(
        ost_decision="continue_maintenance",
        drug_test=DrugTestInput("", None, {"opiates": "positive"}),
        corroborations=(CorroborationInput("pharmacy", ""),),
    )
    saved = clinician.reviews.save_draft(draft.id, draft.version, data)
    assert saved.marks == {}
    values = clinician.reviews.get(draft.id).values
    assert values.ost_decision == "continue_maintenance"
    assert values.drug_test is None and values.raw == {"drug_opiates": "positive"}  # undated
    assert values.corroborations == (CorroborationInput("pharmacy", ""),)
    missing = clinician.reviews.check_finalise(draft.id, replace(data, raw=values.raw))
    assert missing["ost_rationale"] == "a rationale is required to continue maintenance"
    assert {"drug_specimen", "drug_date", "corroboration_0", "top.alcohol"} <= missing.keys()
    assert clinician.reviews.get(draft.id).version == saved.version  # the check wrote nothing


def test_finalise_lists_what_is_missing(clinician: Services, patient_id: int) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(draft.id, draft.version, ReviewInput())
    missing = caught.value.errors
    assert "top.alcohol" in missing and "barc10" in missing
    assert {"goal.1", "goal.2", "ost_decision"} <= missing.keys()
    assert "next_review_date" in missing  # the form's ReviewInput() has none set
    # NA marks and a declined BARC-10 count as answered.
    data = complete(
        top_not_answered=frozenset({"crack"}),
        top={k: v for k, v in complete().top.items() if not k.startswith("crack")},
        barc10=(None,) * 10,
        barc10_declined=True,
    )
    done = clinician.reviews.finalise(draft.id, draft.version, data)
    assert done.finalised


def test_finalise_updates_caches_goals_and_prescription(
    clinician: Services, patient_id: int
) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    data = complete(
        ost_decision="reduce",
        ost_rationale="",
        new_dose_mg=35.0,
        new_dose_from=dt.date(2026, 11, 30),
        top={**complete().top, "injected_w1": 1},
    )
    done = clinician.reviews.finalise(draft.id, draft.version, data)
    assert done.finalised and done.ost_decided_by == clinician.staff.name
    with Session(clinician.engine) as s:
        p = s.get(Patient, patient_id)
        assert p is not None
        assert p.last_strategic_review == TODAY
        assert p.next_review_due == dt.date(2027, 5, 23)
        assert p.last_ost_decision == "reduce"
        assert p.last_barc10_total == 40
        assert p.injecting_recorded == TODAY
        # 35 mg starts on the 30th: until then 40 mg is in force (issue 12, defect 2)
        assert (p.current_medicine, p.current_dose_mg) == ("methadone_oral", 40)
        assert (p.dose_change_on, p.pending_dose_mg) == (dt.date(2026, 11, 30), 35.0)
        doses = s.exec(select(Prescription).where(Prescription.patient_id == patient_id)).all()
        assert [(x.dose_mg, x.end_date) for x in doses] == [
            (40, dt.date(2026, 11, 30)),
            (35.0, None),
        ]
        events = s.exec(select(GoalStatusEvent)).all()
        assert {(e.goal_key, e.status) for e in events} == {(1, "in_progress"), (2, "achieved")}
        assert {g.status for g in s.exec(select(Goal)).all()} == {"in_progress", "achieved"}
    with pytest.raises(Refused):
        clinician.reviews.save_draft(done.id, done.version, data)


def test_next_review_six_calendar_months_on(
    clinician: Services, patient_id: int, clock: object
) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    data = complete(review_date=dt.date(2026, 8, 31), next_review_date=dt.date(2027, 2, 28))
    saved = clinician.reviews.save_draft(draft.id, draft.version, data)
    assert clinician.reviews.get(draft.id).rule_next_due == dt.date(2027, 2, 28)  # 31 Aug + 6
    later = replace(data, next_review_date=dt.date(2027, 3, 15))
    kept = clinician.reviews.save_draft(draft.id, saved.version, later)
    assert "give a reason" in kept.marks["next_review_date"]
    again = clinician.reviews.get(draft.id)
    assert again.values.next_review_date is None  # never stored later without its reason
    assert again.values.raw["next_review_date"] == "15/03/2027"  # but kept as typed
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(draft.id, kept.version, later)
    assert "give a reason" in caught.value.errors["next_review_reason"]
    ok = replace(later, next_review_reason="patient abroad until March")
    clinician.reviews.save_draft(draft.id, kept.version, ok)
    assert clinician.reviews.get(draft.id).values.next_review_date == dt.date(2027, 3, 15)


def test_continue_maintenance_needs_rationale(clinician: Services, patient_id: int) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(draft.id, draft.version, complete(ost_rationale=" "))
    assert caught.value.errors == {
        "ost_rationale": "a rationale is required to continue maintenance"
    }


def test_recovery_worker_review_is_pending_until_a_clinician_decides(
    as_staff: StaffFactory, clinician: Services, patient_id: int
) -> None:
    worker = as_staff("recovery_worker")
    draft = worker.reviews.start(patient_id, "strategic")
    assert not draft.can_decide_ost
    with pytest.raises(Invalid) as caught:
        worker.reviews.save_draft(draft.id, draft.version, complete())
    assert "only a clinician" in caught.value.errors["ost_decision"]
    done = worker.reviews.finalise(
        draft.id, draft.version, complete(ost_decision="", ost_rationale="")
    )
    assert done.ost_decision == "pending" and done.ost_decided_by == ""
    with Session(worker.engine) as s:
        assert s.get(Patient, patient_id).last_ost_decision == "pending"  # type: ignore[union-attr]
    with pytest.raises(Forbidden):
        worker.reviews.record_ost_decision(done.id, "reduce", "", 30, TODAY)
    with pytest.raises(Invalid):
        clinician.reviews.record_ost_decision(done.id, "continue_maintenance", "")
    decided = clinician.reviews.record_ost_decision(done.id, "continue_maintenance", "stable")
    assert decided.values.ost_decision == "continue_maintenance"
    assert decided.ost_decided_by == clinician.staff.name and decided.ost_decided_at
    with Session(worker.engine) as s:
        p = s.get(Patient, patient_id)
        assert p is not None and p.last_ost_decision == "continue_maintenance"
    with pytest.raises(Refused):
        clinician.reviews.record_ost_decision(done.id, "reduce", "", 30, TODAY)


def test_addendum_keeps_original_and_summary_uses_corrected_value(
    clinician: Services, patient_id: int
) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    done = clinician.reviews.finalise(
        draft.id,
        draft.version,
        complete(
            drug_test=DrugTestInput("urine", TODAY, {"methadone": "negative"}),
            corroborations=(CorroborationInput("pharmacy", "collects daily"),),
        ),
    )
    with pytest.raises(Invalid) as caught:
        clinician.reviews.add_addendum(done.id, "opiates_days", "29", "")
    assert caught.value.errors == {
        "opiates_days": "total days must be 0–28",
        "reason": "say why the value is corrected",
    }
    fixed = clinician.reviews.add_addendum(done.id, "barc10_q1", "1", "typed the wrong row")
    fixed = clinician.reviews.add_addendum(done.id, "opiates_days", "3", "pharmacy report")
    assert fixed.values.barc10[0] == 4  # the original stays visible
    assert [(a.field, a.old_value, a.new_value) for a in fixed.addenda] == [
        ("barc10_q1", "4", "1"),
        ("opiates_days", "0", "3"),
    ]
    summary = clinician.summary.open(patient_id)
    assert summary.reviews[-1].barc10_total == 37
    assert summary.reviews[-1].opiates_days == 3
    with Session(clinician.engine) as s:
        assert s.get(Patient, patient_id).last_barc10_total == 37  # type: ignore[union-attr]


def test_every_write_is_audited_with_the_patient(clinician: Services, patient_id: int) -> None:
    draft = clinician.reviews.start(patient_id, "strategic")
    saved = clinician.reviews.save_draft(draft.id, draft.version, complete())
    clinician.reviews.finalise(draft.id, saved.version, complete())
    clinician.reviews.get(draft.id)
    with Session(clinician.engine) as s:
        rows = s.exec(
            select(AuditEvent.action, AuditEvent.patient_id).where(AuditEvent.entity == "review")
        ).all()
    assert [a for a, _ in rows] == ["review.start", "review.save", "review.finalise", "review.open"]
    assert {p for _, p in rows} == {patient_id}


def test_stale_save_is_refused(
    clinician: Services, as_staff: StaffFactory, patient_id: int
) -> None:
    other = as_staff("recovery_worker")
    draft = clinician.reviews.start(patient_id, "strategic")
    other.reviews.save_draft(draft.id, draft.version, ReviewInput(barc10=(3,) * 10))
    with pytest.raises(Stale) as caught:
        clinician.reviews.save_draft(draft.id, draft.version, ReviewInput())
    assert other.staff.name in str(caught.value)


def test_reception_and_admin_cannot_record_reviews(
    services: Services, as_staff: StaffFactory, patient_id: int
) -> None:
    with pytest.raises(Forbidden):
        services.reviews.start(patient_id, "strategic")
    with pytest.raises(Forbidden):
        as_staff("reception").reviews.start(patient_id, "strategic")
    with Session(services.engine) as s:
        assert s.execute(sa.select(sa.func.count()).select_from(Review)).scalar() == 0


def test_reviews_need_an_open_episode(clinician: Services, services: Services) -> None:
    record = services.patients.register(PatientInput("401 023 2137", "Nobody", "Al", "01/01/1970"))
    for kind in ("start", "strategic", "interim", "exit"):
        with pytest.raises(Invalid) as caught:
            clinician.reviews.start(record.id, kind)
        assert caught.value.errors == {"kind": "this patient is not in treatment (no open episode)"}
    with pytest.raises(Invalid) as caught:
        clinician.reviews.start(record.id, "post_exit_checkup")
    assert "post-exit check-ups" in caught.value.errors["kind"]


def _rule_invariant(engine: sa.Engine) -> list[str]:
    """Every stored next review date (reviews and the patient row) later than the rule's
    has its reason: the rule being six months after the latest finalised start or
    strategic review, whatever the review's kind."""
    from console.rules import review as review_rules

    broken = []
    with Session(engine) as s:
        for p in s.exec(select(Patient)).all():
            for r in s.exec(select(Review).where(Review.patient_id == p.id)).all():
                rule = review_rules.rule_next_due(
                    r.kind, r.review_date, p.last_strategic_review, p.episode_start
                )
                if review_rules.needs_reason(r.next_review_date, r.next_review_reason, rule):
                    broken.append(f"review {r.id}")
            if p.last_strategic_review is not None:
                rule = review_rules.rule_next_due(
                    "interim", TODAY, p.last_strategic_review, p.episode_start
                )
                if review_rules.needs_reason(p.next_review_due, p.next_review_reason, rule):
                    broken.append(f"patient {p.id}")
    return broken


def test_an_interim_review_keeps_the_reason_for_a_later_date(
    clinician: Services, patient_id: int
) -> None:
    """Issue 12 defect 4: the interim's rule was the stored due date, so a later date set
    with a reason at the strategic review passed an interim review without one and the
    reason was dropped. Checked on every writing path: start, save, finalise."""
    later, reason = dt.date(2027, 6, 15), "abroad until June"
    strategic = clinician.reviews.start(patient_id, "strategic")
    clinician.reviews.finalise(
        strategic.id,
        strategic.version,
        complete(next_review_date=later, next_review_reason=reason),
    )
    assert _rule_invariant(clinician.engine) == []
    # start: the interim carries the due date with its reason
    interim = clinician.reviews.start(patient_id, "interim")
    assert interim.rule_next_due == dt.date(2027, 5, 23)  # the strategic review's + 6 months
    assert (interim.values.next_review_date, interim.values.next_review_reason) == (later, reason)
    assert _rule_invariant(clinician.engine) == []
    # save: the date without its reason is kept as typed, never stored as the date
    dropped = complete(next_review_date=later, next_review_reason="")
    saved = clinician.reviews.save_draft(interim.id, interim.version, dropped)
    assert "give a reason" in saved.marks["next_review_date"]
    assert clinician.reviews.get(interim.id).values.next_review_date is None
    assert _rule_invariant(clinician.engine) == []
    # finalise: refused without the reason; with it, the patient row keeps both
    with pytest.raises(Invalid) as caught:
        clinician.reviews.finalise(interim.id, saved.version, dropped)
    assert "later than the rule's 23/05/2027" in caught.value.errors["next_review_reason"]
    clinician.reviews.finalise(
        interim.id, saved.version, replace(dropped, next_review_reason=reason)
    )
    with Session(clinician.engine) as s:
        p = s.get(Patient, patient_id)
        assert p is not None and (p.next_review_due, p.next_review_reason) == (later, reason)
    assert _rule_invariant(clinician.engine) == []
    # and an OST decision recorded later, or an addendum, does not touch either
    done = clinician.reviews.get(interim.id)
    clinician.reviews.add_addendum(done.id, "psych_health", "9", "typo")
    assert _rule_invariant(clinician.engine) == []


def test_the_warm_up_reads_nothing_and_writes_nothing(
    services: Services, clinician: Services, patient_id: int
) -> None:
    """The review form's SQL compiled ahead (issue 19) for no patient: nothing is
    committed (the change count stands still: no audit event, no draft), and the first
    real draft after it is the patient's own."""
    before = clinician.patients.list_version()
    clinician.reviews.warm_up()
    assert clinician.patients.list_version() == before
    draft = clinician.reviews.start(patient_id, "strategic")
    assert draft.patient_id == patient_id and draft.values.top == {}
    assert services.audit_log.verify().ok
