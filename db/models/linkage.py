from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel


class Resource(SQLModel, table=True):
    """A local group or service in the practice's recovery directory."""

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24, index=True)
    name: str = Field(max_length=120)
    name_key: str = Field(max_length=120, index=True)
    where: str = Field(default="", max_length=200)
    when: str = Field(default="", max_length=120)
    contact: str = Field(default="", max_length=120)
    notes: str = Field(default="", max_length=500)
    active: bool = True
    version: int = 1


class Linkage(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    resource_id: int = Field(foreign_key="resource.id", index=True)
    linked_on: dt.date
    method: str = Field(max_length=24)
    follow_up_date: dt.date | None = None
    outcome: str = Field(default="", max_length=12)
    first_attended: dt.date | None = None
    linked_by: int | None = Field(default=None, foreign_key="staff.id")
    version: int = 1


class Pharmacy(SQLModel, table=True):
    """A community pharmacy in the practice's directory: the pharmacy letter's address."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=80)
    name_key: str = Field(max_length=80, index=True)
    address_line_1: str = Field(default="", max_length=80)
    address_line_2: str = Field(default="", max_length=80)
    town: str = Field(default="", max_length=60)
    postcode: str = Field(default="", max_length=8)
    phone: str = Field(default="", max_length=20)
    active: bool = True
    version: int = 1
