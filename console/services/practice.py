"""Practice settings (the one practice this database serves)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session

from console.services.dto import Practice
from console.services.errors import Invalid
from console.services.roles import Action
from db.models import PracticeSettings

if TYPE_CHECKING:
    from console.services import Services


def _practice(row: PracticeSettings | None) -> Practice:
    row = row or PracticeSettings(id=1)
    return Practice(
        name=row.name,
        address=row.address,
        phone=row.phone,
        email=row.email,
        ods_code=row.ods_code,
        timezone=row.timezone,
        barc10_fall_threshold=row.barc10_fall_threshold,
        is_demo=row.is_demo,
        version=row.version,
    )


class PracticeService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def get(self) -> Practice:
        """Everyone sees the practice name in the header, so this needs no role."""
        with Session(self._s.engine) as session:
            return _practice(session.get(PracticeSettings, 1))

    def is_set_up(self) -> bool:
        """False on a new database until demo data is loaded or the practice is named."""
        with Session(self._s.engine) as session:
            return session.get(PracticeSettings, 1) is not None

    def set_up(self, name: str) -> Practice:
        """First run, starting empty: record the practice's name (admin)."""
        name = " ".join(name.split())
        if not name or len(name) > 120:
            raise Invalid({"name": "practice name is required (at most 120 characters)"})
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.get(PracticeSettings, 1) or PracticeSettings(id=1)
            row.name = name
            tx.session.add(row)
            tx.audit("practice.set_up", entity="practice_settings", entity_id=1)
            return _practice(row)

    def update_name(self, name: str) -> Practice:
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.get(PracticeSettings, 1) or PracticeSettings(id=1)
            row.name = name.strip()
            row.version += 1
            tx.session.add(row)
            tx.audit(
                "practice.update",
                entity="practice_settings",
                entity_id=1,
                detail={"fields": ["name"]},
            )
            return _practice(row)
