"""Practice indicators (SPEC §4, issue 17): one definition per indicator, on one
patient's facts as at a date. Pure: plain values in, plain values out.

The dashboard for today reads the SQL twin of these definitions over the patient row
caches (db.queries.indicators); a past date derives the caches from history with
`console.rules.caches.derive` and applies these functions, and a test keeps the two
equal for today. "Within 6 months" is on or after today minus 6 calendar months
(pendulum: the day clamped at month end) and not after today; "within 12 months" alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pendulum

from console.rules.alerts import drift_reasons
from console.rules.caches import FAMILY_CONSIDERED as FAMILY_CONSIDERED
from console.rules.caches import HBV_IMMUNE as HBV_IMMUNE
from console.rules.caches import Change, Ep, RowCaches, effective
from console.rules.completion import SUCCESSFUL_EXITS as SUCCESSFUL_EXITS
from console.rules.completion import re_presented as re_presented
from console.rules.completion import represent_by as represent_by
from console.rules.names import fold_key
from console.rules.search import SearchTerms

POST_EXIT = "post_exit_checkups"


@dataclass(frozen=True)
class Indicator:
    key: str
    title: str  # what the numerator counts
    of: str  # what the denominator counts


INDICATORS: tuple[Indicator, ...] = (
    Indicator("strategic_review_6m", "Strategic review in 6 months", "active caseload"),
    Indicator("agreed_care_plan", "Agreed care plan", "active caseload"),
    Indicator("barc10_6m", "BARC-10 recorded in 6 months", "active caseload"),
    Indicator("mutual_aid_attended", "Attended mutual aid", "active caseload"),
    Indicator("family_considered", "Family involvement considered", "active caseload"),
    Indicator("hcv_tested_12m", "Hepatitis C tested in 12 months", "currently injecting"),
    Indicator("hepb_completed", "Hepatitis B completed or immune", "active caseload"),
    Indicator("naloxone_12m", "Naloxone supplied in 12 months", "on OST or using opioids"),
    Indicator("ost_2y_considered", "OST 2 years+: considered decision", "on OST 2 years+"),
    Indicator("checkups_up_to_date", "Post-exit check-ups up to date", "post-exit check-ups"),
    Indicator("successful_completion", "Successful completion (PHOF)", "in treatment"),
)
KEYS: tuple[str, ...] = tuple(i.key for i in INDICATORS)
BY_KEY = {i.key: i for i in INDICATORS}


@dataclass(frozen=True)
class Limits:
    today: dt.date
    six_months: dt.date
    year: dt.date
    two_years: dt.date
    window_start: dt.date  # successful completion: exits in [window_start, window_end]
    window_end: dt.date


def limits(today: dt.date) -> Limits:
    day = pendulum.date(today.year, today.month, today.day)
    end = day.subtract(months=6)
    return Limits(
        today=_plain(day),
        six_months=_plain(day.subtract(months=6)),
        year=_plain(day.subtract(months=12)),
        two_years=_plain(day.subtract(months=24)),
        window_start=_plain(end.subtract(months=12)),
        window_end=_plain(end),
    )


@dataclass(frozen=True)
class Facts:
    """One patient as at a date: the row caches (derived or stored) and what they lack."""

    caches: RowCaches
    deceased: bool
    open_episode: bool
    post_exit: bool  # in post-exit check-ups
    barc10_on: dt.date | None = None  # latest finalised review with a complete BARC-10
    mutual_aid_attended: bool = False
    family_considered: bool = False
    hbv_immune: bool = False  # the latest hepatitis B status says immune
    in_window: bool = False  # an episode open at some time in the completion window
    completed: bool = False  # a successful exit in the window, not re-presenting


def within(day: dt.date | None, start: dt.date, today: dt.date) -> bool:
    return day is not None and start <= day <= today


def family_considered_on(
    day: dt.date, added: Iterable[dt.date | None], answer: str, answer_on: dt.date | None
) -> bool:
    """Family involvement considered as it stood on a day: a family or supporter record
    added by then, or a "no one to involve" / "declines" answer given by then. A record
    or answer kept from before the product dated them (None) counts on every day; one
    removed or replaced since is not known (the product keeps today's records only)."""
    if any(on is None or on <= day for on in added):
        return True
    return answer in FAMILY_CONSIDERED and (answer_on is None or answer_on <= day)


def completion(episodes: Iterable[Ep], lim: Limits) -> tuple[bool, bool]:
    """(in treatment in the window, a successful exit in it with no new episode started
    within 6 months of the exit): the PHOF measure with a closed window."""
    eps = list(episodes)
    in_window = any(
        e.start <= lim.window_end and (e.end is None or e.end >= lim.window_start) for e in eps
    )
    completed = False
    for e in eps:
        if e.end is None or e.exit_reason not in SUCCESSFUL_EXITS:
            continue
        if not lim.window_start <= e.end <= lim.window_end:
            continue
        after = [n.start for n in eps if n.id != e.id and n.start >= e.end]
        completed = completed or not re_presented(e.end, min(after) if after else None)
    return in_window, completed and in_window


def membership(f: Facts, lim: Limits) -> dict[str, tuple[bool, bool]]:
    """(in the denominator, meets it) for every indicator, by key."""
    today = lim.today
    c = effective(f.caches, today)
    active = f.open_episode and not f.deceased
    on_ost = bool(c.current_medicine)
    ost_2y = (
        active
        and on_ost
        and c.ost_continuous_start is not None
        and c.ost_continuous_start <= lim.two_years
    )
    day = pendulum.date(today.year, today.month, today.day)
    out: dict[str, tuple[bool, bool]] = {
        "strategic_review_6m": (active, within(c.last_strategic_review, lim.six_months, today)),
        "agreed_care_plan": (active, c.agreed_plan_on is not None),
        "barc10_6m": (active, within(f.barc10_on, lim.six_months, today)),
        "mutual_aid_attended": (active, f.mutual_aid_attended),
        "family_considered": (active, f.family_considered),
        "hcv_tested_12m": (
            active and c.injecting_recorded is not None,
            within(c.last_hcv_test, lim.year, today),
        ),
        "hepb_completed": (active, c.hbv_course_completed is not None or f.hbv_immune),
        "naloxone_12m": (
            active and (on_ost or c.top_opioid_use is not None),
            within(c.last_naloxone, lim.year, today),
        ),
        "ost_2y_considered": (ost_2y, ost_2y and not drift_reasons(c, day)),
        "checkups_up_to_date": (
            f.post_exit and not f.deceased,
            c.next_checkup_due is None or c.next_checkup_due >= today,
        ),
        "successful_completion": (f.in_window and not f.deceased, f.completed),
    }
    return {k: (inn, inn and meets) for k, (inn, meets) in out.items()}


@dataclass(frozen=True)
class Count:
    key: str
    numerator: int
    denominator: int

    @property
    def title(self) -> str:
        return BY_KEY[self.key].title

    @property
    def percent(self) -> float | None:
        return None if self.denominator == 0 else 100.0 * self.numerator / self.denominator


def percent_text(count: Count) -> str:
    p = count.percent
    return "—" if p is None else f"{p:.1f}"


def bar(count: Count, width: int) -> str:
    """The share as block characters (eighths), padded with light shade to `width`."""
    p = count.percent
    if p is None:
        return "·" * width
    eighths = round(p / 100 * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + ("" if part == 0 else " ▏▎▍▌▋▊▉"[part])
    return text + "░" * (width - len(text))


# -- distributions ---------------------------------------------------------------------
OST_BANDS: tuple[str, ...] = ("< 1 year", "1–2 years", "2–5 years", "5+ years")


def band_edges(today: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """Today minus 1, 2 and 5 years: a start after the first is "< 1 year", and so on
    (a start a year to the day ago is in "1–2 years")."""
    day = pendulum.date(today.year, today.month, today.day)
    one, two, five = (_plain(day.subtract(years=n)) for n in (1, 2, 5))
    return one, two, five


def ost_band(start: dt.date | None, today: dt.date) -> int | None:
    """Which band of continuous time on OST (None when not on OST)."""
    if start is None:
        return None
    for n, edge in enumerate(band_edges(today)):
        if start > edge:
            return n
    return 3


def considered(c: RowCaches, lim: Limits) -> bool:
    """A considered OST decision at any length of treatment: the drift guard's three
    tests pass (a strategic review within 6 months recording a decision other than
    "pending", and an agreed plan with a live substance-use goal)."""
    return (
        c.last_strategic_review is not None
        and c.last_strategic_review >= lim.six_months
        and c.last_ost_decision not in ("", "pending")
        and c.agreed_plan_substance_goal is not None
    )


def ost_position(f: Facts, lim: Limits) -> tuple[int, bool] | None:
    """(band of continuous time on OST, considered decision) for the active caseload on
    OST; None for anyone else."""
    c = effective(f.caches, lim.today)
    if not (f.open_episode and not f.deceased and c.current_medicine):
        return None
    band = ost_band(c.ost_continuous_start, lim.today)
    return None if band is None else (band, considered(c, lim))


@dataclass(frozen=True)
class Outcomes:
    """Patients with a start TOP and a later one: of those using illicit opioids (or
    injecting) at the start, how many no longer are; the median BARC-10 change."""

    patients: int = 0
    opioids_at_start: int = 0
    opioids_stopped: int = 0
    injecting_at_start: int = 0
    injecting_stopped: int = 0
    barc10_patients: int = 0
    barc10_median: float | None = None

    def share(self, stopped: int, of: int) -> str:
        return "—" if of == 0 else f"{100.0 * stopped / of:.0f}%"

    @property
    def opioids_text(self) -> str:
        return self.share(self.opioids_stopped, self.opioids_at_start)

    @property
    def injecting_text(self) -> str:
        return self.share(self.injecting_stopped, self.injecting_at_start)

    @property
    def barc10_text(self) -> str:
        m = self.barc10_median
        return "—" if m is None else f"{m:+g}"


def change_of(c: RowCaches) -> Change | None:
    """The start-TOP change as the row caches hold it (`console.rules.caches.top_change`)."""
    if c.top_change_on is None:
        return None
    return Change(
        on=c.top_change_on,
        opioids_at_start=bool(c.top_opioids_change),
        opioids_stopped=c.top_opioids_change == "stopped",
        injecting_at_start=bool(c.top_injecting_change),
        injecting_stopped=c.top_injecting_change == "stopped",
        barc10=c.barc10_change,
    )


def outcomes(changes: Iterable[Change]) -> Outcomes:
    found = list(changes)
    barc = [c.barc10 for c in found if c.barc10 is not None]
    return Outcomes(
        patients=len(found),
        opioids_at_start=sum(c.opioids_at_start for c in found),
        opioids_stopped=sum(c.opioids_stopped for c in found),
        injecting_at_start=sum(c.injecting_at_start for c in found),
        injecting_stopped=sum(c.injecting_stopped for c in found),
        barc10_patients=len(barc),
        barc10_median=median(barc),
    )


def matches(terms: SearchTerms, nhs_number: str, family: str, given: str, born: dt.date) -> bool:
    """The patient list's search (console.rules.search) applied to one listed patient,
    for a gap list already read: prefixes of the folded names, of the NHS number, or the
    date of birth."""
    if terms.date_of_birth is not None:
        d = terms.date_of_birth
        return born == dt.date(d.year, d.month, d.day)
    if terms.nhs_prefix:
        return nhs_number.startswith(terms.nhs_prefix)
    fam, giv = fold_key(family), fold_key(given)
    if terms.either_prefix:
        return fam.startswith(terms.either_prefix) or giv.startswith(terms.either_prefix)
    return fam.startswith(terms.family_prefix) and giv.startswith(terms.given_prefix)


def median(values: Sequence[float]) -> float | None:
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    return float(ordered[mid]) if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def _plain(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)
