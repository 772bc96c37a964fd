"""Frozen dataclasses the screens and the CLI receive: never ORM rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

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


@dataclass(frozen=True)
class PrescriptionInput:
    """A prescription change as the form submits it: the new dose row (SPEC §2)."""

    medicine: str
    dose_mg: float
    interval: str = "daily"
    dispensing: str = ""
    pharmacy: str = ""
    start_date: dt.date | None = None  # None: today
    # The product's form and strength (console.rules.products), or typed for "other";
    # the instalment days and which are supervised (day codes "mon" … "sun"); the
    # directory's pharmacy (its name replaces `pharmacy`).
    product: str = ""
    product_text: str = ""
    pickup_days: tuple[str, ...] = ()
    supervised_days: tuple[str, ...] = ()
    pharmacy_id: int | None = None


@dataclass(frozen=True)
class EpisodeChange:
    """What starting or ending an episode left behind, for the screen to report."""

    patient_id: int
    status: str
    episode_start: dt.date | None
    next_review_due: dt.date | None
    next_checkup_due: dt.date | None
    prescription_stopped: bool = False
    offer_exit_review: bool = False  # the episode just ended has no exit review yet


@dataclass(frozen=True)
class SafetyInput:
    """The current prescription's safety details as the form submits them (SPEC §2, §4).

    Text as typed: the service checks each field and names the one that is wrong.
    """

    missed_doses_in_row: str = "0"
    ecg_date: str = ""  # dd/mm/yyyy, or empty when no ECG is recorded
    qtc_ms: str = ""
    sedatives: tuple[str, ...] = ()  # names from SEDATIVES, and any other typed


@dataclass(frozen=True)
class PrescriptionSafety:
    """What is recorded on the current prescription row now."""

    medicine: str
    dose_mg: float
    missed_doses_in_row: int
    ecg_date: dt.date | None
    qtc_ms: int | None
    sedatives: tuple[str, ...]
    version: int  # pass back to record_safety so a newer save is not overwritten


class PrescriptionOutcome(StrEnum):
    """What ending an episode does to an open prescription."""

    NONE = "none"  # no open prescription
    STOPS = "stops"  # ended on the end date, in the same transaction
    LEAVES = "leaves"  # left open: a clinician must stop or transfer it
    REFUSED = "refused"  # a completion while prescribed, recorded by a non-prescriber


@dataclass(frozen=True)
class EndOutcome:
    """Said on the end screen before it asks: `prescription` reads "Methadone 75 mg daily"."""

    outcome: PrescriptionOutcome
    prescription: str
    words: str = ""  # the sentence the end screen shows before it asks


@dataclass(frozen=True)
class DeathChange:
    """What recording (or correcting) a death did, for the screen to say."""

    patient_id: int
    status: str
    date_of_death: dt.date | None
    episode_closed: bool = False
    prescription_stopped: bool = False
    episode_reopened: bool = False
