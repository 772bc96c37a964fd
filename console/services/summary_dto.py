"""The patient summary as the screen receives it: frozen dataclasses only."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console.rules.alerts import Alert
from console.services.dto import PatientRecord


@dataclass(frozen=True)
class Dose:
    medicine: str
    dose_mg: float
    interval: str
    dispensing: str
    pharmacy: str
    start: dt.date
    end: dt.date | None
    product: str = ""  # form and strength (console.rules.products), "other": typed
    product_text: str = ""
    pickup_days: tuple[str, ...] = ()
    supervised_days: tuple[str, ...] = ()
    pharmacy_id: int | None = None


@dataclass(frozen=True)
class ReviewPoint:
    id: int
    kind: str
    date: dt.date
    held_by: str
    ost_decision: str
    barc10_total: int | None
    opiates_days: int | None
    alcohol_days: int | None
    psych_health: int | None
    physical_health: int | None
    quality_of_life: int | None
    status: str = "finalised"  # or "draft" (the history lists drafts too)

    @property
    def draft(self) -> bool:
        return self.status != "finalised"


@dataclass(frozen=True)
class Link:
    resource: str
    kind: str
    method: str
    linked_on: dt.date
    follow_up: dt.date | None
    outcome: str
    first_attended: dt.date | None


@dataclass(frozen=True)
class Supporter:
    name: str
    relationship: str
    contact: str
    consent: bool
    support_offered: bool


@dataclass(frozen=True)
class HealthEvent:
    kind: str
    date: dt.date
    result: str
    detail: str


@dataclass(frozen=True)
class LetterSent:
    template: str
    produced_at: str
    printed_at: str


@dataclass(frozen=True)
class Episode:
    start: dt.date
    end: dt.date | None
    referral_source: str
    problem_substances: str
    exit_reason: str


@dataclass(frozen=True)
class PatientSummary:
    record: PatientRecord
    keyworker: str
    episode: Episode | None  # the open one
    past_episodes: tuple[Episode, ...]
    doses: tuple[Dose, ...]  # oldest first; the last open one is current
    ost_since: dt.date | None  # start of the current continuous run
    alerts: tuple[Alert, ...]
    reviews: tuple[ReviewPoint, ...]  # finalised, oldest first, addenda applied (trends)
    links: tuple[Link, ...]
    family: tuple[Supporter, ...]
    health: tuple[HealthEvent, ...]
    letters: tuple[LetterSent, ...]
    # Every review, drafts too, newest first (the review history).
    history: tuple[ReviewPoint, ...] = ()
    # Post-exit check-ups: the next one's due date, how many are finalised since the last
    # exit, and how many are planned (8, plus 4 per renewal).
    next_checkup_due: dt.date | None = None
    checkups_done: int = 0
    checkups_planned: int = 0

    @property
    def current_dose(self) -> Dose | None:
        return self.doses[-1] if self.doses and self.doses[-1].end is None else None
