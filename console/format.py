"""Display strings for the screens: pure functions over dates and text, no Textual.

Every relative date is worded so that it reads right without colour ("overdue 12 days").
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import pendulum

from console.rules import nhs_number
from console.rules.vocab import MEDICINE_LABEL, Medicine, PatientStatus

DUE_SOON_DAYS = 28  # SPEC §4: "due soon" = within 28 days

STATUS_LABEL = {
    PatientStatus.IN_TREATMENT: "In treatment",
    PatientStatus.POST_EXIT_CHECKUPS: "Post-exit check-ups",
    PatientStatus.DISCHARGED: "Discharged",
    PatientStatus.DECEASED: "Deceased",
}


def _date(value: dt.date) -> pendulum.Date:
    return pendulum.date(value.year, value.month, value.day)


def nhs(text: str) -> str:
    """`9434765919` → `943 476 5919`; anything that is not ten digits is shown as stored."""
    return nhs_number.display(text) if len(text) == 10 and text.isdigit() else text


def age(dob: dt.date, today: dt.date) -> int:
    """Whole years; someone born on 29 February turns a year older on 1 March."""
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def date_text(value: dt.date | None) -> str:
    """`12 Mar 1980`, or an em dash when there is no date."""
    return "—" if value is None else _date(value).format("D MMM YYYY")


def dob_text(dob: dt.date, today: dt.date) -> str:
    """`12 Mar 1980 (46)`."""
    return f"{date_text(dob)} ({age(dob, today)})"


def _plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


@lru_cache(maxsize=2048)  # a list's frame asks it for every row, of a few hundred dates
def due_text(due: dt.date | None, today: dt.date) -> str:
    """ "overdue 12 days", "due today", "tomorrow", "in 5 days", "in 3 weeks", "in 4 months".

    An em dash when no review is scheduled.
    """
    if due is None:
        return "—"
    days = (due - today).days
    if days == 0:
        return "due today"
    months = abs(_date(today).diff(_date(due)).in_months())
    if days < 0:
        # Overdue counts in days for two months: the exact lateness matters clinically.
        if -days < 63:
            return f"overdue {_plural(-days, 'day')}"
        if months < 24:
            return f"overdue {_plural(months, 'month')}"
        return f"overdue {_plural(months // 12, 'year')}"
    if days == 1:
        return "tomorrow"
    if days < 14:
        return f"in {days} days"
    if days < 63:
        return f"in {days // 7} weeks"
    if months < 24:
        return f"in {_plural(max(months, 2), 'month')}"
    return f"in {_plural(months // 12, 'year')}"


def due_class(due: dt.date | None, today: dt.date) -> str:
    """ "overdue", "soon" (within 28 days, today included), "later" or "none"."""
    if due is None:
        return "none"
    days = (due - today).days
    if days < 0:
        return "overdue"
    return "soon" if days <= DUE_SOON_DAYS else "later"


def dose_text(dose_mg: float | None) -> str:
    if dose_mg is None:
        return ""
    return f"{dose_mg:g} mg"


def ost_text(medicine: str | None, dose_mg: float | None) -> str:
    """ "Methadone 40 mg"; "—" when not on OST; "" when the viewer may not see it (None)."""
    if medicine is None:
        return ""
    if not medicine:
        return "—"
    try:
        label = MEDICINE_LABEL[Medicine(medicine)]
    except ValueError:
        label = medicine.replace("_", " ").capitalize()
    dose = dose_text(dose_mg)
    return f"{label} {dose}" if dose else label


def name_text(family: str, given: str) -> str:
    """ "SMITH, Jo": the family name in capitals so it cannot be mistaken for a given name."""
    return f"{family.upper()}, {given}" if given else family.upper()


def status_text(status: str) -> str:
    try:
        return STATUS_LABEL[PatientStatus(status)]
    except ValueError:
        return status.replace("_", " ").capitalize()


def address_text(*parts: str) -> str:
    """Address lines, town and postcode on one line, skipping the blanks."""
    return ", ".join(p.strip() for p in parts if p.strip())
