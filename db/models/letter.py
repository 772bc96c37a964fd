from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class LetterTemplate(SQLModel, table=True):
    __tablename__ = "letter_template"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40, unique=True)
    title: str = Field(max_length=120)
    body: str
    to_home_address: bool = True
    updated_by: int | None = Field(default=None, foreign_key="staff.id")
    version: int = 1


class LetterTemplateVersion(SQLModel, table=True):
    """Each saved wording of a template (and each return to the shipped wording)."""

    __tablename__ = "letter_template_version"
    __table_args__ = (sa.UniqueConstraint("key", "version", name="uq_letter_template_version"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=40)
    version: int
    body: str
    shipped: bool = False  # the shipped wording put back
    saved_by: int | None = Field(default=None, foreign_key="staff.id")
    saved_at: str = Field(max_length=40)  # UTC ISO; "" for a wording saved before history


class Letter(SQLModel, table=True):
    """Every letter produced: the PDF is kept, so a reprint is the same letter."""

    id: int | None = Field(default=None, primary_key=True)
    patient_id: int = Field(foreign_key="patient.id", index=True)
    template_key: str = Field(max_length=40)
    produced_by: int | None = Field(default=None, foreign_key="staff.id")
    produced_at: str = Field(max_length=40)
    printed_at: str = Field(default="", max_length=40)
    path: str = Field(default="", max_length=500)
    sha256: str = Field(max_length=64)
    page: int = 1
