from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Search keys compare byte-wise on both backends, so a prefix is an index range.
KEY_TYPE = sa.String(60).with_variant(sa.String(60, collation="C"), "postgresql")
# Everyone with a medicine on the row, in force or from a dose change: the worklist's
# drift guard walks these alone, not the discharged and deceased before them (issue 19).
# The query names the same text, so SQLite can prove it may use the partial index.
ON_OST = "current_medicine != '' OR pending_medicine != ''"


class Patient(SQLModel, table=True):
    __table_args__ = (
        sa.Index("ix_patient_family_key", "family_key", "given_key"),
        sa.Index("ix_patient_given_family", "given_key", "family_key"),
        sa.Index("ix_patient_status_next_review", "status", "next_review_due"),
        # Migration 0020; PostgreSQL's copy of the condition: db.models.records.postgresql_options.
        sa.Index(
            "ix_patient_ost_status_review",
            "status",
            "next_review_due",
            sqlite_where=sa.text(ON_OST),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    nhs_number: str = Field(
        sa_type=sa.String(10).with_variant(sa.String(10, collation="C"), "postgresql"),
        unique=True,
    )
    family_name: str = Field(max_length=60)
    given_name: str = Field(max_length=60)
    # Lower-cased, accent-folded names: queried with plain LIKE 'prefix%' on an index.
    family_key: str = Field(sa_type=KEY_TYPE)
    given_key: str = Field(sa_type=KEY_TYPE)
    date_of_birth: dt.date = Field(index=True)
    sex: str = Field(default="unknown", max_length=10)
    address_line_1: str = Field(default="", max_length=80)
    address_line_2: str = Field(default="", max_length=80)
    town: str = Field(default="", max_length=60)
    postcode: str = Field(default="", max_length=8)
    phone: str = Field(default="", max_length=20)
    email: str = Field(default="", max_length=120)
    preferred_contact: str = Field(default="", max_length=20)
    consent_letters_home: bool = False
    consent_family_contact: bool = False
    consent_share_specialist: bool = False
    keyworker_id: int | None = Field(default=None, foreign_key="staff.id", index=True)
    status: str = Field(default="in_treatment", max_length=20)
    # Indexed (migration 0014): the worklist lists recovery milestones coming up.
    recovery_start: dt.date | None = Field(default=None, index=True)
    children_under_16: int = 0
    safe_storage_discussed: dt.date | None = None
    # "none_to_involve" or "declines" when no family record is the considered answer.
    family_involvement: str = Field(default="", max_length=20)
    # The day that answer was given (migration 0018; NULL: given before it was kept).
    family_involvement_on: dt.date | None = None
    injecting_status: str = Field(default="", max_length=12)
    # Set by recording a death (migration 0006); the status it replaced, for a correction.
    date_of_death: dt.date | None = None
    status_before_death: str = Field(default="", max_length=20)

    # Row caches (SPEC §2), kept right by the transaction that changes their source.
    next_review_due: dt.date | None = Field(default=None, index=True)
    next_review_reason: str = Field(default="", max_length=200)
    last_strategic_review: dt.date | None = None
    last_ost_decision: str = Field(default="", max_length=24)
    episode_start: dt.date | None = None
    ost_continuous_start: dt.date | None = None
    current_medicine: str = Field(default="", max_length=40)
    current_dose_mg: float | None = None
    last_barc10_total: int | None = None
    last_naloxone: dt.date | None = None
    last_hcv_test: dt.date | None = None
    hbv_course_completed: dt.date | None = None
    injecting_recorded: dt.date | None = None
    next_checkup_due: dt.date | None = Field(default=None, index=True)
    # Post-exit check-ups planned from the last successful exit: 8, plus 4 per renewal.
    checkups_planned: int = 0
    next_linkage_followup: dt.date | None = Field(default=None, index=True)
    agreed_plan_substance_goal: dt.date | None = None
    # Alert caches (migration 0008): every alert letter decided from this row alone.
    agreed_plan_on: dt.date | None = None
    hbv_not_needed: dt.date | None = None
    unsuccessful_exit: dt.date | None = None
    ecg_date: dt.date | None = None
    missed_doses_in_row: int = 0
    sedatives: str = Field(default="", max_length=200)
    barc10_previous: int | None = None
    top_opioid_use: dt.date | None = None
    top_shared: dt.date | None = None
    last_unexpected_test: dt.date | None = None
    # A prescription change dated in the future takes effect on this date with no write.
    dose_change_on: dt.date | None = None
    pending_medicine: str = Field(default="", max_length=40)
    pending_dose_mg: float | None = None
    pending_ost_start: dt.date | None = None
    # The open episode's start TOP against its latest (migration 0015; indicators).
    top_change_on: dt.date | None = None
    top_opioids_change: str = Field(default="", max_length=10)
    top_injecting_change: str = Field(default="", max_length=10)
    barc10_change: int | None = None
    # Practice indicator caches (migration 0016): every indicator a test of this row.
    barc10_on: dt.date | None = None
    mutual_aid_on: dt.date | None = None
    family_considered: bool = False
    hbv_immune: dt.date | None = None
    # Successful completion's days (migration 0017; console.rules.completion).
    completion_days: str = Field(default="", sa_type=sa.Text)

    is_demo: bool = False
    version: int = 1
