"""Recovery care plans: versions, goals, status events, agreement and comparison.

A version is a draft until agreed with the patient; an agreed version is never edited —
the first edit after agreement starts the next draft with the same goals (same
goal_key). A goal's status moves without a new version: each move is a dated
GoalStatusEvent, and a comparison derives the status as it stood at each agreement.
Every write checks the latest version's row `version` (optimistic concurrency).
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from sqlmodel import Session

from console.rules import careplan as rules
from console.rules.vocab import GoalStatus, PlanStatus
from console.services import caches
from console.services import careplan_read as read
from console.services.base import Tx
from console.services.careplan_dto import (
    AgreeInput,
    Comparison,
    GoalInput,
    PlanView,
    StatusInput,
)
from console.services.errors import Invalid, NotFound
from console.services.opening import opens
from console.services.roles import Action, allowed
from console.services.validated import validated
from db.models import CarePlan, Goal, GoalStatusEvent, Patient
from db.queries import careplans as q

if TYPE_CHECKING:
    from console.services import Services

WHAT = "care plan"


@validated
class CarePlanService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # -- reading --------------------------------------------------------------------
    @opens("careplan")
    def open(self, patient_id: int) -> PlanView:
        """Open the plan: viewing clinical detail is audited (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            view = self._view(tx.session, patient_id)
            tx.audit(
                "careplan.open", entity="care_plan", entity_id=view.plan_id, patient_id=patient_id
            )
            return view

    @opens("careplan.compare")
    def compare(self, patient_id: int, version_a: int, version_b: int) -> Comparison:
        """Two versions side by side: the comparison screen calls it once as it opens, and
        the opening is audited with the versions compared (SPEC §2)."""
        with self._s.uow.write(self._s.staff, Action.VIEW_CLINICAL) as tx:
            found = read.comparison(tx.session, patient_id, version_a, version_b, self._s.clock.tz)
            self._s.openings.open(
                tx, patient_id, "careplan.compare", detail={"a": version_a, "b": version_b}
            )
            return found

    # -- goals ----------------------------------------------------------------------
    def add_goal(
        self, patient_id: int, plan_id: int | None, version: int, data: GoalInput
    ) -> PlanView:
        clean = self._check_goal(data, new=True)
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            plan = self._draft(tx, patient_id, plan_id, version)
            same = [
                g
                for g in q.goals(session=tx.session, plan_id=plan.id or 0)
                if g.domain == clean["domain"]
            ]
            goal = Goal(
                care_plan_id=plan.id or 0,
                goal_key=q.next_goal_key(session=tx.session),
                position=max((g.position for g in same), default=-1) + 1,
                **clean,  # type: ignore[arg-type]
            )
            tx.session.add(goal)
            tx.session.flush()
            self._audit(tx, "careplan.goal.add", plan, patient_id, goal.goal_key)
            return self._view(tx.session, patient_id)

    def edit_goal(
        self, patient_id: int, plan_id: int | None, version: int, goal_key: int, data: GoalInput
    ) -> PlanView:
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            self._latest(tx, patient_id, plan_id, version, bump=False)
            old = self._goal_in(tx, self._latest_plan(tx, patient_id), goal_key)
            # An unchanged old target may lie in the past; a new date may not.
            clean = self._check_goal(
                data, new=rules.parse_date(data.target_date) != old.target_date
            )
            plan = self._draft(tx, patient_id, plan_id, version)
            goal = self._goal_in(tx, plan, goal_key)
            changed = sorted(k for k, v in clean.items() if getattr(goal, k) != v)
            if "domain" in changed:
                same = [
                    g
                    for g in q.goals(session=tx.session, plan_id=plan.id or 0)
                    if g.domain == clean["domain"]
                ]
                goal.position = max((g.position for g in same), default=-1) + 1
            for key, value in clean.items():
                setattr(goal, key, value)
            goal.version += 1
            self._audit(tx, "careplan.goal.edit", plan, patient_id, goal_key, fields=changed)
            return self._view(tx.session, patient_id)

    def move_goal(
        self, patient_id: int, plan_id: int | None, version: int, goal_key: int, step: int
    ) -> PlanView:
        """Move a goal up (-1) or down (+1) within its domain."""
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            plan = self._draft(tx, patient_id, plan_id, version)
            goal = self._goal_in(tx, plan, goal_key)
            same = [
                g
                for g in q.goals(session=tx.session, plan_id=plan.id or 0)
                if g.domain == goal.domain
            ]
            i = next(n for n, g in enumerate(same) if g.goal_key == goal_key)
            j = max(0, min(len(same) - 1, i + step))
            same.insert(j, same.pop(i))
            for position, g in enumerate(same):
                g.position = position
            self._audit(tx, "careplan.goal.move", plan, patient_id, goal_key, step=step)
            return self._view(tx.session, patient_id)

    def set_status(
        self, patient_id: int, plan_id: int | None, version: int, goal_key: int, data: StatusInput
    ) -> PlanView:
        """A dated status event; no new version, even on an agreed plan."""
        errors: dict[str, str] = {}
        try:
            status = GoalStatus(data.status)
        except ValueError:
            errors["status"] = "choose a status"
            status = GoalStatus.NOT_STARTED
        note = " ".join(data.note.split())
        if status is GoalStatus.DROPPED and not note:
            errors["note"] = "a reason is required to drop a goal"
        if len(note) > rules.NOTE_LIMIT:
            errors["note"] = f"at most {rules.NOTE_LIMIT} characters"
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            plan = self._latest(tx, patient_id, plan_id, version)
            goal = self._goal_in(tx, plan, goal_key)
            if goal.status == status:
                raise Invalid({"status": f"the goal is already {rules.STATUS_LABEL[status]}"})
            for row in q.goals_by_key(session=tx.session, patient_id=patient_id, goal_key=goal_key):
                row.status = status.value
                row.drop_reason = note[: rules.REASON_LIMIT] if status is GoalStatus.DROPPED else ""
            tx.session.add(
                GoalStatusEvent(
                    patient_id=patient_id,
                    goal_key=goal_key,
                    status=status.value,
                    note=note,
                    at=_utc(tx),
                    by_staff=tx.staff.id,
                )
            )
            tx.session.flush()
            caches.refresh_patient(tx, patient_id)
            self._audit(tx, "careplan.goal.status", plan, patient_id, goal_key, status=status.value)
            return self._view(tx.session, patient_id)

    def drop_goal(
        self, patient_id: int, plan_id: int | None, version: int, goal_key: int, reason: str
    ) -> PlanView:
        if not reason.strip():
            raise Invalid({"reason": "a reason is required to drop a goal"})
        return self.set_status(
            patient_id, plan_id, version, goal_key, StatusInput(GoalStatus.DROPPED.value, reason)
        )

    # -- agreement ------------------------------------------------------------------
    def agree(
        self, patient_id: int, plan_id: int | None, version: int, data: AgreeInput
    ) -> PlanView:
        today = self._s.clock.today()
        errors: dict[str, str] = {}
        clean: dict[str, object] = {}
        checks = {
            "agreed_on": lambda v: rules.agreed_on(v, today=today),
            "agreed_with": lambda v: rules.text_field(
                v, label="who agreed", limit=rules.AGREED_WITH_LIMIT, required=True
            ),
            "comment": lambda v: rules.text_field(
                v, label="comment", limit=rules.COMMENT_LIMIT, required=False
            ),
        }
        for key, check in checks.items():
            try:
                clean[key] = check(getattr(data, key))
            except rules.FieldError as exc:
                errors[key] = str(exc)
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.EDIT_CARE) as tx:
            plan = self._latest(tx, patient_id, plan_id, version)
            if plan.status != PlanStatus.DRAFT:
                raise Invalid({"plan": "this version is already agreed"})
            goals = q.goals(session=tx.session, plan_id=plan.id or 0)
            if not any(g.status != GoalStatus.DROPPED for g in goals):
                raise Invalid({"plan": "a plan needs at least one goal before it is agreed"})
            plan.status = PlanStatus.AGREED.value
            plan.agreed_on = clean["agreed_on"]  # type: ignore[assignment]
            plan.agreed_with = str(clean["agreed_with"])
            plan.patient_comment = str(clean["comment"])
            plan.agreed_by = tx.staff.id
            tx.session.flush()
            caches.refresh_patient(tx, patient_id)
            tx.audit(
                "careplan.agree",
                entity="care_plan",
                entity_id=plan.id,
                patient_id=patient_id,
                detail={"version_no": plan.version_no},
            )
            return self._view(tx.session, patient_id)

    # -- internals ------------------------------------------------------------------
    def _latest_plan(self, tx: Tx, patient_id: int) -> CarePlan | None:
        return q.latest_plan(session=tx.session, patient_id=patient_id)

    def _latest(
        self, tx: Tx, patient_id: int, plan_id: int | None, version: int, *, bump: bool = True
    ) -> CarePlan:
        """The latest version, refusing (Stale) if it is not the one the form was opened on."""
        if tx.session.get(Patient, patient_id) is None:
            raise NotFound("no such patient")
        latest = q.latest_plan(session=tx.session, patient_id=patient_id, lock=True)
        if latest is None:
            raise NotFound("this patient has no care plan yet")
        if latest.id != plan_id:
            tx.check_version(latest, -1, WHAT, self._s.clock.tz)  # always refuses
        if bump or latest.version != version:
            tx.check_version(latest, version, WHAT, self._s.clock.tz)
        return latest

    def _draft(self, tx: Tx, patient_id: int, plan_id: int | None, version: int) -> CarePlan:
        """The draft to edit: the latest if it is one, else a new version from it."""
        if plan_id is None:
            if tx.session.get(Patient, patient_id) is None:
                raise NotFound("no such patient")
            latest = q.latest_plan(session=tx.session, patient_id=patient_id, lock=True)
            if latest is not None:  # someone started a plan since this one was opened
                tx.check_version(latest, -1, WHAT, self._s.clock.tz)
        else:
            latest = self._latest(tx, patient_id, plan_id, version)
            if latest.status == PlanStatus.DRAFT:
                return latest
        draft = CarePlan(
            patient_id=patient_id,
            version_no=(latest.version_no + 1) if latest else 1,
            created_by=tx.staff.id,
            created_at=_utc(tx),
        )
        tx.session.add(draft)
        tx.session.flush()
        if latest is not None:  # the agreed version stays as it was; its goals are copied
            for g in q.goals(session=tx.session, plan_id=latest.id or 0):
                data = g.model_dump(exclude={"id", "care_plan_id", "version"})
                tx.session.add(Goal(care_plan_id=draft.id or 0, **data))
            tx.session.flush()
        tx.audit(
            "careplan.new_version",
            entity="care_plan",
            entity_id=draft.id,
            patient_id=patient_id,
            detail={"version_no": draft.version_no},
        )
        return draft

    @staticmethod
    def _goal_in(tx: Tx, plan: CarePlan | None, goal_key: int) -> Goal:
        if plan is not None:
            for g in q.goals(session=tx.session, plan_id=plan.id or 0):
                if g.goal_key == goal_key:
                    return g
        raise NotFound("no such goal in this plan")

    @staticmethod
    def _audit(
        tx: Tx, action: str, plan: CarePlan, patient_id: int, goal_key: int, **detail: object
    ) -> None:
        tx.audit(
            action,
            entity="care_plan",
            entity_id=plan.id,
            patient_id=patient_id,
            detail={"goal_key": goal_key, **detail},
        )

    def _check_goal(self, data: GoalInput, *, new: bool) -> dict[str, object]:
        clean, errors = rules.goal_fields(asdict(data), today=self._s.clock.today(), new=new)
        if errors:
            raise Invalid(errors)
        clean["domain"] = str(clean["domain"])
        return clean

    def _view(self, session: Session, patient_id: int) -> PlanView:
        can_edit = allowed(self._s.staff.roles, Action.EDIT_CARE)
        return read.plan_view(session, patient_id, tz=self._s.clock.tz, can_edit=can_edit)


def _utc(tx: Tx) -> str:
    return tx.at.in_timezone("UTC").isoformat()
