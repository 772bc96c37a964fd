from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class CarePlan(SQLModel, table=True):
    """One version of a patient's recovery care plan; agreed versions are frozen."""

    __tablename__ = "care_plan"
    __table_args__ = (sa.UniqueConstraint("patient_id", "version_no"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    version_no: int
    status: str = Field(default="draft", max_length=10)
    agreed_on: dt.date | None = None
    agreed_with: str = Field(default="", max_length=120)
    agreed_by: int | None = Field(default=None, foreign_key="staff.id")
    patient_comment: str = Field(default="", max_length=500)
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: str = Field(default="", max_length=40)
    version: int = 1


class Goal(SQLModel, table=True):
    """A goal as it stands in one plan version; `goal_key` follows it across versions."""

    id: int | None = Field(default=None, primary_key=True)
    care_plan_id: int = Field(foreign_key="care_plan.id", index=True)
    goal_key: int = Field(index=True)
    domain: str = Field(max_length=40)
    position: int = 0
    words: str = Field(max_length=300)
    actions: str = Field(default="", max_length=500)
    owner: str = Field(default="", max_length=120)
    target_date: dt.date | None = None
    status: str = Field(default="not_started", max_length=12)
    drop_reason: str = Field(default="", max_length=200)
    version: int = 1


class GoalStatusEvent(SQLModel, table=True):
    """A goal's status moves without a new plan version: each move is dated here."""

    __tablename__ = "goal_status_event"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    goal_key: int = Field(index=True)
    status: str = Field(max_length=12)
    note: str = Field(default="", max_length=300)
    at: str = Field(max_length=40)
    by_staff: int | None = Field(default=None, foreign_key="staff.id")
