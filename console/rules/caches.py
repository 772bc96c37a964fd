"""The patient row caches (SPEC §2), each derived by one function from its source rows.

Every write path calls `derive` through `console.services.caches.refresh` in its own
transaction; `recovery-console check` compares the stored row with `derive` again, and
the summary's alerts read `derive`'s output, so the list, the summary and the check
cannot disagree. Pure: plain values in, plain values out.

A prescription change dated in the future is kept as `dose_change_on` with the
prescription in force from then (`pending_*`); `effective` applies it once its date has
come, with no write (a second future change is refused while one is pending).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from functools import lru_cache
from operator import itemgetter

from console.rules import completion, health
from console.rules.drug_tests import unexpected
from console.rules.ost import continuous_start
from console.rules.schedule import CHECKUPS, checkup_due_after, start_review_due
from console.rules.vocab import EXIT_REASONS, ExitGroup, ReviewKind

MOVES_SCHEDULE = frozenset({ReviewKind.START.value, ReviewKind.STRATEGIC.value})
HBV_NOT_NEEDED = frozenset({"already_immunised", "acquired_immunity", "refused"})
HBV_IMMUNE = frozenset({"already_immunised", "acquired_immunity"})  # a refusal protects no one
FAMILY_CONSIDERED = frozenset({"none_to_involve", "declines"})


@dataclass(frozen=True)
class Rx:
    medicine: str
    dose_mg: float
    start: dt.date
    end: dt.date | None
    missed_doses_in_row: int = 0
    ecg_date: dt.date | None = None
    sedatives: str = ""

    def in_force(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)


@dataclass(frozen=True)
class Ep:
    id: int
    start: dt.date
    end: dt.date | None
    exit_reason: str = ""


@dataclass(frozen=True)
class Rev:
    """A finalised review, corrected by its addenda."""

    id: int
    kind: str
    date: dt.date
    episode_id: int | None = None
    finalised_at: str = ""
    next_review_date: dt.date | None = None
    next_review_reason: str = ""
    ost_decision: str = ""
    barc10_total: int | None = None
    opiates_days: int | None = None
    injected_days: int | None = None
    shared: bool = False
    drug_results: Mapping[str, str] | None = None
    test_date: dt.date | None = None


@dataclass(frozen=True)
class Sources:
    status: str
    checkups_planned: int = 0
    children_under_16: int = 0
    safe_storage_discussed: dt.date | None = None
    episodes: Sequence[Ep] = ()
    prescriptions: Sequence[Rx] = ()
    reviews: Sequence[Rev] = ()  # finalised only, any order
    health: Sequence[health.Event] = ()
    next_linkage_followup: dt.date | None = None
    # the latest agreed plan: its date, and whether it has a live substance-use goal
    agreed_on: dt.date | None = None
    agreed_substance_goal: bool = False
    # the earliest attendance at a mutual-aid group (a linkage with outcome "attended")
    mutual_aid_on: dt.date | None = None
    family_involvement: str = ""  # the patient row's answer
    family_members: int = 0  # family/supporter records


@dataclass(frozen=True)
class RowCaches:
    # passed through from the patient row (not caches): what the alerts also need
    status: str = "in_treatment"
    children_under_16: int = 0
    safe_storage_discussed: dt.date | None = None
    # the caches
    next_review_due: dt.date | None = None
    next_review_reason: str = ""
    last_strategic_review: dt.date | None = None
    last_ost_decision: str = ""
    episode_start: dt.date | None = None
    ost_continuous_start: dt.date | None = None
    current_medicine: str = ""
    current_dose_mg: float | None = None
    ecg_date: dt.date | None = None
    missed_doses_in_row: int = 0
    sedatives: str = ""
    dose_change_on: dt.date | None = None
    pending_medicine: str = ""
    pending_dose_mg: float | None = None
    pending_ost_start: dt.date | None = None
    last_barc10_total: int | None = None
    barc10_previous: int | None = None
    last_naloxone: dt.date | None = None
    last_hcv_test: dt.date | None = None
    hbv_course_completed: dt.date | None = None
    hbv_not_needed: dt.date | None = None
    injecting_recorded: dt.date | None = None
    top_opioid_use: dt.date | None = None
    top_shared: dt.date | None = None
    last_unexpected_test: dt.date | None = None
    next_checkup_due: dt.date | None = None
    next_linkage_followup: dt.date | None = None
    agreed_plan_on: dt.date | None = None
    agreed_plan_substance_goal: dt.date | None = None
    unsuccessful_exit: dt.date | None = None
    # the open episode's start TOP against its latest later TOP (`top_change`)
    top_change_on: dt.date | None = None  # the latest TOP's date; None: not both
    top_opioids_change: str = ""  # "stopped" or "still" when using at the start TOP
    top_injecting_change: str = ""
    barc10_change: int | None = None  # the latest later BARC-10 minus the start's
    # practice indicators (migration 0016): each indicator a column test on `patient`
    barc10_on: dt.date | None = None  # the latest finalised review with a complete BARC-10
    mutual_aid_on: dt.date | None = None  # first attended a mutual-aid group
    family_considered: bool = False  # a family/supporter record, or a considered answer
    hbv_immune: dt.date | None = None  # the latest hepatitis B status, when it says immune
    # successful completion's days in and out of its window (migration 0017; tallies)
    completion_days: str = ""
    extra: tuple[str, ...] = field(default=(), compare=False)


PASSED_THROUGH = ("status", "children_under_16", "safe_storage_discussed")
CACHE_FIELDS: tuple[str, ...] = tuple(
    f.name for f in fields(RowCaches) if f.name not in PASSED_THROUGH and f.name != "extra"
)
ROW_FIELDS: tuple[str, ...] = (*PASSED_THROUGH, *CACHE_FIELDS)


# RowCaches' own field order ("extra", last, keeps its default)
_IN_ORDER: tuple[str, ...] = tuple(f.name for f in fields(RowCaches) if f.name != "extra")


@lru_cache(maxsize=32)
def _picker(keys: tuple[str, ...]) -> Callable[[Sequence[object]], tuple[object, ...]]:
    """The caches' positions in a result's columns, RowCaches' order."""
    return itemgetter(*(keys.index(name) for name in _IN_ORDER))


@lru_cache(maxsize=32)
def reader(keys: tuple[str, ...]) -> Callable[[Sequence[object]], RowCaches]:
    """The caches of result rows with these columns, read by position: the patient list
    builds one per row of every page (issue 19). Filled without the frozen dataclass's
    `__init__` (a guarded setattr per field, 10 of its 13 µs a row): the same fields and
    values, `extra` its default."""
    pick = _picker(keys)
    new = object.__new__

    def read(row: Sequence[object]) -> RowCaches:
        caches = new(RowCaches)
        values = caches.__dict__
        values.update(zip(_IN_ORDER, pick(row), strict=True))
        values["extra"] = ()
        return caches

    return read


def from_row(row: object) -> RowCaches:
    """The caches as stored on a patient row (an ORM row or a result row)."""
    keys = getattr(row, "_fields", None)
    if isinstance(keys, tuple) and isinstance(row, Sequence):
        return reader(keys)(row)
    return RowCaches(**{name: getattr(row, name) for name in ROW_FIELDS})


# -- prescriptions -------------------------------------------------------------------
def in_force(rx: Iterable[Rx], day: dt.date) -> Rx | None:
    """The prescription in force on a day (the latest started, if ever two)."""
    found = [r for r in rx if r.in_force(day)]
    return max(found, key=lambda r: r.start) if found else None


def in_force_on(rx: Iterable[Rx], day: dt.date) -> list[Rx]:
    """Every prescription in force at some time on a day (both, on the day of a switch)."""
    return [r for r in rx if r.start <= day and (r.end is None or r.end >= day)]


def next_change(rx: Iterable[Rx], today: dt.date) -> dt.date | None:
    """The next date after today on which the prescription in force changes."""
    days = [r.start for r in rx if r.start > today]
    days += [r.end for r in rx if r.end is not None and r.end > today]
    return min(days) if days else None


def test_problems(rev: Rev, rx: Sequence[Rx]) -> list[str]:
    """A drug test judged against the prescription(s) in force on the test's date."""
    if not rev.drug_results or rev.test_date is None:
        return []
    then = in_force_on(rx, rev.test_date)
    medicines = [r.medicine for r in then]
    sedatives = [s for r in then for s in r.sedatives.split(",") if s.strip()]
    return unexpected(rev.drug_results, medicines, sedatives)


def _ordered(reviews: Iterable[Rev]) -> list[Rev]:
    return sorted(reviews, key=lambda r: (r.date, r.finalised_at, r.id))


def latest_test(reviews: Iterable[Rev]) -> Rev | None:
    """The latest finalised review with a drug test."""
    with_test = [r for r in _ordered(reviews) if r.drug_results]
    return with_test[-1] if with_test else None


def latest_top(reviews: Iterable[Rev]) -> Rev | None:
    with_top = [
        r for r in _ordered(reviews) if r.opiates_days is not None or r.injected_days is not None
    ]
    return with_top[-1] if with_top else None


@dataclass(frozen=True)
class Change:
    """One patient's start TOP against their latest later TOP in an episode."""

    on: dt.date  # the latest TOP's date
    opioids_at_start: bool
    opioids_stopped: bool
    injecting_at_start: bool
    injecting_stopped: bool
    barc10: int | None  # the latest later BARC-10 total minus the start's


def _has_top(r: Rev) -> bool:
    return r.opiates_days is not None or r.injected_days is not None


def top_change(reviews: Iterable[Rev], episode_id: int) -> Change | None:
    """The change since the start TOP: the episode's first finalised start review with a
    TOP, and the latest finalised review after it (by date, then when finalised) with a
    TOP; None without both. "Stopped" is 0 days at the latest of what was > 0 at start."""
    own = _ordered(r for r in reviews if r.episode_id == episode_id)
    start_at = next((n for n, r in enumerate(own) if r.kind == "start" and _has_top(r)), None)
    if start_at is None:
        return None
    start = own[start_at]
    later = [r for r in own[start_at + 1 :] if _has_top(r)]
    if not later:
        return None
    last = later[-1]
    barcs = [r.barc10_total for r in own[start_at + 1 :] if r.barc10_total is not None]
    return Change(
        on=last.date,
        opioids_at_start=(start.opiates_days or 0) > 0,
        opioids_stopped=(start.opiates_days or 0) > 0 and last.opiates_days == 0,
        injecting_at_start=(start.injected_days or 0) > 0,
        injecting_stopped=(start.injected_days or 0) > 0 and last.injected_days == 0,
        barc10=None if start.barc10_total is None or not barcs else barcs[-1] - start.barc10_total,
    )


def _change_word(at_start: bool, stopped: bool) -> str:
    return "" if not at_start else "stopped" if stopped else "still"


# -- the one derivation ----------------------------------------------------------------
def derive(src: Sources, today: dt.date) -> RowCaches:
    reviews = _ordered(src.reviews)
    episodes = sorted(src.episodes, key=lambda e: (e.start, e.id))
    open_ep = next((e for e in episodes if e.end is None), None)
    ended = [e for e in episodes if e.end is not None]
    last_exit = max(ended, key=lambda e: (e.end or e.start, e.id)) if ended else None

    due, reason = None, ""
    if open_ep is not None and src.status != "deceased":
        own = [r for r in reviews if r.episode_id == open_ep.id and r.kind != "post_exit_checkup"]
        if own:
            due, reason = own[-1].next_review_date, own[-1].next_review_reason
        else:
            due = start_review_due(open_ep.start)
    strategic = [r for r in reviews if r.kind in MOVES_SCHEDULE]
    last_strategic = strategic[-1] if strategic else None

    periods = [(r.start, r.end) for r in src.prescriptions]
    now = in_force(src.prescriptions, today)
    change = next_change(src.prescriptions, today)
    then = in_force(src.prescriptions, change) if change else None

    barcs = [r.barc10_total for r in reviews if r.barc10_total is not None]
    barc_days = [r.date for r in reviews if r.barc10_total is not None]
    top = latest_top(reviews)
    test = latest_test(reviews)
    hbv_status = health.latest(src.health, "hep_b_status")

    checkup_due = None
    if src.status == "post_exit_checkups" and open_ep is None and last_exit is not None:
        assert last_exit.end is not None
        done = sum(1 for r in reviews if r.kind == "post_exit_checkup" and r.date >= last_exit.end)
        checkup_due = checkup_due_after(last_exit.end, src.checkups_planned or CHECKUPS, done)
    unsuccessful = None
    if open_ep is None and last_exit is not None:
        group = EXIT_REASONS.get(last_exit.exit_reason, ("", ExitGroup.NEUTRAL))[1]
        if group is ExitGroup.UNSUCCESSFUL:
            unsuccessful = last_exit.end

    since = top_change(reviews, open_ep.id) if open_ep is not None else None
    return RowCaches(
        status=src.status,
        children_under_16=src.children_under_16,
        safe_storage_discussed=src.safe_storage_discussed,
        next_review_due=_day(due),
        next_review_reason=reason,
        last_strategic_review=last_strategic.date if last_strategic else None,
        last_ost_decision=last_strategic.ost_decision if last_strategic else "",
        episode_start=open_ep.start if open_ep else None,
        ost_continuous_start=_day(continuous_start(periods, today)),
        current_medicine=now.medicine if now else "",
        current_dose_mg=now.dose_mg if now else None,
        ecg_date=now.ecg_date if now else None,
        missed_doses_in_row=now.missed_doses_in_row if now else 0,
        sedatives=now.sedatives if now else "",
        dose_change_on=change,
        pending_medicine=then.medicine if then else "",
        pending_dose_mg=then.dose_mg if then else None,
        pending_ost_start=_day(continuous_start(periods, change)) if change else None,
        last_barc10_total=barcs[-1] if barcs else None,
        barc10_previous=barcs[-2] if len(barcs) >= 2 else None,
        last_naloxone=health.last_naloxone(src.health),
        last_hcv_test=health.last_hcv_test(src.health),
        hbv_course_completed=health.hbv_completed(src.health),
        hbv_not_needed=hbv_status.date
        if hbv_status and hbv_status.result in HBV_NOT_NEEDED
        else None,
        injecting_recorded=currently_injecting(src.health, reviews),
        top_opioid_use=top.date if top and (top.opiates_days or 0) > 0 else None,
        top_shared=top.date if top and top.shared else None,
        last_unexpected_test=test.test_date
        if test and test_problems(test, src.prescriptions)
        else None,
        next_checkup_due=_day(checkup_due),
        next_linkage_followup=src.next_linkage_followup,
        agreed_plan_on=src.agreed_on,
        agreed_plan_substance_goal=src.agreed_on if src.agreed_substance_goal else None,
        unsuccessful_exit=unsuccessful,
        top_change_on=since.on if since else None,
        top_opioids_change=_change_word(since.opioids_at_start, since.opioids_stopped)
        if since
        else "",
        top_injecting_change=_change_word(since.injecting_at_start, since.injecting_stopped)
        if since
        else "",
        barc10_change=since.barc10 if since else None,
        barc10_on=max(barc_days) if barc_days else None,
        mutual_aid_on=src.mutual_aid_on,
        family_considered=src.family_members > 0 or src.family_involvement in FAMILY_CONSIDERED,
        hbv_immune=hbv_status.date if hbv_status and hbv_status.result in HBV_IMMUNE else None,
        completion_days=completion.as_text(completion.days(episodes)),
    )


def for_new_patient(status: str, today: dt.date) -> dict[str, object]:
    """Every row cache of a patient with no source rows yet (an imported one): `derive`
    over empty sources, so a bulk insert stores exactly what `check` expects."""
    expected = derive(Sources(status=status), today)
    return {name: getattr(expected, name) for name in CACHE_FIELDS}


def currently_injecting(events: Iterable[health.Event], reviews: Iterable[Rev]) -> dt.date | None:
    """The date of the latest record saying so, when the latest record of injecting — a
    health record's injecting status or a TOP's days injected — says "currently"; a
    later TOP with 0 days injected, or a later status, clears it. On one day a health
    record outranks a TOP, and of two records the later recorded wins (events and
    reviews come in their recorded order)."""
    said: list[tuple[dt.date, int, int, bool]] = [
        (r.date, 0, n, r.injected_days > 0)
        for n, r in enumerate(reviews)
        if r.injected_days is not None
    ]
    said += [
        (e.date, 1, n, e.result == "currently")
        for n, e in enumerate(events)
        if e.kind == "injecting_status"
    ]
    if not said:
        return None
    day, _, _, yes = max(said)
    return day if yes else None


def effective(c: RowCaches, today: dt.date) -> RowCaches:
    """The caches as they stand today: a pending prescription change whose date has come
    is in force (no write happens on that date)."""
    if c.dose_change_on is None or c.dose_change_on > today:
        return c
    moved = bool(c.pending_medicine) and bool(c.current_medicine)
    return replace(
        c,
        current_medicine=c.pending_medicine,
        current_dose_mg=c.pending_dose_mg,
        ost_continuous_start=c.pending_ost_start,
        # a new dose row starts with no missed doses; ECG and sedatives carry over
        missed_doses_in_row=0,
        ecg_date=c.ecg_date if moved else None,
        sedatives=c.sedatives if moved else "",
        dose_change_on=None,
        pending_medicine="",
        pending_dose_mg=None,
        pending_ost_start=None,
    )


def mismatches(stored: RowCaches, expected: RowCaches, today: dt.date) -> list[str]:
    """The cache names whose stored value (as it stands today) is not the derived one."""
    now = effective(stored, today)
    return [n for n in CACHE_FIELDS if getattr(now, n) != getattr(expected, n)]


def _day(value: dt.date | None) -> dt.date | None:
    """A plain date (pendulum dates compare equal but are another type)."""
    return None if value is None else dt.date(value.year, value.month, value.day)
