from __future__ import annotations

from sqlmodel import Field, SQLModel


class PracticeSettings(SQLModel, table=True):
    """The one practice this database serves (one row, id 1)."""

    __tablename__ = "practice_settings"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(default="", max_length=120)
    address: str = Field(default="", max_length=300)
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=120)
    ods_code: str = Field(default="", max_length=10)
    signature: str = Field(default="", max_length=300)
    timezone: str = Field(default="Europe/London", max_length=60)
    barc10_fall_threshold: int = 6
    # Letters offer other formats (Accessible Information Standard) in this sentence.
    accessibility: str = Field(default="", max_length=300)
    idle_minutes: int = 10  # the idle lock; a user's own config may only shorten it
    is_demo: bool = False
    version: int = 1
