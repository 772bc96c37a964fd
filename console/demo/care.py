"""The demo patient's care plan, health checks, linkage to resources and family: each
returns the dates the patient row caches, so the caches come from the rows written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from console.demo import data as data
from console.demo.measures import CURRENTLY, EVER_INJECTED, Measures
from console.rules.names import fold_key
from console.rules.vocab import Domain, LinkageMethod

SUBSTANCE = Domain.SUBSTANCE_USE.value
OTHER_DOMAINS = tuple(d.value for d in Domain if d is not Domain.SUBSTANCE_USE)
INFORMATION = LinkageMethod.INFORMATION_GIVEN.value
METHODS = (
    INFORMATION,
    *(m.value for m in LinkageMethod if m is not LinkageMethod.INFORMATION_GIVEN),
)
VACCINE = "Engerix B 20 micrograms IM, deltoid"
DOB_FIRST, DOB_LAST = dt.date(1955, 1, 1).toordinal(), dt.date(2002, 12, 31).toordinal()
HCV_TREATMENT = "8 weeks glecaprevir/pibrentasvir, completed"
# (review date, review id, held by) of the reviews a plan's goals are reviewed at.
ReviewRef = tuple[int, int, int | None]


@dataclass(slots=True)
class PlanGoal:
    key: int
    domain: str
    words: str
    actions: str
    target: int
    moves: list[tuple[int, str, int, int | None]]  # (date, new status, review id, by)

    @property
    def status(self) -> str:
        return self.moves[-1][1] if self.moves else "not_started"


class CareRecords(Measures):
    resources: list[tuple[int, str]]  # (id, kind) of the directory

    def person(self, pid: int, nhs: str) -> dict[str, Any]:
        """Name, date of birth (`dob`, an ordinal), address, contact and consent."""
        r, ri, pick = self.r, self.ri, self.pick
        sex = self.choose((0.69, "male"), (0.3, "female"), (0.005, "other"), (0, "unknown"))
        families, men, women = pick(data.ORIGINS)
        family = pick(families)
        given = pick(women if sex == "female" or (sex != "male" and r() < 0.5) else men)
        town, districts, areas = pick(data.PLACES)
        street = pick(data.STREETS)
        letters = data.POSTCODE_LETTERS
        u = r()
        phone = ""
        if u < 0.9:
            phone = f"07700 900{ri(0, 999):03d}" if u < 0.7 else f"0113 496 0{ri(0, 999):03d}"
        email = f"{fold_key(given)}.{fold_key(family)}{ri(1, 99)}@example.com" if r() < 0.5 else ""
        line_1 = f"{ri(1, 220)} {street}"
        if r() < 0.2:
            line_1 = f"Flat {ri(1, 24)}, {line_1}"
        preferred = pick(("phone", "phone", "text", "letter", "email" if email else "letter"))
        return {
            "id": pid,
            "nhs_number": nhs,
            "name": f"{given} {family}",
            "family_name": family,
            "given_name": given,
            "family_key": fold_key(family),
            "given_key": fold_key(given),
            "dob": (ri(DOB_FIRST, DOB_LAST) + ri(DOB_FIRST, DOB_LAST)) // 2,  # most 1970s–80s
            "sex": sex,
            "address_line_1": line_1,
            "address_line_2": pick(areas),
            "town": town,
            "postcode": f"{pick(districts)} {ri(1, 9)}{pick(letters)}{pick(letters)}",
            "phone": phone,
            "email": email,
            "preferred_contact": preferred,
            "consent_letters_home": r() < 0.9,
            "consent_family_contact": r() < 0.55,
            "consent_share_specialist": r() < 0.8,
        }

    def care_plan(
        self,
        pid: int,
        agreed_with: str,
        agreed: int | None,
        created: int,
        worker: int,
        reviews: list[ReviewRef],
    ) -> int | None:
        """Version 1 (agreed on `agreed`, or a draft when None), sometimes a version 2 draft.
        Goals' statuses move at the reviews after agreement, each move an event and a goal
        review; every goal is reviewed at the latest review. Returns the agreed date when
        the agreed plan has a live substance-use goal (the drift guard's cache)."""
        out = self.out
        later = [rv for rv in reviews if agreed is not None and rv[0] > agreed]
        goals = [self._goal(domain, agreed or created, later) for domain in self._domains()]
        plan_id = self.next_id("care_plan")
        out["care_plan"].append((
            plan_id, pid, 1, "agreed" if agreed else "draft", self.day_or_none(agreed),
            agreed_with if agreed else "", worker if agreed else None, worker, self.stamp(created),
        ))  # fmt: skip
        self._goal_rows(plan_id, goals)
        for goal in goals:
            reviewed = set()
            for when, status, rid, by in goal.moves:
                note = data.STATUS_NOTES[status]
                event = self.next_id("goal_status_event")
                at = self.stamp(when)
                out["goal_status_event"].append((event, pid, goal.key, status, note, at, by))
                out["goal_review"].append(
                    (self.next_id("goal_review"), rid, goal.key, status, note)
                )
                reviewed.add(rid)
            if later and later[-1][1] not in reviewed:  # reviewed, no change
                row = (self.next_id("goal_review"), later[-1][1], goal.key, goal.status, "")
                out["goal_review"].append(row)
        if agreed is None:
            return None
        if later and self.r() < 0.2:  # version 2 being drafted: the same goals and one more
            draft = self.next_id("care_plan")
            out["care_plan"].append(
                (draft, pid, 2, "draft", None, "", None, worker, self.stamp(later[-1][0]))
            )
            extra = self._goal(Domain.MUTUAL_AID.value, later[-1][0], [])
            self._goal_rows(draft, [*goals, extra])
        live = any(g.domain == SUBSTANCE and g.status != "dropped" for g in goals)
        return agreed if live else None

    def _domains(self) -> list[str]:
        count = self.ri(3, 6)
        domains = [SUBSTANCE] if self.r() < 0.95 else []
        return domains + self.rnd.sample(OTHER_DOMAINS, count - len(domains))

    def _goal(self, domain: str, start: int, later: list[ReviewRef]) -> PlanGoal:
        words, actions = self.pick(data.GOALS[domain])
        goal = PlanGoal(self.goal_key, domain, words, actions, start + self.ri(90, 365), [])
        self.goal_key += 1
        u = self.r()
        if later and u < 0.75:
            i = int(self.r() * len(later))
            when, rid, by = later[i]
            first = "dropped" if u < 0.08 and domain != SUBSTANCE else "in_progress"
            goal.moves.append((when, first, rid, by))
            if first == "in_progress" and u < 0.4 and i + 1 < len(later):
                when, rid, by = later[self.ri(i + 1, len(later) - 1)]
                goal.moves.append((when, "achieved", rid, by))
        return goal

    def _goal_rows(self, plan_id: int, goals: list[PlanGoal]) -> None:
        rows = self.out["goal"]
        for position, g in enumerate(goals):
            status = g.status
            reason = data.STATUS_NOTES["dropped"] if status == "dropped" else ""
            rows.append((
                self.next_id("goal"), plan_id, g.key, g.domain, position, g.words, g.actions,
                "patient and keyworker", self.day(g.target), status, reason,
            ))  # fmt: skip

    def health(
        self, pid: int, injecting: str, opioid: bool, start: int, limit: int, by: int
    ) -> tuple[int | None, int | None, int | None, int | None]:
        """Checks from `start` to `limit`; returns (last naloxone, last HCV test, hepatitis
        B course completed, currently-injecting recorded)."""
        r, ri = self.r, self.ri
        rows = self.out["health_check"]

        def add(kind: str, when: int, result: str, detail: str = "") -> None:
            rows.append(
                (self.next_id("health_check"), pid, kind, self.day(when), result, detail, by)
            )

        first = min(start + ri(0, 14), limit)
        add("injecting_status", first, injecting)
        recorded = first
        if injecting == CURRENTLY and limit - first > 365:  # asked again at a recent review
            recorded = limit - ri(0, 250)
            add("injecting_status", recorded, injecting)
        ever = injecting in EVER_INJECTED
        hbv = None
        if ever or r() < 0.4:
            u = r()
            when = start + ri(7, 90)
            if u < 0.12 and when <= limit:  # no course needed; not a completed course
                add("hep_b_status", when, "already_immunised")
            elif u < 0.25 and when <= limit:
                add("hep_b_status", when, "refused")
            else:
                gaps = (0, 7, 21) if r() < 0.6 else (0, 30, 180)  # ultra-rapid or standard
                for dose, gap in enumerate(gaps[: 3 if r() < 0.72 else ri(1, 2)], start=1):
                    if when + gap > limit:
                        break
                    add("hep_b_dose", when + gap, str(dose), VACCINE)
                    hbv = when + gap if dose == 3 else None
        hcv = None
        if ever or r() < 0.35:
            when, positive = start + ri(14, 90), False
            every = (250, 420) if injecting == CURRENTLY and r() < 0.75 else (400, 900)
            while when <= limit:
                if positive:
                    add("hcv_rna", when, "not_detected")
                elif r() < (0.3 if ever else 0.03):
                    add("hcv_antibody", when, "positive")
                    positive, rna = True, when + ri(14, 42)
                    if rna <= limit:
                        add("hcv_rna", rna, "detected")
                        when = rna
                        if rna + 120 <= limit:
                            add("hcv_treatment", rna + 120, "completed", HCV_TREATMENT)
                else:
                    add("hcv_antibody", when, "negative")
                hcv = when
                if not ever:
                    break
                when += ri(*every)
        if r() < 0.5 and start + 60 <= limit:
            add("hiv_test", start + ri(14, 60), "negative")
        naloxone = None
        if opioid and r() < 0.92:
            when = start + ri(0, 60)
            while when <= limit:
                kind = "nasal (Nyxoid)" if r() < 0.6 else "injection (Prenoxad)"
                add("naloxone", when, kind, "partner trained" if r() < 0.3 else "")
                naloxone = when
                when += ri(200, 520)
        if injecting == CURRENTLY:
            when = start + ri(30, 120)
            while when <= limit:
                finding = "no concerns" if r() < 0.9 else "superficial thrombophlebitis"
                add("site_check", when, finding)
                when += ri(150, 260)
        return naloxone, hcv, hbv, (recorded if injecting == CURRENTLY else None)

    def linkage(self, pid: int, start: int, limit: int, by: int, live: bool) -> int | None:
        """Links to resources in the current episode; returns the earliest follow-up still
        open (outcome '' or not_yet). A closed record (`live` False) has none open."""
        r, ri, T = self.r, self.ri, self.T
        rows = self.out["linkage"]
        due = None
        for _ in range(1 + (r() < 0.35) + (r() < 0.1)):
            resource, _kind = self.pick(self.resources)
            on = start + int(r() * (limit - start + 1))
            method = self.pick(METHODS)
            follow, attended = on + ri(14, 42), None
            if follow > T:
                outcome = "" if r() < 0.7 else "not_yet"
            else:
                u, likely = r(), 0.3 if method == INFORMATION else 0.6
                if u < likely:
                    outcome, attended = "attended", min(on + ri(2, 21), T)
                elif u < likely + 0.2 and follow > T - 120:  # chased again; older ones closed
                    outcome, follow = "not_yet", follow + ri(14, 42)
                else:
                    outcome = "declined" if u < likely + 0.32 else "stopped"
            if not live and outcome in ("", "not_yet"):
                outcome = "stopped"
            if outcome in ("", "not_yet"):
                due = follow if due is None else min(due, follow)
            rows.append((
                self.next_id("linkage"), pid, resource, self.day(on), method, self.day(follow),
                outcome, self.day_or_none(attended), by,
            ))  # fmt: skip
        return due

    def family(self, pid: int, family_name: str, consent: bool) -> None:
        r, rows = self.r, self.out["family_member"]
        for _ in range(1 + (r() < 0.3)):
            relationship = self.pick(data.RELATIONSHIPS)
            woman = relationship in data.WOMEN or (relationship in data.EITHER and r() < 0.5)
            given = self.pick(data.FEMALE if woman else data.MALE)
            surname = family_name if r() < 0.7 else self.pick(data.FAMILY)
            rows.append((
                self.next_id("family_member"), pid, f"{given} {surname}", relationship,
                f"07700 900{self.ri(0, 999):03d}", consent and r() < 0.85, r() < 0.6,
            ))  # fmt: skip
