"""The alerts of SPEC §4, each with its reason, from facts gathered by the summary service.

Pure: the facts are plain values; `today` comes from the practice clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pendulum

from console.rules.drug_tests import unexpected


@dataclass(frozen=True)
class Alert:
    letter: str  # the list's flag letter: R review, D drift, H health, T test, S safety, L linkage
    text: str


@dataclass(frozen=True)
class AlertFacts:
    status: str
    next_review_due: dt.date | None = None
    last_strategic_review: dt.date | None = None
    has_open_episode: bool = False
    agreed_plan: bool = False
    # latest review that has a drug test, and the prescription it is judged against
    drug_results: dict[str, str] = field(default_factory=dict)
    drug_test_date: dt.date | None = None
    medicine: str = ""
    dose_mg: float | None = None
    interval: str = "daily"
    sedatives: tuple[str, ...] = ()
    missed_doses_in_row: int = 0
    ecg_date: dt.date | None = None
    last_naloxone: dt.date | None = None
    latest_top_opiate_days: int | None = None
    latest_top_injected_days: int | None = None
    latest_top_shared: bool = False
    injecting_status: str = ""
    last_hcv_test: dt.date | None = None
    hbv_course_completed: dt.date | None = None
    hbv_not_needed: bool = False  # immune, acquired immunity, or refused
    barc_latest: int | None = None
    barc_previous: int | None = None
    barc_threshold: int = 6
    children_under_16: int = 0
    safe_storage_discussed: dt.date | None = None
    next_linkage_followup: dt.date | None = None
    next_checkup_due: dt.date | None = None
    unsuccessful_exit: dt.date | None = None
    drift: tuple[str, ...] = ()


def alerts(f: AlertFacts, today: pendulum.Date) -> list[Alert]:
    if f.status == "deceased":
        return []  # death stops every recall, alert and letter
    year_ago = today.subtract(years=1)
    found: list[Alert] = []
    if f.next_review_due is not None and f.next_review_due < today:
        days = (
            today
            - pendulum.date(f.next_review_due.year, f.next_review_due.month, f.next_review_due.day)
        ).days
        last = f" (last {f.last_strategic_review:%-d %b %Y})" if f.last_strategic_review else ""
        found.append(
            Alert("R", f"Strategic review overdue by {days} day{'s' if days != 1 else ''}{last}")
        )
    if f.has_open_episode and not f.agreed_plan:
        found.append(Alert("R", "No agreed care plan"))
    for reason in f.drift:
        found.append(Alert("D", f"On OST two years or more: {reason}"))
    if f.drug_results:
        for problem in unexpected(f.drug_results, f.medicine, f.sedatives):
            when = f" ({f.drug_test_date:%-d %b %Y})" if f.drug_test_date else ""
            found.append(Alert("T", f"Unexpected drug test result: {problem}{when}"))
    opioid_risk = bool(f.medicine) or bool(f.latest_top_opiate_days)
    if opioid_risk and (f.last_naloxone is None or f.last_naloxone < year_ago):
        since = (
            f"last supplied {f.last_naloxone:%-d %b %Y}" if f.last_naloxone else "never supplied"
        )
        found.append(Alert("H", f"Naloxone not supplied in 12 months ({since})"))
    injecting = f.injecting_status == "currently" or bool(f.latest_top_injected_days)
    if injecting and (f.last_hcv_test is None or f.last_hcv_test < year_ago):
        since = f"last {f.last_hcv_test:%-d %b %Y}" if f.last_hcv_test else "never tested"
        found.append(Alert("H", f"Hepatitis C not tested in 12 months while injecting ({since})"))
    if f.hbv_course_completed is None and not f.hbv_not_needed:
        found.append(Alert("H", "Hepatitis B vaccination course incomplete"))
    if f.barc_latest is not None and f.barc_previous is not None:
        fall = f.barc_previous - f.barc_latest
        if fall >= f.barc_threshold:
            found.append(
                Alert("S", f"BARC-10 fell by {fall} (from {f.barc_previous} to {f.barc_latest})")
            )
    if f.latest_top_shared:
        found.append(Alert("S", "Latest TOP: injecting with shared equipment"))
    if f.missed_doses_in_row >= 3:
        found.append(
            Alert(
                "S",
                f"{f.missed_doses_in_row} doses missed in a row: "
                "reassess tolerance before the next dose",
            )
        )
    if (
        f.medicine == "methadone_oral"
        and f.dose_mg is not None
        and f.dose_mg > 100
        and (f.ecg_date is None or f.ecg_date < year_ago)
    ):
        found.append(Alert("S", f"Methadone {f.dose_mg:g} mg a day with no ECG in 12 months"))
    if f.sedatives:
        found.append(Alert("S", f"Co-prescribed sedative: {', '.join(f.sedatives)}"))
    if f.children_under_16 and (
        f.safe_storage_discussed is None or f.safe_storage_discussed < year_ago
    ):
        found.append(
            Alert("S", "Children in the household: safe storage not discussed in 12 months")
        )
    if f.next_linkage_followup is not None and f.next_linkage_followup <= today:
        found.append(Alert("L", f"Linkage follow-up due ({f.next_linkage_followup:%-d %b %Y})"))
    if f.next_checkup_due is not None and f.next_checkup_due <= today:
        found.append(Alert("C", f"Post-exit check-up due ({f.next_checkup_due:%-d %b %Y})"))
    if f.unsuccessful_exit is not None and f.unsuccessful_exit >= today.subtract(months=6):
        found.append(
            Alert(
                "E", f"Re-engage: left treatment unsuccessfully on {f.unsuccessful_exit:%-d %b %Y}"
            )
        )
    return found
