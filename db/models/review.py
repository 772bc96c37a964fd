from __future__ import annotations

import datetime as dt
import types
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from console.rules import top
from console.rules.vocab import DRUG_PANEL


class Review(SQLModel, table=True):
    __table_args__ = (
        sa.Index("ix_review_patient_date", "patient_id", "review_date"),
        # Indicators as at a past date (migration 0018): lookups read the index alone.
        sa.Index(
            "ix_review_patient_asat",
            "patient_id",
            "review_date",
            "finalised_at",
            "id",
            "status",
            "kind",
            "episode_id",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    episode_id: int | None = Field(default=None, foreign_key="episode.id")
    kind: str = Field(max_length=20)
    review_date: dt.date
    held_by: int | None = Field(default=None, foreign_key="staff.id")
    status: str = Field(default="draft", max_length=10)
    finalised_at: str = Field(default="", max_length=40)
    ost_decision: str = Field(default="", max_length=24)
    ost_rationale: str = Field(default="", max_length=1000)
    ost_decided_by: int | None = Field(default=None, foreign_key="staff.id")
    ost_decided_at: str = Field(default="", max_length=40)
    new_dose_mg: float | None = None
    new_dose_from: dt.date | None = None
    # A start decision's prescription, kept on the draft until finalising writes it.
    new_medicine: str = Field(default="", max_length=30)
    new_interval: str = Field(default="", max_length=10)
    new_dispensing: str = Field(default="", max_length=20)
    next_review_date: dt.date | None = None
    next_review_reason: str = Field(default="", max_length=200)
    barc10_declined: bool = False
    # Post-exit check-up: the three need-for-treatment questions (None = not asked).
    need_weekly_use: bool | None = None
    need_problems: bool | None = None
    need_help_now: bool | None = None
    # A post-exit check-up with a "yes": "accepted" (a new episode opened) or "declined".
    reentry: str = Field(default="", max_length=10)
    # A draft's values kept as typed because they could not be stored as values (out of
    # range, unparsed, a later next date without its reason): JSON, key → text.
    draft_texts: str = Field(default="", sa_type=sa.Text, sa_column_kwargs={"server_default": ""})
    version: int = 1


def _top_namespace(ns: dict[str, Any]) -> None:
    annotations: dict[str, Any] = {
        "id": int | None,
        "review_id": int,
        "other_substance_name": str,
        "not_answered": str,
    }
    ns["id"] = Field(default=None, primary_key=True)
    ns["review_id"] = Field(foreign_key="review.id", unique=True)
    ns["other_substance_name"] = Field(default="", max_length=60)
    # Draft only: item keys marked NA, comma-separated (finalised: NULL = not answered).
    ns["not_answered"] = Field(default="", max_length=400)
    for item in top.ITEMS:
        for col in top.column_names(item):
            if item.kind is top.ItemKind.YES_NO:
                annotations[col] = bool | None
            elif col.endswith("_amount"):
                annotations[col] = float | None
            else:
                annotations[col] = int | None
            ns[col] = Field(default=None)
    ns["__annotations__"] = annotations
    ns["__tablename__"] = "top_score"
    # Indicators as at a past date (migration 0018): the TOP lookups read the index alone.
    ns["__table_args__"] = (
        sa.Index("ix_top_score_asat", "review_id", "opiates_days", "injected_days"),
    )
    ns["__doc__"] = "One TOP per review; a column per answer, NULL meaning not answered."


# Columns come from the item list in console.rules.top, so form, rules and storage agree.
TopScore = types.new_class("TopScore", (SQLModel,), {"table": True}, _top_namespace)


def _drug_namespace(ns: dict[str, Any]) -> None:
    annotations: dict[str, Any] = {
        "id": int | None,
        "review_id": int,
        "specimen": str,
        "test_date": dt.date,
    }
    ns["id"] = Field(default=None, primary_key=True)
    ns["review_id"] = Field(foreign_key="review.id", unique=True)
    ns["specimen"] = Field(max_length=12)
    ns["test_date"] = Field()
    for substance in DRUG_PANEL:
        annotations[substance] = str
        ns[substance] = Field(default="not_tested", max_length=12)
    ns["__annotations__"] = annotations
    ns["__tablename__"] = "drug_test"


DrugTest = types.new_class("DrugTest", (SQLModel,), {"table": True}, _drug_namespace)


class Corroboration(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    source: str = Field(max_length=24)
    said: str = Field(max_length=500)


class Barc10(SQLModel, table=True):
    """BARC-10 answers 1–6 (NULL = not answered); total only when all ten are answered."""

    __table_args__ = (sa.Index("ix_barc10_asat", "review_id", "total"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", unique=True)
    q1: int | None = None
    q2: int | None = None
    q3: int | None = None
    q4: int | None = None
    q5: int | None = None
    q6: int | None = None
    q7: int | None = None
    q8: int | None = None
    q9: int | None = None
    q10: int | None = None
    total: int | None = None


class GoalReview(SQLModel, table=True):
    __tablename__ = "goal_review"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    goal_key: int
    new_status: str = Field(max_length=12)
    note: str = Field(default="", max_length=300)


class ReviewAddendum(SQLModel, table=True):
    """A correction to a finalised review; the original stays visible."""

    __tablename__ = "review_addendum"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="review.id", index=True)
    at: str = Field(max_length=40)
    by_staff: int | None = Field(default=None, foreign_key="staff.id")
    field: str = Field(max_length=60)
    old_value: str = Field(default="", max_length=200)
    new_value: str = Field(default="", max_length=200)
    reason: str = Field(max_length=500)
