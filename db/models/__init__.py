"""Every table. The first page's load with the package; the rest on first use, or with
`load_all` where the whole SQLModel.metadata is needed (Alembic, tests)."""

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

# The tables the first page of patients, the practice's settings and every write's
# audit need, loaded with the package. Closed under foreign keys (a patient names a
# keyworker), so SQLAlchemy can resolve every key of what is loaded.
from db.models.patient import Patient  # noqa: E402
from db.models.practice import PracticeSettings  # noqa: E402
from db.models.staff import Staff  # noqa: E402

# The rest load on first use of any of their names, all together (so every foreign key
# among them resolves), and start-up does not pay for them before the first frame
# (issue 19); `load_all` loads them where the whole SQLModel.metadata is needed.
_DEFERRED = {
    # the audit chain and the kept tallies: written by the first write, not read to show
    # the first page (their classes cost ~15 ms of start-up)
    "db.models.audit": ("AuditEvent", "AuditHead", "AuditPatient"),
    "db.models.tally": ("IndicatorTally", "IndicatorTallyFloor"),
    "db.models.careplan": ("CarePlan", "Goal", "GoalStatusEvent"),
    "db.models.history": ("IndicatorHistoryPatient", "IndicatorHistoryStep"),
    "db.models.letter": ("Letter", "LetterTemplate", "LetterTemplateVersion"),
    "db.models.linkage": ("Linkage", "Pharmacy", "Resource"),
    "db.models.records": ("Episode", "FamilyMember", "HealthCheck", "Prescription"),
    "db.models.review": (
        "Barc10",
        "Corroboration",
        "DrugTest",
        "GoalReview",
        "Review",
        "ReviewAddendum",
        "TopScore",
    ),
}
_DEFERRED_NAMES = frozenset(n for names in _DEFERRED.values() for n in names)


def load_all() -> None:
    """Every table in SQLModel.metadata (Alembic, the mappers' warm-up, tests)."""
    import importlib

    for module in _DEFERRED:
        loaded = importlib.import_module(module)
        for name in _DEFERRED[module]:
            globals()[name] = getattr(loaded, name)


def __getattr__(name: str) -> object:
    if name in _DEFERRED_NAMES:
        load_all()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    "IndicatorHistoryPatient",
    "IndicatorHistoryStep",
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
