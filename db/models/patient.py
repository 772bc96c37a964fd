from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Search keys compare byte-wise on both backends, so a prefix is an index range.
KEY_TYPE = sa.String(60).with_variant(sa.String(60, collation="C"), "postgresql")


EPISODE_OPEN = sa.text("end_date IS NULL")


class Patient(SQLModel, table=True):
    __table_args__ = (
        sa.Index("ix_patient_family_key", "family_key", "given_key"),
        sa.Index("ix_patient_given_family", "given_key", "family_key"),
        sa.Index("ix_patient_status_next_review", "status", "next_review_due"),
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


class Episode(SQLModel, table=True):
    __table_args__ = (
        # At most one open episode per patient, enforced by the database too.
        # The same partial index on PostgreSQL: `postgresql_options` adds it there.
        sa.Index("uq_episode_open", "patient_id", unique=True, sqlite_where=EPISODE_OPEN),
        # Indicators as at a past date (migration 0018): lookups read the index alone.
        sa.Index("ix_episode_asat", "patient_id", "start_date", "end_date", "exit_reason"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    start_date: dt.date
    referral_source: str = Field(default="", max_length=60)
    problem_substances: str = Field(default="", max_length=200)
    end_date: dt.date | None = None
    exit_reason: str = Field(default="", max_length=4)
    version: int = 1


class Prescription(SQLModel, table=True):
    """One row per dose: a change is a new row, so history and time on OST are exact."""

    __table_args__ = (sa.Index("ix_prescription_asat", "patient_id", "start_date", "end_date"),)

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    medicine: str = Field(max_length=40)
    dose_mg: float
    interval: str = Field(default="daily", max_length=10)
    dispensing: str = Field(default="", max_length=20)
    pharmacy: str = Field(default="", max_length=120)
    start_date: dt.date
    end_date: dt.date | None = None
    missed_doses_in_row: int = 0
    ecg_date: dt.date | None = None
    qtc_ms: int | None = None
    # Comma-separated co-prescribed sedatives (benzodiazepines, gabapentinoids).
    sedatives: str = Field(default="", max_length=200)
    # The product's form and strength (console.rules.products), or typed for "other"
    # (migration 0014); the instalment days as "mon,wed,fri" and which are supervised;
    # the pharmacy from the directory, whose address the pharmacy letter prints.
    product: str = Field(default="", max_length=40)
    product_text: str = Field(default="", max_length=120)
    pickup_days: str = Field(default="", max_length=30)
    supervised_days: str = Field(default="", max_length=30)
    pharmacy_id: int | None = Field(default=None, foreign_key="pharmacy.id", index=True)
    version: int = 1


class FamilyMember(SQLModel, table=True):
    __tablename__ = "family_member"

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    name: str = Field(max_length=120)
    relationship: str = Field(max_length=60)
    contact: str = Field(default="", max_length=120)
    consent_involvement: bool = False
    support_offered: bool = False
    # The day the record was added (migration 0018; NULL: added before it was kept).
    added_on: dt.date | None = None
    version: int = 1


class HealthCheck(SQLModel, table=True):
    """One dated health event: a hepatitis B dose, an HCV test, a naloxone supply …"""

    __tablename__ = "health_check"
    __table_args__ = (
        sa.Index("ix_health_check_patient_kind", "patient_id", "kind", "check_date"),
        sa.Index("ix_health_check_asat", "patient_id", "kind", "check_date", "result"),
    )

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id")
    kind: str = Field(max_length=20)
    check_date: dt.date
    result: str = Field(default="", max_length=40)
    detail: str = Field(default="", max_length=200)
    recorded_by: int | None = Field(default=None, foreign_key="staff.id")
    version: int = 1


def postgresql_options() -> None:
    """The PostgreSQL-only index options, set when an engine for PostgreSQL is made: naming
    a dialect's option loads that dialect, which cost every SQLite start-up ~27 ms."""
    table = Episode.__table__  # type: ignore[attr-defined]
    (index,) = (i for i in table.indexes if i.name == "uq_episode_open")
    index.dialect_options["postgresql"]["where"] = EPISODE_OPEN
