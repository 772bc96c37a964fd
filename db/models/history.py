from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class IndicatorHistoryStep(SQLModel, table=True):
    """How one count of the indicator history (console.rules.history) changes on a day,
    per keyworker as in `indicator_tally`: the count on a day is the sum of its changes
    up to it. Kept by the cache refresh."""

    __tablename__ = "indicator_history_step"
    __table_args__ = (
        sa.Index("ix_indicator_history_step_days", "keyworker_id", "day", "name", "n"),
    )

    keyworker_id: int = Field(primary_key=True)
    name: str = Field(primary_key=True, max_length=40)
    day: dt.date = Field(primary_key=True)
    n: int = 0


class IndicatorHistoryPatient(SQLModel, table=True):
    """What one patient's history adds to `indicator_history_step` (its tally keys,
    packed), and a digest of the records it came from: a write that changed none of them
    moves nothing."""

    __tablename__ = "indicator_history_patient"

    patient_id: int = Field(primary_key=True)
    keyworker_id: int = 0
    digest: str = Field(default="", max_length=64)
    spans: bytes = Field(default=b"", sa_column=sa.Column(sa.LargeBinary(), nullable=False))
