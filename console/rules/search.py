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


def parse(text: str) -> SearchTerms:
    value = text.strip()
    if not value:
        return SearchTerms()
    dob = _date(value)
    if dob is not None:
        return SearchTerms(date_of_birth=dob)
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
