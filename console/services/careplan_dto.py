"""Frozen dataclasses for the care plan editor (never ORM rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class GoalInput:
    """What the goal form submits, as typed."""

    domain: str
    words: str
    actions: str = ""
    owner: str = ""
    target_date: str = ""


@dataclass(frozen=True)
class AgreeInput:
    agreed_on: str
    agreed_with: str
    comment: str = ""


@dataclass(frozen=True)
class StatusInput:
    status: str
    note: str = ""


@dataclass(frozen=True)
class GoalView:
    goal_key: int
    domain: str
    position: int
    words: str
    actions: str
    owner: str
    target_date: dt.date | None
    status: str
    drop_reason: str


@dataclass(frozen=True)
class VersionInfo:
    plan_id: int
    version_no: int
    status: str
    created_at: str  # display text in the practice's time zone
    created_by: str
    agreed_on: dt.date | None
    agreed_with: str
    agreed_by: str
    patient_comment: str
    goal_count: int


@dataclass(frozen=True)
class PromptView:
    domain: str
    text: str


@dataclass(frozen=True)
class PlanView:
    """The plan as the editor shows it: the latest version, with the token a save needs."""

    patient_id: int
    patient_name: str
    plan_id: int | None  # None: no plan yet
    row_version: int  # 0 when there is no plan yet
    version_no: int
    status: str
    goals: tuple[GoalView, ...]
    versions: tuple[VersionInfo, ...]
    agreed: VersionInfo | None  # the latest agreed version
    prompts: tuple[PromptView, ...]
    can_edit: bool


@dataclass(frozen=True)
class CompareRow:
    goal_key: int
    domain: str
    words_a: str
    words_b: str
    status_a: str
    status_b: str
    change: str  # added, dropped, changed, same


@dataclass(frozen=True)
class Comparison:
    a: VersionInfo
    b: VersionInfo
    rows: tuple[CompareRow, ...]
