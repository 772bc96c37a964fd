"""Display strings (console/format.py): pure, so plain tests over fixed dates."""

from __future__ import annotations

import datetime as dt

import pytest

from console import format as fmt

TODAY = dt.date(2026, 11, 23)


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


@pytest.mark.parametrize(
    ("offset", "text", "urgency"),
    [
        (-800, "overdue 2 years", "overdue"),
        (-100, "overdue 3 months", "overdue"),
        (-62, "overdue 62 days", "overdue"),
        (-12, "overdue 12 days", "overdue"),
        (-1, "overdue 1 day", "overdue"),
        (0, "due today", "soon"),
        (1, "tomorrow", "soon"),
        (5, "in 5 days", "soon"),
        (21, "in 3 weeks", "soon"),
        (28, "in 4 weeks", "soon"),
        (29, "in 4 weeks", "later"),
        (100, "in 3 months", "later"),
        (120, "in 4 months", "later"),
        (800, "in 2 years", "later"),
    ],
)
def test_due_text_and_class(offset: int, text: str, urgency: str) -> None:
    assert fmt.due_text(days(offset), TODAY) == text
    assert fmt.due_class(days(offset), TODAY) == urgency


def test_no_review_date() -> None:
    assert fmt.due_text(None, TODAY) == "—"
    assert fmt.due_class(None, TODAY) == "none"


def test_longest_due_text_fits_the_column() -> None:
    longest = max((fmt.due_text(days(n), TODAY) for n in range(-1000, 1000)), key=len)
    assert len(longest) <= 17, longest


@pytest.mark.parametrize(
    ("dob", "expected"),
    [
        (dt.date(1980, 3, 12), 46),
        (dt.date(1980, 11, 23), 46),  # birthday today
        (dt.date(1980, 11, 24), 45),  # birthday tomorrow
        (dt.date(2008, 2, 29), 18),
    ],
)
def test_age(dob: dt.date, expected: int) -> None:
    assert fmt.age(dob, TODAY) == expected


def test_leap_day_birthday_counts_from_first_of_march() -> None:
    assert fmt.age(dt.date(2008, 2, 29), dt.date(2027, 2, 28)) == 18
    assert fmt.age(dt.date(2008, 2, 29), dt.date(2027, 3, 1)) == 19


def test_dates_and_numbers() -> None:
    assert fmt.nhs("9434765919") == "943 476 5919"
    assert fmt.nhs("12345") == "12345"
    assert fmt.dob_text(dt.date(1980, 3, 12), TODAY) == "12 Mar 1980 (46)"
    assert fmt.date_text(None) == "—"


@pytest.mark.parametrize(
    ("medicine", "dose", "text"),
    [
        ("methadone_oral", 40.0, "Methadone 40 mg"),
        ("buprenorphine_sublingual", 12.5, "Buprenorphine 12.5 mg"),
        ("buprenorphine_prolonged_release", 128.0, "Buprenorphine PR 128 mg"),
        ("methadone_oral", None, "Methadone"),
        ("", None, "—"),  # not on OST
        (None, None, ""),  # not the viewer's to see (reception)
    ],
)
def test_ost_text(medicine: str | None, dose: float | None, text: str) -> None:
    assert fmt.ost_text(medicine, dose) == text


def test_names_and_status() -> None:
    assert fmt.name_text("Smith", "Jo") == "SMITH, Jo"
    assert fmt.name_text("Ó Súilleabháin", "Aoife") == "Ó SÚILLEABHÁIN, Aoife"
    assert fmt.status_text("post_exit_checkups") == "Post-exit check-ups"
    assert fmt.address_text("1 High St", "", "Wakefield WF1 1AA") == "1 High St, Wakefield WF1 1AA"


@pytest.mark.parametrize(
    ("medicine", "interval", "dispensing", "text"),
    [
        ("methadone_oral", "daily", "weekly", "Methadone 70 mg daily, weekly pick-up, Armley"),
        (
            "methadone_oral",
            "daily",
            "supervised",
            "Methadone 70 mg daily, supervised consumption, Armley",
        ),
        ("methadone_oral", "daily", "multi_day_pickup", "daily, multi-day pick-up, Armley"),
    ],
)
def test_dose_line_names_the_dispensing(
    medicine: str, interval: str, dispensing: str, text: str
) -> None:
    from console.services.summary_dto import Dose
    from screens.patients.summary_sections import dose_line

    dose = Dose(medicine, 70, interval, dispensing, "Armley", TODAY, None)
    assert dose_line(dose).endswith(text)
