"""Issue 12: random service calls over a few dozen patients with a moving clock keep every
patient row cache equal to its recomputation from the source rows (the same check as
`recovery-console check`), and the list's flags equal the summary's alert letters.
Issue 17: the kept indicator tallies equal a recount from the caches after every step,
and today's dashboard from them equals the one pass over the caches (whole practice and
per keyworker) at every full check.

The touched patient is checked after each step, everybody every 100 steps. Fixed seed
(derandomize): at least 2,000 steps on SQLite, about 300 on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from dataclasses import replace

import pendulum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy.engine import Engine

from console.services import Services
from console.services.careplan_dto import StatusInput
from console.services.dto import PatientInput, PrescriptionInput, SafetyInput
from console.services.errors import Invalid, NotFound, Refused, Stale
from console.services.health_dto import HealthInput
from console.services.linkage_dto import ResourceInput
from console.services.review_dto import DrugTestInput, GoalReviewInput
from tests.services.concurrent_writer import nhs_for
from tests.services.derived_helpers import (
    MovingClock,
    agreed_plan,
    everything_is_right,
    fast_commits,
    review_input,
    staff,
    top_values,
    update_record,
)

EXPECTED = (Invalid, Refused, NotFound, Stale)  # a refusal is a fine outcome of a random call
STEPS = {
    "sqlite": (
        int(os.environ.get("RC_MACHINE_EXAMPLES", 12)),  # steps vary with the hash seed
        int(os.environ.get("RC_MACHINE_STEPS", 220)),
    ),
    "postgresql": (1, 300),
}  # (examples, steps per example)
CHECK_ALL_EVERY = 100
PATIENTS_AT_START = 4
PATIENTS_PER_RUN = 6
HOUSEHOLD = "children_under_16" in PatientInput.__dataclass_fields__
DEATH = hasattr(Services, "deaths")
RESULTS = ("positive", "negative", "not_tested")
MEDICINES = ("methadone_oral", "buprenorphine_sublingual")
SEDATIVES = ((), ("diazepam",), ("pregabalin",))
EXITS = ("80", "83", "85", "89")


class Run:
    """What outlives one example: the database, the clock, the staff, the step count."""

    engine: Engine
    clock: MovingClock
    clin: Services
    admin: Services
    resource_id: int
    steps = 0
    patients = 0
    seconds = 0.0
    checked_at = -1
    done: dict[str, int] = {}
    refused: dict[str, int] = {}


class CacheMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.pids: list[int] = []
        self.touched: int | None = None
        self.window: set[int] = set()  # patients touched since the last full check

    # -- helpers ----------------------------------------------------------------------
    def _pick(self, n: int) -> int | None:
        return self.pids[n % len(self.pids)] if self.pids else None

    def _do(self, pid: int | None, call: object, *args: object, **kw: object) -> None:
        Run.steps += 1
        if pid is None:
            return
        name = getattr(call, "__name__", "call")
        if name == "go":
            name = sys._getframe(1).f_code.co_name  # the rule's name
        try:
            call(*args, **kw)  # type: ignore[operator]
        except EXPECTED:
            Run.refused[name] = Run.refused.get(name, 0) + 1
        else:  # a refused call wrote nothing (its transaction rolled back): nothing to check
            Run.done[name] = Run.done.get(name, 0) + 1
            self.touched = pid

    @property
    def today(self) -> dt.date:
        return Run.clock.today()

    def _ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    # -- rules ----------------------------------------------------------------------------
    @initialize()
    def caseload(self) -> None:
        """Each run starts with patients in treatment, on OST for some, plans agreed."""
        for n in range(PATIENTS_AT_START):
            pid = self._new()
            Run.clin.episodes.start(pid, self._ago(60 + n))
            if n % 3:
                data = PrescriptionInput("methadone_oral", 40.0 * n, dispensing="supervised")
                Run.clin.episodes.change_prescription(pid, replace(data, start_date=self._ago(50)))
            if n % 2:
                agreed_plan(Run.clin, pid, ("substance_use", "housing"))

    def _new(self) -> int:
        n = Run.patients
        Run.patients += 1
        record = Run.clin.patients.register(
            PatientInput(nhs_for(1000 + n), "Machine", f"Pat{n}", "01/01/1980")
        )
        self.pids.append(record.id)
        return record.id

    @rule()
    def register(self) -> None:
        Run.steps += 1
        if len(self.pids) < PATIENTS_PER_RUN:
            self.touched = self._new()

    @rule(n=st.integers(0, 99), ago=st.integers(0, 90), plan=st.booleans())
    def start_episode(self, n: int, ago: int, plan: bool) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            Run.clin.episodes.start(pid, self._ago(ago))
            if plan:
                agreed_plan(Run.clin, pid, ("substance_use",))

        self._do(pid, go)

    @rule(
        n=st.integers(0, 99),
        medicine=st.sampled_from(MEDICINES),
        dose=st.sampled_from((8.0, 30.0, 60.0, 90.0, 120.0)),
        ago=st.integers(0, 30),
    )
    def prescribe(self, n: int, medicine: str, dose: float, ago: int) -> None:
        data = PrescriptionInput(medicine, dose, dispensing="supervised", start_date=self._ago(ago))
        self._do(self._pick(n), Run.clin.episodes.change_prescription, self._pick(n), data)

    @rule(
        n=st.integers(0, 99),
        missed=st.integers(0, 4),
        ecg=st.sampled_from((None, 30, 500)),
        sedatives=st.sampled_from(SEDATIVES),
    )
    def safety(self, n: int, missed: int, ecg: int | None, sedatives: tuple[str, ...]) -> None:
        when = "" if ecg is None else f"{self._ago(ecg):%d/%m/%Y}"
        data = SafetyInput(str(missed), when, "430" if when else "", sedatives)
        self._do(self._pick(n), Run.clin.episodes.record_safety, self._pick(n), data)

    @rule(
        n=st.integers(0, 99),
        kind=st.sampled_from(("start", "strategic", "interim")),
        decision=st.sampled_from(
            ("continue_maintenance", "reduce", "increase", "stop", "start", "not_on_ost")
        ),
        dose=st.sampled_from((20.0, 45.0, 110.0)),
        later=st.sampled_from((0, 0, 3, 10)),
        goal=st.sampled_from(("in_progress", "dropped", "achieved")),
        test=st.one_of(st.none(), st.tuples(*(st.sampled_from(RESULTS) for _ in range(3)))),
        tested_ago=st.integers(0, 5),
        opiates=st.sampled_from((0, 0, 5)),
        injected=st.sampled_from((0, 3)),
        barc=st.integers(1, 6),
    )
    def review(
        self,
        n: int,
        kind: str,
        decision: str,
        dose: float,
        later: int,
        goal: str,
        test: tuple[str, str, str] | None,
        tested_ago: int,
        opiates: int,
        injected: int,
        barc: int,
    ) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            draft = Run.clin.reviews.start(pid, kind)
            goals = {
                g.goal_key: GoalReviewInput(goal, "changed at review" if goal == "dropped" else "")
                for g in Run.clin.careplans.open(pid).goals
            }
            changes: dict[str, object] = {
                "goals": goals,
                "ost_decision": decision,
                "ost_rationale": "a considered decision",
                "top": top_values(opiates=opiates, injected=injected),
                "barc10": (barc,) * 10,
                "next_review_date": draft.rule_next_due,
            }
            if decision in ("reduce", "increase", "start"):
                changes |= {
                    "new_dose_mg": dose,
                    "new_dose_from": self.today + dt.timedelta(later),
                    # used when there is no prescription to change (a start or a first dose)
                    "new_medicine": "methadone_oral",
                    "new_dispensing": "supervised",
                }
            if decision == "stop":
                changes["new_dose_from"] = self.today + dt.timedelta(later)
            if test is not None:
                results = dict(zip(("methadone", "opiates", "benzodiazepines"), test, strict=True))
                changes["drug_test"] = DrugTestInput("urine", self._ago(tested_ago), results)
            data = replace(review_input(Run.clin, pid), **changes)  # type: ignore[arg-type]
            Run.clin.reviews.finalise(draft.id, draft.version, data)

        self._do(pid, go)

    @rule(n=st.integers(0, 99), field=st.sampled_from(("barc10_q1", "injected_days")))
    def addendum(self, n: int, field: str) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            latest = Run.clin.summary.open(pid).reviews
            if not latest:
                return
            value = "1" if field == "barc10_q1" else "0"
            Run.clin.reviews.add_addendum(latest[-1].id, field, value, "typed wrongly")

        self._do(pid, go)

    @rule(n=st.integers(0, 99), reason=st.sampled_from(EXITS), ago=st.integers(0, 5))
    def end_episode(self, n: int, reason: str, ago: int) -> None:
        self._do(self._pick(n), Run.clin.episodes.end, self._pick(n), self._ago(ago), reason)

    @rule(n=st.integers(0, 99), yes=st.booleans(), accept=st.booleans())
    def checkup(self, n: int, yes: bool, accept: bool) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            draft = Run.clin.reviews.start(pid, "post_exit_checkup")
            data = replace(
                review_input(Run.clin, pid),
                goals={},
                ost_decision="",
                ost_rationale="",
                next_review_date=None,
                need_weekly_use=yes,
                need_problems=False,
                need_help_now=False,
            )
            done = Run.clin.reviews.finalise(draft.id, draft.version, data)
            if done.offers_reentry:
                Run.clin.checkups.reentry(done.id, accept)

        self._do(pid, go)

    @rule(n=st.integers(0, 99))
    def renew(self, n: int) -> None:
        self._do(self._pick(n), Run.clin.checkups.renew, self._pick(n))

    @rule(
        n=st.integers(0, 99),
        ago=st.integers(0, 40),
        outcome=st.sampled_from(("", "not_yet", "attended")),
    )
    def linkage(self, n: int, ago: int, outcome: str) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            on = self._ago(ago)
            link = Run.clin.linkage.link(
                pid, Run.resource_id, "accompanied", on, on + dt.timedelta(14)
            )
            if outcome:  # attended (a mutual-aid group): the indicator's cache
                went = on if outcome == "attended" else None
                later = None if went else self.today + dt.timedelta(7)
                Run.clin.linkage.record_outcome(link.id, link.version, outcome, went, later)

        self._do(pid, go)

    @rule(
        n=st.integers(0, 99),
        kind=st.sampled_from(
            (
                ("naloxone", "nasal (Nyxoid)"),
                ("hcv_antibody", "negative"),
                ("hep_b_dose", "completed"),
                ("hep_b_status", "already_immunised"),
                ("injecting_status", "currently"),
                ("injecting_status", "previously"),
            )
        ),
        ago=st.sampled_from((0, 100, 400)),
        remove=st.booleans(),
    )
    def health(self, n: int, kind: tuple[str, str], ago: int, remove: bool) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            if kind[0] == "injecting_status":
                Run.clin.health.set_injecting_status(pid, kind[1])
                return
            added = Run.clin.health.record(pid, HealthInput(kind[0], self._ago(ago), kind[1]))
            if remove:
                Run.clin.health.remove(added.id, added.version, "recorded on the wrong patient")

        self._do(pid, go)

    @rule(n=st.integers(0, 99), status=st.sampled_from(("dropped", "in_progress")))
    def goal_status(self, n: int, status: str) -> None:
        pid = self._pick(n)

        def go() -> None:
            assert pid is not None
            plan = Run.clin.careplans.open(pid)
            if plan.goals:
                key = plan.goals[0].goal_key
                Run.clin.careplans.set_status(
                    pid, plan.plan_id, plan.row_version, key, StatusInput(status, "changed")
                )

        self._do(pid, go)

    if DEATH:

        @rule(n=st.integers(0, 99), ago=st.integers(0, 3), correct=st.booleans())
        def death(self, n: int, ago: int, correct: bool) -> None:
            pid = self._pick(n)

            def go() -> None:
                assert pid is not None
                Run.clin.deaths.record(pid, self._ago(ago))
                if correct:
                    Run.clin.deaths.correct(pid, "recorded on the wrong patient")

            self._do(pid, go)

    if HOUSEHOLD:

        @rule(n=st.integers(0, 99), children=st.integers(0, 2), discussed=st.booleans())
        def household(self, n: int, children: int, discussed: bool) -> None:
            pid = self._pick(n)

            def go() -> None:
                assert pid is not None
                record = Run.clin.patients.demographics(pid)
                data = PatientInput(
                    record.nhs_number,
                    record.family_name,
                    record.given_name,
                    f"{record.date_of_birth:%d/%m/%Y}",
                    children_under_16=str(children),  # type: ignore[call-arg]
                    safe_storage_discussed=f"{self.today:%d/%m/%Y}" if discussed else "",  # type: ignore[call-arg]
                )
                Run.clin.patients.update(pid, record.version, data)

            self._do(pid, go)

    @rule(n=st.integers(0, 99), who=st.sampled_from((None, "admin", "clin")))
    def keyworker(self, n: int, who: str | None) -> None:
        kw = None if who is None else getattr(Run, who).staff.id
        self._do(self._pick(n), update_record, Run.clin, self._pick(n), keyworker_id=kw)

    @rule(days=st.sampled_from((1, 3, 7, 30, 95)))
    def time_passes(self, days: int) -> None:
        Run.steps += 1
        Run.clock.advance(days)

    # -- the invariants -----------------------------------------------------------------
    @invariant()
    def touched_patient_is_right(self) -> None:
        if self.touched is None:
            return
        pid, self.touched = self.touched, None
        self.window.add(pid)
        assert Run.admin.caches.patient(pid) == [], "row caches differ from their sources"
        assert Run.admin.caches.tallies() == [], "indicator tallies differ from a recount"

    @invariant()
    def everybody_every_hundred_steps(self) -> None:
        if Run.steps // CHECK_ALL_EVERY == Run.checked_at:
            return
        Run.checked_at = Run.steps // CHECK_ALL_EVERY
        everything_is_right(Run.admin, Run.clin, self.window)
        self.window.clear()


def test_row_caches_stay_right_under_random_service_calls(engine: Engine) -> None:
    backend = engine.dialect.name
    fast_commits(engine)
    Run.engine = engine
    Run.clock = MovingClock(pendulum.datetime(2024, 1, 8, 9, 0, tz="Europe/London"))
    Run.admin = staff(engine, Run.clock)
    Run.clin = staff(engine, Run.clock, "clinician")
    for s in (Run.admin, Run.clin):
        s.uow.anchor = None  # the audit chain's side-file anchor is tested elsewhere
    Run.resource_id = Run.clin.resources.add(ResourceInput("smart_recovery", "SMART Bramley")).id
    Run.steps, Run.patients, Run.checked_at, Run.done, Run.refused = 0, 0, -1, {}, {}
    examples, steps = STEPS[backend]
    started = time.perf_counter()
    run_state_machine_as_test(
        CacheMachine,
        settings=settings(
            max_examples=examples,
            stateful_step_count=steps,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    Run.seconds = time.perf_counter() - started
    print(f"{backend}: {Run.steps} steps, {Run.patients} patients, {Run.seconds:.1f} s")
    print("done", sorted(Run.done.items()), "refused", sorted(Run.refused.items()))
    assert Run.steps >= (2000 if backend == "sqlite" else 250)
    assert Run.admin.caches.check().clean
