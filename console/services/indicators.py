"""Practice indicators (SPEC §3 screen 8, §4; issue 17): the dashboard, its drill-down
lists and the report, for today or a past date and optionally one keyworker.

Today reads the row caches in one pass over `patient` (db.queries.indicators.counts);
a past date derives each patient's caches from the source rows as they stood
(`console.rules.caches.derive`, the one derivation every write path uses) and applies
the same definitions (`console.rules.indicators.membership`). Viewing the numbers is
read only; producing a report, and opening a drill-down list (one event naming its
patients), is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pendulum
from sqlmodel import Session

from console.rules import caches as cache_rules
from console.rules import health as health_rules
from console.rules import indicators as rules
from console.rules.schedule import CHECKUPS
from console.services.dto import PatientRow
from console.services.errors import Invalid
from console.services.patients import PatientService
from console.services.roles import Action
from console.services.validated import validated
from db.queries import indicators as q
from db.queries.patients import barc10_threshold

if TYPE_CHECKING:
    from console.services import Services

ACTION = Action.VIEW_REPORTS


@dataclass(frozen=True)
class Band:
    label: str
    patients: int
    considered: int  # with a considered OST decision (no drift flag)


@dataclass(frozen=True)
class Dashboard:
    as_at: dt.date
    keyworker: str  # the login filtered by, "" for the whole practice
    counts: tuple[rules.Count, ...]
    from_history: bool  # a past date, derived from the source rows
    ost_bands: tuple[Band, ...] = ()
    outcomes: rules.Outcomes | None = None  # None: not counted (`outcomes=False`)

    def count(self, key: str) -> rules.Count:
        return next(c for c in self.counts if c.key == key)


@dataclass(frozen=True)
class Members:
    """The patients behind one indicator: the denominator and the numerator."""

    denominator: frozenset[int]
    numerator: frozenset[int]


@validated
class IndicatorService:
    def __init__(self, services: Services) -> None:
        self._s = services

    # -- the numbers -------------------------------------------------------------------
    def dashboard(
        self, as_at: dt.date | None = None, keyworker: str = "", *, outcomes: bool = True
    ) -> Dashboard:
        """The numbers; today's without the TOP outcomes when `outcomes` is False (the
        screen paints the indicators first and asks `outcomes` in a worker of its own)."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            return self._dashboard(session, day, keyworker, kw, outcomes=outcomes)

    def outcomes(self, as_at: dt.date | None = None, keyworker: str = "") -> rules.Outcomes:
        """Start TOP to the latest, for the active caseload (today from the open episodes'
        reviews, a past date from history)."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            if not self._today(day):
                return self._derived(session, day, kw)[2]
            return self._outcomes(session, rules.limits(day), kw)

    def report(
        self, as_at: dt.date | None = None, keyworker: str = "", *, what: str = "text"
    ) -> tuple[Dashboard, dict[str, tuple[PatientRow, ...]]]:
        """The numbers for a report, audited; with `what` ending "+patients", the gap
        list of each indicator too (the event then names every patient listed)."""
        day = self._day(as_at)
        lists: dict[str, tuple[PatientRow, ...]] = {}
        with self._s.uow.write(self._s.staff, ACTION) as tx:
            kw = self._keyworker(tx.session, keyworker)
            board = self._dashboard(tx.session, day, keyworker, kw)
            if what.endswith("+patients"):
                for key in rules.KEYS:
                    lists[key] = self._list(tx.session, day, key, kw, meeting=False)
            ids = sorted({r.id for rows in lists.values() for r in rows})
            tx.audit(
                "indicators.report",
                entity="indicators",
                patient_ids=ids,
                detail={"as_at": day.isoformat(), "keyworker": keyworker, "format": what},
            )
        return board, lists

    def patients(
        self,
        key: str,
        as_at: dt.date | None = None,
        keyworker: str = "",
        *,
        meeting: bool | None = False,
    ) -> tuple[PatientRow, ...]:
        """The patients behind an indicator: by default those in its denominator NOT
        meeting it (the gap staff act on); `meeting=True` the numerator, None all of the
        denominator. Audited as one event listing the patients."""
        if key not in rules.BY_KEY:
            raise Invalid({"indicator": "no such indicator"})
        day = self._day(as_at)
        with self._s.uow.write(self._s.staff, ACTION) as tx:
            kw = self._keyworker(tx.session, keyworker)
            rows = self._list(tx.session, day, key, kw, meeting=meeting)
            tx.audit(
                "indicators.patients",
                entity="indicators",
                patient_ids=[r.id for r in rows],
                detail={
                    "indicator": key,
                    "as_at": day.isoformat(),
                    "keyworker": keyworker,
                    "which": {False: "gap", True: "meeting", None: "all"}[meeting],
                    "patients": len(rows),
                },
            )
        return rows

    def trend(
        self,
        keyworker: str = "",
        months: int = 12,
        progress: Callable[[int, int], None] | None = None,
        as_at: dt.date | None = None,
    ) -> tuple[Dashboard, ...]:
        """The dashboard as at each of the last `months` month ends up to `as_at` (oldest
        first; the last point is `as_at` itself, today by default), from history."""
        end = self._day(as_at)
        last = pendulum.date(end.year, end.month, end.day)
        ends = [last.subtract(months=n).end_of("month") for n in range(months - 1, 0, -1)]
        days = [dt.date(d.year, d.month, d.day) for d in ends] + [end]
        out: list[Dashboard] = []
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            for n, day in enumerate(days):
                out.append(self._history_board(session, day, keyworker, kw))
                if progress is not None:
                    progress(n + 1, len(days))
        return tuple(out)

    def history_members(
        self, as_at: dt.date | None = None, keyworker: str = ""
    ) -> dict[str, Members]:
        """Every indicator's patients, derived from history (any date, today included)."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            return self._members(session, day, kw)

    def history_dashboard(self, as_at: dt.date | None = None, keyworker: str = "") -> Dashboard:
        """The dashboard derived from history even for today (the check on the caches)."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            return self._history_board(session, day, keyworker, kw)

    # -- inside a session --------------------------------------------------------------
    def _day(self, as_at: dt.date | None) -> dt.date:
        today = _plain(self._s.clock.today())
        if as_at is None:
            return today
        if as_at > today:
            raise Invalid({"as_at": "the date cannot be after today"})
        if as_at.year < 1900:
            raise Invalid({"as_at": "the date cannot be before 1900"})
        return _plain(as_at)

    @staticmethod
    def _keyworker(session: Session, login: str) -> int | None:
        if not login:
            return None
        found = q.keyworker_id(session=session, login=login)
        if found is None:
            raise Invalid({"keyworker": "no member of staff has that login"})
        return found

    def _today(self, day: dt.date) -> bool:
        return day == _plain(self._s.clock.today())

    def _dashboard(
        self, session: Session, day: dt.date, login: str, kw: int | None, *, outcomes: bool = True
    ) -> Dashboard:
        if not self._today(day):
            return self._history_board(session, day, login, kw)
        lim = rules.limits(day)
        found, bands, tops = q.counts(session=session, lim=lim, keyworker_id=kw)
        done = q.completers(session=session, lim=lim, keyworker_id=kw)
        counts = []
        for key in rules.KEYS:
            num, den = found[key]
            if key == "successful_completion":
                num = len(done)
            counts.append(rules.Count(key, num, den))
        return Dashboard(
            day,
            login,
            tuple(counts),
            from_history=False,
            ost_bands=_bands([list(b) for b in bands]),
            outcomes=self._outcomes(session, lim, kw, tops) if outcomes else None,
        )

    @staticmethod
    def _outcomes(
        session: Session, lim: rules.Limits, kw: int | None, tops: list[int] | None = None
    ) -> rules.Outcomes:
        """From the row caches: the counts of the one pass, the median from a count of
        each BARC-10 change."""
        if tops is None:
            tops = q.counts(session=session, lim=lim, keyworker_id=kw)[2]
        spread = q.barc10_changes(session=session, lim=lim, keyworker_id=kw)
        values = sorted(spread)
        n = sum(spread.values())

        def at(k: int) -> int:  # the k-th smallest change (0-based)
            for v in values:
                k -= spread[v]
                if k < 0:
                    return v
            raise IndexError(k)

        middle = None if n == 0 else (at((n - 1) // 2) + at(n // 2)) / 2
        patients, o_start, o_stop, i_start, i_stop = tops
        return rules.Outcomes(patients, o_start, o_stop, i_start, i_stop, n, middle)

    def _history_board(
        self, session: Session, day: dt.date, login: str, kw: int | None
    ) -> Dashboard:
        members, bands, outcomes = self._derived(session, day, kw)
        counts = tuple(
            rules.Count(k, len(members[k].numerator), len(members[k].denominator))
            for k in rules.KEYS
        )
        return Dashboard(
            day, login, counts, from_history=True, ost_bands=_bands(bands), outcomes=outcomes
        )

    def _members(self, session: Session, day: dt.date, kw: int | None) -> dict[str, Members]:
        return self._derived(session, day, kw)[0]

    def _derived(
        self, session: Session, day: dt.date, kw: int | None
    ) -> tuple[dict[str, Members], list[list[int]], rules.Outcomes]:
        """Every indicator's patients, the OST bands and the TOP outcomes, from history."""
        lim = rules.limits(day)
        hist = q.history(session=session, as_at=day, keyworker_id=kw)
        den: dict[str, set[int]] = {k: set() for k in rules.KEYS}
        num: dict[str, set[int]] = {k: set() for k in rules.KEYS}
        bands = [[0, 0] for _ in rules.OST_BANDS]
        changes: list[rules.Change] = []
        for pat in hist["patients"]:
            facts = history_facts(pat, hist, day, lim)
            for key, (inn, meets) in rules.membership(facts, lim).items():
                if inn:
                    den[key].add(pat["id"])
                if meets:
                    num[key].add(pat["id"])
            place = rules.ost_position(facts, lim)
            if place is not None:
                bands[place[0]][0] += 1
                bands[place[0]][1] += place[1]
            change = rules.change_of(facts.caches)
            if change is not None and facts.open_episode and not facts.deceased:
                changes.append(change)
        members = {k: Members(frozenset(den[k]), frozenset(num[k])) for k in rules.KEYS}
        return members, bands, rules.outcomes(changes)

    def _list(
        self, session: Session, day: dt.date, key: str, kw: int | None, *, meeting: bool | None
    ) -> tuple[PatientRow, ...]:
        today = self._s.clock.today()
        threshold = barc10_threshold(session=session)
        if self._today(day):
            lim = rules.limits(day)
            ids = None
            if key == "successful_completion":
                ids = q.completers(session=session, lim=lim, keyworker_id=kw)
            rows = q.listing(
                session=session, lim=lim, key=key, keyworker_id=kw, meeting=meeting, ids=ids
            )
        else:
            m = self._members(session, day, kw)[key]
            chosen = {
                None: m.denominator,
                True: m.numerator,
                False: m.denominator - m.numerator,
            }[meeting]
            rows = q.by_ids(session=session, ids=set(chosen)) if chosen else []
        return tuple(PatientService._row(r, (), today, True, threshold) for r in rows)


# -- one patient as at a date, from history ----------------------------------------------
def history_facts(pat: Any, hist: dict[str, Any], day: dt.date, lim: rules.Limits) -> rules.Facts:
    pid = pat["id"]
    all_eps = hist["episodes"].get(pid, [])
    eps = [
        cache_rules.Ep(
            e["id"],
            _date(e["start_date"]),
            _date(e["end_date"]) if e["end_date"] and _date(e["end_date"]) <= day else None,
            e["exit_reason"] if e["end_date"] and _date(e["end_date"]) <= day else "",
        )
        for e in all_eps
        if _date(e["start_date"]) <= day
    ]
    died = _date_or_none(pat["date_of_death"])
    deceased = (died is not None and died <= day) or (died is None and pat["status"] == "deceased")
    reviews = [_rev(m) for m in hist["reviews"].get(pid, [])]
    reviews = [r for r in reviews if r.date <= day]
    status = _status_at(pat, all_eps, eps, reviews, day, deceased)
    rx = [
        cache_rules.Rx(
            m["medicine"], m["dose_mg"], _date(m["start_date"]), _date_or_none(m["end_date"])
        )
        for m in hist["rx"].get(pid, [])
    ]
    events = [
        health_rules.Event(m["kind"], _date(m["check_date"]), m["result"])
        for m in hist["health"].get(pid, [])
    ]
    plan = hist["plans"].get(pid)
    agreed_on: dt.date | None = None
    live = False
    if plan is not None:
        agreed_on = _date_or_none(plan["agreed_on"]) or dt.date(1900, 1, 1)
        goals = hist["goals"].get(plan["id"], [])
        from console.rules.careplan import has_live_substance_goal

        live = has_live_substance_goal((g["domain"], g["status"]) for g in goals)
    src = cache_rules.Sources(
        status=status,
        checkups_planned=pat["checkups_planned"],
        children_under_16=pat["children_under_16"],
        safe_storage_discussed=_date_or_none(pat["safe_storage_discussed"]),
        episodes=eps,
        prescriptions=rx,
        reviews=reviews,
        health=events,
        agreed_on=agreed_on,
        agreed_substance_goal=live,
    )
    caches = cache_rules.derive(src, pendulum.date(day.year, day.month, day.day))
    hbv = health_rules.latest(events, "hep_b_status")
    in_window, completed = rules.completion(eps, lim)
    barcs = [r.date for r in reviews if r.barc10_total is not None]
    return rules.Facts(
        caches=caches,
        deceased=deceased,
        open_episode=caches.episode_start is not None,
        post_exit=status == rules.POST_EXIT,
        barc10_on=max(barcs) if barcs else None,
        mutual_aid_attended=pid in hist["attended"],
        family_considered=pid in hist["family"]
        or pat["family_involvement"] in rules.FAMILY_CONSIDERED,
        hbv_immune=hbv is not None and hbv.result in rules.HBV_IMMUNE,
        in_window=in_window,
        completed=completed,
    )


def _status_at(
    pat: Any,
    all_eps: list[Any],
    eps: list[cache_rules.Ep],
    reviews: list[cache_rules.Rev],
    day: dt.date,
    deceased: bool,
) -> str:
    """The patient's status as it stood on the day: today's when no episode has started or
    ended since; else in treatment with an episode open, post-exit check-ups after a
    successful exit while fewer than the planned check-ups were done, or discharged."""
    if deceased:
        return "deceased"
    if any(e.end is None for e in eps):
        return "in_treatment"
    moved = any(
        _date(e["start_date"]) > day or (e["end_date"] is not None and _date(e["end_date"]) > day)
        for e in all_eps
    )
    now = pat["status"] if pat["status"] != "deceased" else pat["status_before_death"]
    if not moved:
        return now or "discharged"
    ended = [e for e in eps if e.end is not None]
    if not ended:
        return "discharged"
    last = max(ended, key=lambda e: (e.end or e.start, e.id))
    assert last.end is not None
    if last.exit_reason not in rules.SUCCESSFUL_EXITS:
        return "discharged"
    done = sum(1 for r in reviews if r.kind == "post_exit_checkup" and r.date >= last.end)
    return rules.POST_EXIT if done < (pat["checkups_planned"] or CHECKUPS) else "discharged"


def _bands(bands: list[list[int]]) -> tuple[Band, ...]:
    return tuple(Band(lbl, n, c) for lbl, (n, c) in zip(rules.OST_BANDS, bands, strict=True))


def _rev(m: Any) -> cache_rules.Rev:
    return cache_rules.Rev(
        id=m["id"],
        kind=m["kind"],
        date=_date(m["review_date"]),
        episode_id=m["episode_id"],
        finalised_at=m["finalised_at"] or "",
        next_review_date=_date_or_none(m.get("next_review_date")),
        next_review_reason=m.get("next_review_reason") or "",
        ost_decision=m.get("ost_decision") or "",
        barc10_total=m["barc10_total"],
        opiates_days=m["opiates_days"],
        injected_days=m["injected_days"],
        shared=bool(m.get("shared_needle") or m.get("shared_paraphernalia")),
    )


def _plain(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return _plain(value)
    return dt.date.fromisoformat(str(value))


def _date_or_none(value: object) -> dt.date | None:
    return None if value is None else _date(value)
