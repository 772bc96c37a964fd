"""The alerts of SPEC §4, each with its reason; the list's flags are their letters.

`facts` reads the patient row caches (`console.rules.caches.RowCaches`), so the summary
(caches derived from the source rows) and the list (caches as stored) decide every alert
by the same function. Pure: the facts are plain values; `today` comes from the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import MISSING, dataclass, fields
from functools import lru_cache

import pendulum

from console.rules.caches import RowCaches, effective


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
    start_review_due: bool = False  # the open episode has no start or strategic review yet
    agreed_plan: bool = False
    # the latest drug test's unexpected results (judged against the prescription(s) in
    # force on the test's date) and the test's date
    drug_problems: tuple[str, ...] = ()
    drug_test_date: dt.date | None = None
    medicine: str = ""
    dose_mg: float | None = None
    interval: str = "daily"
    sedatives: tuple[str, ...] = ()
    missed_doses_in_row: int = 0
    ecg_date: dt.date | None = None
    last_naloxone: dt.date | None = None
    latest_top_opioid_use: bool = False
    injecting: bool = False  # currently, by the latest health record or TOP
    latest_top_shared: bool = False
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
    """Every alert with its reason in words (the summary's)."""
    return [Alert(letter, words()) for letter, words in raised(f, today)]


def raised(f: AlertFacts, today: pendulum.Date) -> list[tuple[str, Callable[[], str]]]:
    """Every alert as its letter and its reason's words, put into words only when asked:
    the list shows the letters of sixty patients a keystroke (issue 19)."""
    if f.status == "deceased":
        return []  # death stops every recall, alert and letter
    year_ago = _limits(today)[0]
    found: list[tuple[str, Callable[[], str]]] = []
    if f.next_review_due is not None and f.next_review_due < today:
        due, last = f.next_review_due, f.last_strategic_review

        def overdue() -> str:
            days = (today - pendulum.date(due.year, due.month, due.day)).days
            if f.start_review_due:
                return f"Start review overdue by {days} day{'s' if days != 1 else ''}"
            since = f" (last {last:%-d %b %Y})" if last else ""
            return f"Strategic review overdue by {days} day{'s' if days != 1 else ''}{since}"

        found.append(("R", overdue))
    if f.has_open_episode and not f.agreed_plan:
        found.append(("R", lambda: "No agreed care plan"))
    for reason in f.drift:
        found.append(("D", lambda reason=reason: f"On OST two years or more: {reason}"))
    when = f.drug_test_date
    for problem in f.drug_problems:
        found.append(
            (
                "T",
                lambda problem=problem: (
                    f"Unexpected drug test result: {problem}"
                    + (f" ({when:%-d %b %Y})" if when else "")
                ),
            )
        )
    opioid_risk = bool(f.medicine) or f.latest_top_opioid_use
    naloxone = f.last_naloxone
    if opioid_risk and (naloxone is None or naloxone < year_ago):
        found.append(
            (
                "H",
                lambda: (
                    "Naloxone not supplied in 12 months ("
                    + (f"last supplied {naloxone:%-d %b %Y}" if naloxone else "never supplied")
                    + ")"
                ),
            )
        )
    hcv = f.last_hcv_test
    if f.injecting and (hcv is None or hcv < year_ago):
        found.append(
            (
                "H",
                lambda: (
                    "Hepatitis C not tested in 12 months while injecting ("
                    + (f"last {hcv:%-d %b %Y}" if hcv else "never tested")
                    + ")"
                ),
            )
        )
    if f.hbv_course_completed is None and not f.hbv_not_needed:
        found.append(("H", lambda: "Hepatitis B vaccination course incomplete"))
    latest, previous = f.barc_latest, f.barc_previous
    if latest is not None and previous is not None and previous - latest >= f.barc_threshold:
        found.append(
            (
                "S",
                lambda: f"BARC-10 fell by {previous - latest} (from {previous} to {latest})",
            )
        )
    if f.latest_top_shared:
        found.append(("S", lambda: "Latest TOP: injecting with shared equipment"))
    if f.missed_doses_in_row >= 3:
        found.append(
            (
                "S",
                lambda: (
                    f"{f.missed_doses_in_row} doses missed in a row: "
                    "reassess tolerance before the next dose"
                ),
            )
        )
    if (
        f.medicine == "methadone_oral"
        and f.dose_mg is not None
        and f.dose_mg > 100
        and (f.ecg_date is None or f.ecg_date < year_ago)
    ):
        dose = f.dose_mg
        found.append(("S", lambda: f"Methadone {dose:g} mg a day with no ECG in 12 months"))
    if f.sedatives:
        found.append(("S", lambda: f"Co-prescribed sedative: {', '.join(f.sedatives)}"))
    if f.children_under_16 and (
        f.safe_storage_discussed is None or f.safe_storage_discussed < year_ago
    ):
        found.append(
            ("S", lambda: "Children in the household: safe storage not discussed in 12 months")
        )
    linkage = f.next_linkage_followup
    if linkage is not None and linkage <= today:
        found.append(("L", lambda: f"Linkage follow-up due ({linkage:%-d %b %Y})"))
    checkup = f.next_checkup_due
    if checkup is not None and checkup <= today:
        found.append(("C", lambda: f"Post-exit check-up due ({checkup:%-d %b %Y})"))
    left = f.unsuccessful_exit
    if left is not None and left >= today.subtract(months=6):
        found.append(("E", lambda: f"Re-engage: left treatment unsuccessfully on {left:%-d %b %Y}"))
    return found


@lru_cache(maxsize=8)
def _limits(today: pendulum.Date) -> tuple[pendulum.Date, pendulum.Date, pendulum.Date]:
    """One year, two years and six months back: worked out once per day, not once per row."""
    return today.subtract(years=1), today.subtract(years=2), today.subtract(months=6)


def drift_reasons(c: RowCaches, today: pendulum.Date) -> list[str]:
    """SPEC §4 drift guard on the cached dates (as they stand today): each reason holds
    until put right."""
    c = effective(c, today)
    if not c.current_medicine or c.ost_continuous_start is None:
        return []
    _, two_years_ago, six_months_ago = _limits(today)
    if c.ost_continuous_start > two_years_ago:
        return []
    reasons = []
    if (
        c.last_strategic_review is None
        or not c.last_ost_decision
        or c.last_ost_decision == "pending"
    ):
        reasons.append("the latest strategic review has no recorded OST decision")
    if c.last_strategic_review is None or c.last_strategic_review < six_months_ago:
        reasons.append("the latest strategic review is more than six months old")
    if c.agreed_plan_substance_goal is None:
        reasons.append("the agreed care plan has no live substance-use goal")
    return reasons


_FACT_DEFAULTS = {f.name: f.default for f in fields(AlertFacts) if f.default is not MISSING}


def _filled(**values: object) -> AlertFacts:
    """The facts without the frozen dataclass's `__init__` (a guarded setattr per field,
    6 of its 8 µs; the list builds them for every row of every page): `facts` gives
    every field but those left at their defaults (`tests/rules/test_alerts.py`)."""
    made = object.__new__(AlertFacts)
    made.__dict__.update(_FACT_DEFAULTS, **values)
    return made


def facts(
    c: RowCaches,
    today: pendulum.Date,
    *,
    threshold: int = 6,
    drug_problems: tuple[str, ...] | None = None,
) -> AlertFacts:
    """Every alert's facts from the row caches (as they stand today). `drug_problems`:
    the latest test's unexpected results in words (the summary has them); without them
    a cached unexpected test is one alert naming its date."""
    now = effective(c, today)
    problems: tuple[str, ...] = ()
    if now.last_unexpected_test is not None:
        problems = drug_problems or ("see the latest test",)
    in_treatment = now.episode_start is not None
    return _filled(
        status=now.status,
        next_review_due=now.next_review_due,
        last_strategic_review=now.last_strategic_review,
        has_open_episode=in_treatment,
        start_review_due=in_treatment
        and (now.last_strategic_review is None or now.last_strategic_review < now.episode_start),
        agreed_plan=now.agreed_plan_on is not None,
        drug_problems=problems,
        drug_test_date=now.last_unexpected_test,
        medicine=now.current_medicine,
        dose_mg=now.current_dose_mg,
        sedatives=tuple(s.strip() for s in now.sedatives.split(",") if s.strip()),
        missed_doses_in_row=now.missed_doses_in_row,
        ecg_date=now.ecg_date,
        last_naloxone=now.last_naloxone,
        latest_top_opioid_use=now.top_opioid_use is not None,
        injecting=now.injecting_recorded is not None,
        latest_top_shared=now.top_shared is not None,
        last_hcv_test=now.last_hcv_test,
        hbv_course_completed=now.hbv_course_completed,
        hbv_not_needed=now.hbv_not_needed is not None,
        barc_latest=now.last_barc10_total if now.barc10_previous is not None else None,
        barc_previous=now.barc10_previous,
        barc_threshold=threshold,
        children_under_16=now.children_under_16,
        safe_storage_discussed=now.safe_storage_discussed,
        next_linkage_followup=now.next_linkage_followup,
        next_checkup_due=now.next_checkup_due,
        unsuccessful_exit=now.unsuccessful_exit,
        drift=tuple(drift_reasons(now, today)),
    )
