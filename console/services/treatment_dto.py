"""Frozen dataclasses of treatment changes (prescriptions, episodes, deaths): what their
forms submit and their services say back. Apart from `dto` so that start-up, which
shows none of them, does not build their classes (issue 19); `dto` still names them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


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
