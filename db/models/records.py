"""A patient's episodes, prescriptions, family and health checks: loaded after start-up's
first frame (db.models), with the other tables the first page of patients does not use."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

EPISODE_OPEN = sa.text("end_date IS NULL")


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
    from db.models.patient import ON_OST, Patient

    for model, name, where in (
        (Episode, "uq_episode_open", EPISODE_OPEN),
        (Patient, "ix_patient_ost_status_review", sa.text(ON_OST)),
    ):
        table = model.__table__  # type: ignore[attr-defined]
        (index,) = (i for i in table.indexes if i.name == name)
        index.dialect_options["postgresql"]["where"] = where
