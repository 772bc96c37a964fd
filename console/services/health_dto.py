"""Family, supporters and health checks as the screens receive and send them: frozen
dataclasses only (STYLE P14)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console.services.opening import Opening


@dataclass(frozen=True)
class SupporterInput:
    name: str
    relationship: str
    contact: str = ""
    consent_involvement: bool = False
    support_offered: bool = False


@dataclass(frozen=True)
class SupporterRow:
    id: int
    name: str
    relationship: str
    contact: str
    consent_involvement: bool
    support_offered: bool
    version: int


@dataclass(frozen=True)
class FamilyView:
    patient_id: int
    members: tuple[SupporterRow, ...]
    involvement: str  # "" | "none_to_involve" | "declines"
    can_edit: bool
    opening: Opening  # reloads pass it back: one audit event per opening


@dataclass(frozen=True)
class HealthInput:
    kind: str
    check_date: dt.date | None
    result: str
    detail: str = ""
    family_trained: bool = False  # naloxone only


@dataclass(frozen=True)
class HealthRow:
    id: int
    kind: str
    date: dt.date
    result: str
    detail: str
    recorded_by: str
    version: int


@dataclass(frozen=True)
class HealthView:
    patient_id: int
    events: tuple[HealthRow, ...]  # newest first
    injecting_status: str
    injecting_recorded: dt.date | None
    last_naloxone: dt.date | None
    last_hcv_test: dt.date | None
    hbv_course_completed: dt.date | None
    can_edit: bool
    opening: Opening
