"""Frozen dataclasses the screens and the CLI receive: never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from console.rules.vocab import Role

PageKey = tuple[object, ...]


@dataclass(frozen=True)
class StaffMember:
    id: int
    login: str
    name: str
    roles: frozenset[Role]
    active: bool = True
    title: str = ""  # professional title, printed under a letter's signature
    version: int = 1

    @property
    def roles_text(self) -> str:
        return ", ".join(sorted(r.value for r in self.roles))


@dataclass(frozen=True)
class StaffListing:
    """A line of the administration's staff list."""

    member: StaffMember
    last_active: str  # "2 Dec 2026 09:14" in the practice's zone, or "" if never


@dataclass(frozen=True)
class PracticeInput:
    """The practice details form, as typed (the service checks every field)."""

    name: str
    address: str
    phone: str
    email: str
    ods_code: str
    signature: str
    accessibility: str
    barc10_fall_threshold: str
    idle_minutes: str
    timezone: str


@dataclass(frozen=True)
class Practice:
    name: str
    address: str
    phone: str
    email: str
    ods_code: str
    timezone: str
    barc10_fall_threshold: int
    is_demo: bool
    version: int
    signature: str = ""
    accessibility: str = ""
    idle_minutes: int = 10


@dataclass(frozen=True)
class PatientRow:
    """One line of the patient list. Clinical fields are None for reception."""

    id: int
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: dt.date
    status: str
    next_review_due: dt.date | None
    medicine: str | None = None
    dose_mg: float | None = None
    episode_start: dt.date | None = None
    last_review: dt.date | None = None
    flags: str = ""
    # Where the next page continues from (opaque to screens: pass it back as `after`).
    sort_key: PageKey = field(default=(), compare=False)
    keyworker: str = ""  # the keyworker's name, "" when none is registered


@dataclass(frozen=True)
class Keyworker:
    """A member of staff the list can be filtered by."""

    id: int
    name: str


@dataclass(frozen=True)
class PatientPage:
    rows: tuple[PatientRow, ...]
    query: str
    more: bool


@dataclass(frozen=True)
class PatientInput:
    """What a registration or demographics form submits (text as typed)."""

    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: str
    sex: str = "unknown"
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    consent_letters_home: bool = False
    recovery_start: str = ""
    preferred_contact: str = ""  # one of vocab.CONTACT_METHODS, or "" for no preference
    consent_family_contact: bool = False
    consent_share_specialist: bool = False
    keyworker_id: int | None = None
    # Household (clinician or recovery worker): None leaves what is stored unchanged.
    children_under_16: str | None = None
    safe_storage_discussed: str | None = None  # DD/MM/YYYY, or "" for not discussed


@dataclass(frozen=True)
class PatientRecord:
    """Demographics as stored, with the row version a later save must present."""

    id: int
    nhs_number: str
    family_name: str
    given_name: str
    date_of_birth: dt.date
    sex: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone: str
    email: str
    consent_letters_home: bool
    status: str
    recovery_start: dt.date | None
    next_review_due: dt.date | None
    version: int
    preferred_contact: str = ""
    consent_family_contact: bool = False
    consent_share_specialist: bool = False
    keyworker_id: int | None = None
    children_under_16: int = 0
    safe_storage_discussed: dt.date | None = None
    date_of_death: dt.date | None = None


# Built on first use (console/services/treatment_dto.py): start-up needs none of them.
TREATMENT = (
    "PrescriptionInput",
    "EpisodeChange",
    "SafetyInput",
    "PrescriptionSafety",
    "PrescriptionOutcome",
    "EndOutcome",
    "DeathChange",
)

if TYPE_CHECKING:  # what type checkers see under these names
    from console.services.treatment_dto import (  # noqa: F401
        DeathChange,
        EndOutcome,
        EpisodeChange,
        PrescriptionInput,
        PrescriptionOutcome,
        PrescriptionSafety,
        SafetyInput,
    )


def __getattr__(name: str) -> object:
    if name in TREATMENT:
        from console.services import treatment_dto

        return getattr(treatment_dto, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
