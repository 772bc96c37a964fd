"""Set-up shared by the review service tests: a patient in treatment with a plan, the
clinician who set them up, and a complete review."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from console.rules import top
from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput
from console.services.dto import PatientInput, PrescriptionInput
from console.services.review_dto import GoalReviewInput, ReviewInput

TODAY = dt.date(2026, 11, 23)


def keyworker(services: Services) -> Services:
    """A clinician who sets patients up (starts episodes, prescribes, agrees plans)."""
    if "setup-gp" not in {m.login for m in services.staff_admin.list()}:
        services.staff_admin.add("setup-gp", "Setup Gp", ["clinician"])
    gp = Services(services.engine, login="setup-gp", clock=services.clock)
    gp.identify()
    return gp


def reviewed_patient(services: Services, nhs: str = "943 476 5919") -> int:
    """In treatment since January 2022, on 40 mg methadone since the 10th, and a plan with
    a substance-use and a housing goal (both not started) agreed on 1 June 2026."""
    record = services.patients.register(PatientInput(nhs, "Quarrington", "Leah", "12/03/1980"))
    gp = keyworker(services)
    gp.episodes.start(record.id, dt.date(2022, 1, 3))
    gp.episodes.change_prescription(
        record.id,
        PrescriptionInput(
            "methadone_oral", 40, dispensing="supervised", start_date=dt.date(2022, 1, 10)
        ),
    )
    view = gp.careplans.open(record.id)
    for n, domain in enumerate(("substance_use", "housing"), start=1):
        view = gp.careplans.add_goal(
            record.id, view.plan_id, view.row_version, GoalInput(domain, f"goal {n}", owner="Leah")
        )
    gp.careplans.agree(record.id, view.plan_id, view.row_version, AgreeInput("01/06/2026", "Leah"))
    return record.id


def top_values(**days: int) -> dict[str, int | float | bool | None]:
    """A complete TOP: every item answered, days as 28-day totals in week 1 (others 0)."""
    values: dict[str, int | float | bool | None] = {}
    for item in top.ITEMS:
        if item.kind is top.ItemKind.DAYS:
            values.update({f"{item.key}_w{w}": 0 for w in range(1, 5)})
            if item.key in days:
                values[f"{item.key}_w1"] = days[item.key]
        elif item.kind is top.ItemKind.YES_NO:
            values[item.key] = False
        else:
            values[item.key] = 12
    return values


def complete(**changes: object) -> ReviewInput:
    data = ReviewInput(
        top=top_values(),
        barc10=(4,) * 10,
        goals={1: GoalReviewInput("in_progress", "cutting down"), 2: GoalReviewInput("achieved")},
        ost_decision="continue_maintenance",
        ost_rationale="stable, wants to stay on this dose",
        next_review_date=dt.date(2027, 5, 23),
    )
    return replace(data, **changes)  # type: ignore[arg-type]
