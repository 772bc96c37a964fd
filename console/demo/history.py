"""Each demo patient's history: episodes, prescriptions and reviews, then the patient row
with first caches drawn from that history; the demo service then sets every cache by the
one derivation the write paths use (`console.services.caches.refresh`), so the list,
flags and worklist agree with what the summary shows.

Dates are day ordinals (ints) while generating, because arithmetic on them is cheap;
month steps go through pendulum (31 August + 6 months = 28/29 February), cached.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

import pendulum
import sqlalchemy as sa

from console.demo import data as data
from console.demo.care import CareRecords
from console.demo.measures import Profile, Visit
from console.demo.records import PATIENT_COLUMNS, SPECS, TABLES, add_months
from console.rules.products import default_product
from console.rules.vocab import EXIT_REASONS, ExitGroup, Medicine, ReviewKind
from console.rules.vocab import PatientStatus as Status

__all__ = ["SPECS", "TABLES", "Caseload", "Team"]

SUCCESS = frozenset(c for c, (_, group) in EXIT_REASONS.items() if group is ExitGroup.SUCCESSFUL)
UNSUCCESSFUL_OR_NEUTRAL = ("85", "85", "85", "86", "83", "83", "84", "87", "88")
PR_LICENSED = dt.date(2019, 6, 1).toordinal()  # prolonged-release buprenorphine in the UK
METHADONE = Medicine.METHADONE.value
BUPRENORPHINE = Medicine.BUPRENORPHINE.value
BUP_PR = Medicine.BUPRENORPHINE_PR.value
# Instalment (pick-up) days and the supervised ones, by dispensing: Saturday's collection
# holds Sunday's dose (most pharmacies close on Sunday).
INSTALMENTS = {
    "supervised": ("mon,tue,wed,thu,fri,sat", "mon,tue,wed,thu,fri,sat"),
    "daily_pickup": ("mon,tue,wed,thu,fri,sat", ""),
    "multi_day_pickup": ("mon,wed,fri", "mon"),
    "weekly": ("mon", ""),
}
SUBLINGUAL = "buprenorphine_sl_2mg_8mg"  # the one medicine with several tablet strengths
PR_LEVELS = {"weekly": (8.0, 16.0, 24.0, 32.0), "monthly": (64.0, 96.0, 128.0, 160.0)}
START, STRATEGIC, INTERIM, EXIT, CHECKUP = (k.value for k in ReviewKind)


@dataclass(frozen=True)
class Team:
    """The demo staff who hold reviews: clinicians decide OST, recovery workers keywork."""

    clinicians: tuple[int, ...]
    workers: tuple[int, ...]


@dataclass(slots=True)
class Course:
    """Per-patient choices about treatment that hold across episodes."""

    worker: int
    medicine: str
    high_dose: bool
    sedative: str
    pharmacy: str
    overdue: bool
    drift: bool
    missed_checkup: bool


@dataclass(slots=True)
class Ep:
    id: int
    start: int
    end: int | None
    reason: str
    ost: bool
    ost_start: int = 0
    ost_end: int | None = None
    max_rows: int = 5  # a patient's whole dose history stays within five rows
    # Dose rows: [medicine, dose, interval, dispensing, start, end]; a change is a new row.
    rx: list[list[Any]] = field(default_factory=list)
    visits: list[Visit] = field(default_factory=list)
    next_checkup: int | None = None


class Caseload(CareRecords):
    def __init__(
        self,
        conn: sa.Connection,
        rnd: random.Random,
        today: pendulum.Date,
        team: Team,
        resources: list[tuple[int, str]],
    ) -> None:
        super().__init__(conn, rnd, today)
        self.team = team
        self.resources = resources
        self.reviews = 0

    def patient(self, nhs: str) -> None:
        """One patient: history first, then the patient row with caches drawn from it."""
        r, ri, T = self.r, self.ri, self.T
        pid = self.next_id("patient")
        person = self.person(pid, nhs)
        status = self.choose(
            (0.85, Status.IN_TREATMENT), (0.08, Status.POST_EXIT_CHECKUPS),
            (0.06, Status.DISCHARGED), (0.01, Status.DECEASED),
        ).value  # fmt: skip
        eps = self._episodes(status, add_months(person["dob"], 18 * 12))
        opioid = any(ep.ost for ep in eps)
        p = self.profile(opioid)
        course = self._course()
        for ep in eps:
            self._timeline(ep, course, status)
            self._episode_rows(pid, ep, course, p)
        visits = [v for ep in eps for v in ep.visits]
        prescribed = [row for ep in eps for row in ep.rx]
        barc_total = self.review_rows(pid, visits, prescribed, p, course.sedative)
        latest = eps[-1]
        live = status in (Status.IN_TREATMENT, Status.POST_EXIT_CHECKUPS)
        limit = T if latest.end is None or live else latest.end
        start = next((v for v in latest.visits if v.kind == START), None)
        refs = [(v.date, v.id, v.held_by) for v in latest.visits if v.kind == STRATEGIC]
        plan_goal = None
        if start is not None:  # agreed at (or soon after) the start review
            agreed = min(start.date + ri(0, 14), T)
            plan_goal = self.care_plan(pid, person["name"], agreed, start.date, course.worker, refs)
        elif r() < 0.5:  # a new episode: the first plan still a draft
            self.care_plan(pid, "", None, min(latest.start + ri(0, 5), T), course.worker, [])
        naloxone, hcv, hbv, injecting = self.health(
            pid, p.injecting, opioid, latest.start, limit, course.worker
        )
        followup = (
            self.linkage(pid, latest.start, limit, course.worker, live) if r() < 0.5 else None
        )
        involvement = ""
        if r() < 0.4:
            self.family(pid, person["family_name"], person["consent_family_contact"])
        else:
            involvement = self.pick(("none_to_involve", "declines", "", "", ""))
        children = self.choose((0.8, 0), (0.07, 1), (0.07, 2), (0, 3))
        storage = None
        if children and r() < 0.85:
            storage = T - ri(0, 330) if r() < 0.8 else T - ri(400, 900)
        recovery_start = None
        if latest.end is not None and latest.reason in SUCCESS:
            recovery_start = latest.end - ri(30, 300)
        elif latest.end is None and T - latest.start > 730 and r() < 0.3:
            recovery_start = max(latest.start, T - ri(60, 600))
        # The caches (SPEC §2), from the history just generated.
        current = latest.rx[-1] if latest.end is None and latest.rx else None
        if current is not None and current[5] is not None:
            current = None
        next_due = None
        if status == Status.IN_TREATMENT:
            anchors = [v.date for v in latest.visits if v.kind in (START, STRATEGIC)]
            next_due = add_months(anchors[-1], 6) if anchors else latest.start + 28
        strategic = [v for v in visits if v.kind == STRATEGIC]
        checkup = latest.next_checkup if status == Status.POST_EXIT_CHECKUPS else None
        day = self.day_or_none
        row = {
            **person,
            "date_of_birth": day(person["dob"]),
            "keyworker_id": course.worker,
            "status": status,
            "recovery_start": day(recovery_start),
            "children_under_16": children,
            "safe_storage_discussed": day(storage),
            "family_involvement": involvement,
            "injecting_status": p.injecting,
            "next_review_due": day(next_due),
            "last_strategic_review": day(strategic[-1].date) if strategic else None,
            "last_ost_decision": strategic[-1].decision if strategic else "",
            "episode_start": day(latest.start) if latest.end is None else None,
            "ost_continuous_start": day(latest.ost_start) if current else None,
            "current_medicine": current[0] if current else "",
            "current_dose_mg": current[1] if current else None,
            "last_barc10_total": barc_total,
            "last_naloxone": day(naloxone),
            "last_hcv_test": day(hcv),
            "hbv_course_completed": day(hbv),
            "injecting_recorded": day(injecting),
            "next_checkup_due": day(checkup),
            "checkups_planned": 8 if latest.end is not None and latest.reason in SUCCESS else 0,
            "next_linkage_followup": day(followup),
            "agreed_plan_substance_goal": day(plan_goal),
            "is_demo": True,
        }
        self.out["patient"].append(tuple(row[name] for name in PATIENT_COLUMNS))

    def _course(self) -> Course:
        r, pick = self.r, self.pick
        methadone = r() < 0.65
        return Course(
            worker=pick(self.team.workers),
            medicine=METHADONE if methadone else BUPRENORPHINE,
            high_dose=methadone and r() < 0.12,
            sedative=pick(("diazepam", "pregabalin", "diazepam, pregabalin")) if r() < 0.08 else "",
            pharmacy=pick(data.PHARMACIES),
            overdue=r() < 0.11,
            drift=r() < 0.1,
            missed_checkup=r() < 0.15,
        )

    def _episodes(self, status: str, adult: int) -> list[Ep]:
        r, ri, T = self.r, self.ri, self.T
        reason = ""
        if status == Status.IN_TREATMENT:  # days since the start: new, recent, long-term
            days = self.choose(
                (0.02, (0, 25)), (0.23, (26, 540)), (0.4, (541, 1300)), (0, (1301, 2200))
            )
            start, end = max(T - ri(*days), adult), None
        else:
            if status == Status.POST_EXIT_CHECKUPS:
                end, reason = T - ri(10, 700), self.pick(("80", "80", "80", "80", "82", "82", "81"))
            elif status == Status.DECEASED:
                end, reason = T - ri(5, 1800), "89"
            elif r() < 0.25:  # completed, and the two years of check-ups too
                end, reason = add_months(T, -24) - ri(10, 900), "80"
            else:
                end, reason = T - ri(30, 2500), self.pick(UNSUCCESSFUL_OR_NEUTRAL)
            start = min(max(end - ri(180, 2200), adult), end - 30)
        eps = [Ep(0, start, end, reason, r() < (0.8 if end is None else 0.85))]
        if status == Status.IN_TREATMENT and r() < 0.2:
            prior_end = start - ri(90, 900)
            prior_start = prior_end - ri(90, 700)
            if prior_start >= adult:
                prior = Ep(
                    0, prior_start, prior_end, self.pick(("85", "85", "86", "83", "87")), r() < 0.8
                )
                eps.insert(0, prior)
        for ep in eps:
            ep.id = self.next_id("episode")
        if len(eps) == 2:
            eps[0].max_rows, eps[1].max_rows = 2, 3
        return eps

    # --- episode timeline: OST and reviews -------------------------------------------

    def _timeline(self, ep: Ep, c: Course, status: str) -> None:
        r, ri, T = self.r, self.ri, self.T
        if ep.ost:
            self._ost(ep, c)
        limit = T if ep.end is None else ep.end - 1
        dates: list[int] = []
        if ep.start + 3 <= limit:
            dates.append(min(ep.start + ri(3, 24), limit))
            while True:  # held in the weeks before the due date, sometimes a little late
                later = add_months(dates[-1], 6) - ri(0, 28) + (ri(1, 21) if r() < 0.15 else 0)
                if later > limit:
                    break
                dates.append(later)
            if ep.end is None and c.overdue:
                cut = T - ri(1, 120)
                while len(dates) > 1 and add_months(dates[-1], 6) >= cut:
                    dates.pop()
        for i, when in enumerate(dates):
            if i and r() < 0.03:  # an interim review does not move the schedule
                due = add_months(dates[i - 1], 6)
                mid = (dates[i - 1] + when) // 2
                ep.visits.append(Visit(INTERIM, mid, ep.id, ep.start, c.worker, due))
            ep.visits.append(self._review(ep, c, i, len(dates), when))
        if ep.end is not None and ep.reason in SUCCESS:
            ep.visits.append(Visit(EXIT, ep.end, ep.id, ep.start, c.worker))
            for k in range(1, 9):  # check-ups every 3 months from the exit date
                when = add_months(ep.end, 3 * k)
                following = add_months(ep.end, 3 * k + 3) if k < 8 else None
                missed = c.missed_checkup and status == Status.POST_EXIT_CHECKUPS
                if when > T or (missed and following is not None and following > T):
                    ep.next_checkup = when
                    break
                ep.visits.append(Visit(CHECKUP, when, ep.id, ep.start, c.worker, following))

    def _ost(self, ep: Ep, c: Course) -> None:
        ri, T = self.ri, self.T
        start = min(ep.start + ri(0, 10), T if ep.end is None else ep.end - 1)
        end = None
        if ep.end is not None:
            end = max(start + 1, ep.end - ri(0, 45) if ep.reason in SUCCESS else ep.end)
        ep.ost_start, ep.ost_end = start, end
        medicine = c.medicine
        if medicine == METHADONE:  # titration, then the maintenance dose
            first, keep = 5 * ri(4, 8), 5 * ri(21, 24) if c.high_dose else 5 * ri(10, 20)
        else:
            first, keep = 2 * ri(2, 4), 2 * ri(4, 9)
        ep.rx.append([medicine, float(first), "daily", "supervised", start, None])
        step = start + ri(10, 28)
        if step <= T and (end is None or step < end):
            ep.rx[0][5] = step
            ep.rx.append([medicine, float(keep), "daily", "supervised", step, None])

    def _review(self, ep: Ep, c: Course, i: int, count: int, when: int) -> Visit:
        T = self.T
        clinicians = self.team.clinicians
        held = self.pick(clinicians) if i and self.r() < 0.55 else c.worker
        visit = Visit(START if i == 0 else STRATEGIC, when, ep.id, ep.start, held)
        visit.next_date = add_months(when, 6)
        on_ost = ep.ost and ep.ost_start <= when and (ep.ost_end is None or when < ep.ost_end)
        if i == 0:
            visit.decision = "start" if ep.ost else "not_on_ost"
            if ep.ost:
                visit.new_dose, visit.new_from = ep.rx[0][1], ep.rx[0][4]
        elif not on_ost:
            visit.decision = "not_on_ost"
        elif c.drift and ep.end is None and i == count - 1 and ep.ost_start <= T - 730:
            visit.decision, visit.held_by = "pending", c.worker  # awaiting a clinician
            return visit
        else:
            self._decide(ep, visit, tapering=ep.reason in SUCCESS and i >= count - 2)
        if visit.held_by in clinicians:
            visit.decided_by, visit.decided_at = visit.held_by, self.stamp(when)
        else:  # a recovery worker held it; a clinician recorded the decision later
            visit.decided_by = self.pick(clinicians)
            visit.decided_at = self.stamp(min(when + self.ri(1, 6), T))
        return visit

    def _decide(self, ep: Ep, visit: Visit, *, tapering: bool) -> None:
        r, T = self.r, self.T
        current = ep.rx[-1]
        medicine, dose, interval = current[0], current[1], current[2]
        start = visit.date + self.ri(0, 7)
        can = len(ep.rx) < ep.max_rows and current[4] < start <= T
        can = can and (ep.ost_end is None or start < ep.ost_end)
        decision, new = "continue_maintenance", None
        if can and tapering:
            decision, new = "detoxify", _step(medicine, interval, dose, up=False)
        elif can and medicine == BUPRENORPHINE and visit.date >= PR_LICENSED and r() < 0.06:
            medicine, interval = BUP_PR, "weekly" if r() < 0.6 else "monthly"
            decision, new = "switch", PR_LEVELS[interval][1]
        elif can:
            u = r()
            if u < 0.09:
                decision, new = "reduce", _step(medicine, interval, dose, up=False)
            elif u < 0.15:
                decision, new = "increase", _step(medicine, interval, dose, up=True)
        if new is None:
            visit.decision = "continue_maintenance"
            visit.rationale = self.pick(data.CONTINUE_RATIONALE)
            return
        visit.rationale = data.RATIONALE[decision]
        visit.decision = "continue_maintenance" if decision == "switch" else decision
        visit.new_dose, visit.new_from = new, start
        current[5] = start
        ep.rx.append(
            [medicine, new, interval, self._dispensing(medicine, start - ep.ost_start), start, None]
        )

    def _dispensing(self, medicine: str, days_on: int) -> str:
        if medicine == BUP_PR:  # given by injection in clinic
            return ""
        if days_on < 90:
            return "supervised"
        if days_on < 365:
            return "supervised" if self.r() < 0.4 else "daily_pickup"
        return self.pick(("daily_pickup", "multi_day_pickup", "multi_day_pickup", "weekly"))

    # --- rows ----------------------------------------------------------------------------

    def _episode_rows(self, pid: int, ep: Ep, c: Course, p: Profile) -> None:
        r, ri, T = self.r, self.ri, self.T
        if ep.ost:
            parts = ["heroin"] + ["crack cocaine"] * bool(p.crack) + ["alcohol"] * bool(p.alcohol)
        else:
            parts = ["crack cocaine"] * bool(p.crack) + ["alcohol"] * bool(p.alcohol)
            parts = parts or ["cannabis"]
        if "diazepam" in c.sedative:
            parts.append("benzodiazepines")
        day = self.day_or_none
        self.out["episode"].append((
            ep.id, pid, day(ep.start), self.pick(data.REFERRALS), ", ".join(parts), day(ep.end),
            ep.reason,
        ))  # fmt: skip
        if ep.rx and ep.ost_end is not None:
            ep.rx[-1][5] = ep.ost_end
        rows = self.out["prescription"]
        for medicine, dose, interval, dispensing, start, end in ep.rx:
            missed, ecg, qtc = 0, None, None
            if end is None:
                u = r()
                missed = ri(3, 6) if u < 0.03 else ri(1, 2) if u < 0.1 else 0
                if medicine == METHADONE and dose > 100 and r() < 0.8:
                    ecg = T - ri(0, 330) if r() < 0.75 else T - ri(400, 900)
                    qtc = ri(400, 470)
            pickup, supervised = INSTALMENTS.get(dispensing, ("", ""))
            rows.append((
                self.next_id("prescription"), pid, medicine, dose, interval, dispensing,
                c.pharmacy, day(start), day(end), missed, day(ecg), qtc, c.sedative,
                default_product(medicine, interval) or SUBLINGUAL, pickup, supervised,
                data.PHARMACIES.index(c.pharmacy) + 1,
            ))  # fmt: skip


def _step(medicine: str, interval: str, dose: float, *, up: bool) -> float | None:
    """The next dose up or down, or None at the end of the range."""
    if medicine == BUP_PR:
        levels = PR_LEVELS[interval]
        i = levels.index(dose) + (1 if up else -1)
        return levels[i] if 0 <= i < len(levels) else None
    if medicine == METHADONE:
        new = dose + (10 if dose < 80 else 5) if up else dose - (10 if dose > 60 else 5)
        low, high = 20, 120
    else:
        new, low, high = dose + (2 if up else -2), 4, 24
    return float(new) if low <= new <= high else None
