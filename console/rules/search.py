"""What staff type in the search box, read as a name, an NHS number or a date of birth."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pendulum

from console.rules.names import fold_key


@dataclass(frozen=True)
class SearchTerms:
    family_prefix: str = ""
    given_prefix: str = ""
    either_prefix: str = ""
    nhs_prefix: str = ""
    date_of_birth: pendulum.Date | None = None
    # Eight digits that are also a date (01011980): a date of birth OR an NHS prefix.
    nhs_or_dob: bool = False


def parse(text: str) -> SearchTerms:
    value = text.strip()
    if not value:
        return SearchTerms()
    dob = _date(value)
    if dob is not None:
        return SearchTerms(date_of_birth=dob)
    if re.fullmatch(r"[0-9]{8}", value):
        eight = _date(f"{value[:2]}/{value[2:4]}/{value[4:]}")
        if eight is not None:
            return SearchTerms(nhs_prefix=value, date_of_birth=eight, nhs_or_dob=True)
    if re.fullmatch(r"[0-9][0-9 \-]*", value):
        return SearchTerms(nhs_prefix=re.sub(r"[ \-]", "", value))
    if "," in value:
        family, _, given = value.partition(",")
        return SearchTerms(family_prefix=fold_key(family), given_prefix=fold_key(given))
    words = value.split()
    if len(words) == 1:
        return SearchTerms(either_prefix=fold_key(words[0]))
    # "smith jo": family then given; names with spaces are searched with a comma.
    return SearchTerms(family_prefix=fold_key(words[0]), given_prefix=fold_key(" ".join(words[1:])))


def searched_as(terms: SearchTerms) -> str:
    """What an ambiguous search looks for, in staff words: eight digits that are also a
    date are searched both ways, and the list says so."""
    if not terms.nhs_or_dob or terms.date_of_birth is None:
        return ""
    digits = terms.nhs_prefix
    spaced = " ".join(p for p in (digits[:3], digits[3:6], digits[6:]) if p)
    return (
        f"dates of birth {terms.date_of_birth.format('DD/MM/YYYY')}"
        f" and NHS numbers starting {spaced}"
    )


def _date(value: str) -> pendulum.Date | None:
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            year, month, day = (int(p) for p in value.split("-"))
            return pendulum.date(year, month, day)
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            day, month, year = (int(p) for p in value.split("/"))
            return pendulum.date(year, month, day)
    except ValueError:
        return None
    return None


DUE_CHOICES = {"": "any review date", "soon": "review due ≤ 28 days", "overdue": "review overdue"}
DUE_SOON_DAYS = 28


@dataclass(frozen=True)
class ListFilter:
    """The patient list's filters and order, chosen on screen; each combines with the text.

    `keyworker_id` None means any keyworker; `keyworker_name` is how it reads ("mine" for
    the signed-in member of staff).
    """

    status: str = ""  # a PatientStatus value, or "" for every status
    status_label: str = ""
    keyworker_id: int | None = None
    keyworker_name: str = ""
    due: str = ""  # "", "soon" or "overdue"
    flagged: bool = False
    by_review: bool = False

    @property
    def narrowed(self) -> bool:
        return bool(self.status or self.keyworker_id is not None or self.due or self.flagged)

    def words(self) -> str:
        """ "In treatment · keyworker: mine · review overdue · flagged", or "All patients"."""
        parts = []
        if self.status:
            parts.append(self.status_label or self.status.replace("_", " ").capitalize())
        if self.keyworker_id is not None:
            parts.append(f"keyworker: {self.keyworker_name}")
        if self.due:
            parts.append(DUE_CHOICES[self.due])
        if self.flagged:
            parts.append("flagged")
        text = " · ".join(parts) if parts else "All patients"
        return text[0].upper() + text[1:]

    def order_words(self) -> str:
        return (
            "sorted by next review, soonest first (s)" if self.by_review else "sorted by name (s)"
        )
