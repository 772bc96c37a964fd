from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class IndicatorTally(SQLModel, table=True):
    """How many patients count in one of today's indicator counts on the days lo..hi
    (console.rules.tallies), per keyworker (0: none; -1: the whole practice); kept by the
    cache refresh."""

    __tablename__ = "indicator_tally"
    __table_args__ = (sa.Index("ix_indicator_tally_days", "keyworker_id", "hi", "lo", "name", "n"),)

    keyworker_id: int = Field(primary_key=True)
    name: str = Field(primary_key=True, max_length=40)
    lo: dt.date = Field(primary_key=True)
    hi: dt.date = Field(primary_key=True)
    n: int = 0


class IndicatorTallyFloor(SQLModel, table=True):
    """The first day the tallies hold counts for (console.rules.tallies.floor_for): one
    row, moved by a rebuild."""

    __tablename__ = "indicator_tally_floor"

    day: dt.date = Field(primary_key=True)


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
