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
