from __future__ import annotations

from sqlmodel import Field, SQLModel


class Staff(SQLModel, table=True):
    """A member of staff, mapped from their operating-system login (SPEC §1)."""

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(max_length=64, unique=True)
    name: str = Field(max_length=120)
    # Comma-separated Role values, e.g. "clinician,admin".
    roles: str = Field(max_length=120)
    active: bool = True
    # Printed under a letter's signature: GP, Nurse prescriber … or the practice's words.
    title: str = Field(default="", max_length=60)
    version: int = 1
