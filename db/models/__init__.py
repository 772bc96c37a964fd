"""Every table, imported here so that SQLModel.metadata is complete (Alembic, tests)."""

from sqlalchemy import Table
from sqlmodel import SQLModel

# Constraint names Alembic's batch mode can find on SQLite.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

from db.models.audit import AuditEvent, AuditHead, AuditPatient  # noqa: E402
from db.models.careplan import CarePlan, Goal, GoalStatusEvent  # noqa: E402
from db.models.letter import Letter, LetterTemplate, LetterTemplateVersion, PracticeSettings  # noqa: E402
from db.models.linkage import Linkage, Pharmacy, Resource  # noqa: E402
from db.models.patient import (  # noqa: E402
    Episode,
    FamilyMember,
    HealthCheck,
    Patient,
    Prescription,
)
from db.models.review import (  # noqa: E402
    Barc10,
    Corroboration,
    DrugTest,
    GoalReview,
    Review,
    ReviewAddendum,
    TopScore,
)
from db.models.staff import Staff  # noqa: E402
from db.models.tally import IndicatorTally, IndicatorTallyFloor  # noqa: E402

__all__ = [
    "AuditEvent",
    "AuditHead",
    "AuditPatient",
    "Barc10",
    "CarePlan",
    "Corroboration",
    "DrugTest",
    "Episode",
    "FamilyMember",
    "Goal",
    "GoalReview",
    "GoalStatusEvent",
    "HealthCheck",
    "IndicatorTally",
    "IndicatorTallyFloor",
    "Letter",
    "LetterTemplate",
    "LetterTemplateVersion",
    "Linkage",
    "Patient",
    "Pharmacy",
    "PracticeSettings",
    "Prescription",
    "Resource",
    "Review",
    "ReviewAddendum",
    "Staff",
    "TopScore",
]


def table_of(model: type[SQLModel]) -> Table:
    """The Core table behind a model, for bulk inserts and column-level selects."""
    return model.__table__  # type: ignore[attr-defined, no-any-return]
