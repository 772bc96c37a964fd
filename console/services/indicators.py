"""Practice indicators (SPEC §3 screen 8, §4; issue 17): the dashboard, its drill-down
lists and the report, for today or a past date and optionally one keyworker.

Today sums the kept tallies (console.services.tallies; one pass over the row caches is
their check, `scan_dashboard`); a past date sums the kept indicator history
(console.services.history_tallies), checked against the as-at SQL over the source rows
(console.services.indicator_asat, which also gives a past date's patient lists) and the
Python derivation from history (console.services.indicator_history). Viewing
the numbers is read only; producing a report, and opening a drill-down list (one event
naming its patients), is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pendulum
from sqlmodel import Session

from console.rules import indicators as rules
from console.rules import tallies
from console.services import history_tallies as kept_history
from console.services import indicator_asat as asat
from console.services import indicator_history as history
from console.services.dto import PatientRow
from console.services.errors import Invalid
from console.services.indicator_history import Members
from console.services.patients import list_rows
from console.services.roles import Action
from console.services.validated import validated
from db.queries import indicators as q
from db.queries import tallies as tq
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
                _, _, tops, spread = _from_tallies(kept_history.sums(session, day, kw))
                return _outcomes(tops, spread)
            lim = rules.limits(day)
            if day < tq.floor(session.connection()):  # a clock behind the tallies
                tops = q.outcome_counts(session=session, lim=lim, keyworker_id=kw)
                return _outcomes(tops, q.barc10_changes(session=session, lim=lim, keyworker_id=kw))
            _, _, tops, spread = _from_tallies(tq.sums(session.connection(), day, kw))
            return _outcomes(tops, spread)

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
                # a past date: every indicator's patients from one as-at pass
                past = None if self._today(day) else asat.members(tx.session, day, kw)
                for key in rules.KEYS:
                    lists[key] = self._list(tx.session, day, key, kw, meeting=False, past=past)
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
        self, as_at: dt.date | None = None, keyworker: str = "", *, sql: bool = False
    ) -> dict[str, Members]:
        """Every indicator's patients from history (any date, today included): derived
        in Python from every source row (the check), or with `sql` the as-at SQL."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            if sql:
                return asat.members(session, day, kw)
            return history.derived(session, day, kw)[0]

    def history_dashboard(
        self, as_at: dt.date | None = None, keyworker: str = "", *, sql: bool = False
    ) -> Dashboard:
        """The dashboard from history even for today: derived in Python (the check on
        the caches and on the as-at SQL), or with `sql` the as-at SQL."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            if sql:
                return self._sql_board(session, day, keyworker, kw)
            members, bands, outcomes = history.derived(session, day, kw)
            counts = tuple(
                rules.Count(k, len(members[k].numerator), len(members[k].denominator))
                for k in rules.KEYS
            )
            return Dashboard(
                day, keyworker, counts, True, ost_bands=_bands(bands), outcomes=outcomes
            )

    def kept_history_dashboard(
        self, as_at: dt.date | None = None, keyworker: str = ""
    ) -> Dashboard:
        """The dashboard from the kept indicator history, for any date (today included):
        what a past date shows, for the checks against today's tallies and the SQL."""
        day = self._day(as_at)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            return self._history_board(session, day, keyworker, kw)

    def scan_dashboard(self, keyworker: str = "") -> Dashboard:
        """Today's dashboard from one pass over the row caches rather than the kept
        tallies (the check on the tallies, and the benchmark's raw select)."""
        day = self._day(None)
        with self._s.uow.read(self._s.staff, ACTION) as session:
            kw = self._keyworker(session, keyworker)
            return self._dashboard(session, day, keyworker, kw, scan=True)

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
        self,
        session: Session,
        day: dt.date,
        login: str,
        kw: int | None,
        *,
        outcomes: bool = True,
        scan: bool = False,
    ) -> Dashboard:
        """Today from the kept tallies (`scan`: from one pass over the caches instead, the
        check on the tallies); a past date from history."""
        if not self._today(day):
            return self._history_board(session, day, login, kw)
        lim = rules.limits(day)
        scan = scan or day < tq.floor(session.connection())  # a clock behind the tallies
        if scan:
            found, bands, tops = q.counts(
                session=session, lim=lim, keyworker_id=kw, outcomes=outcomes
            )
            spread = q.barc10_changes(session=session, lim=lim, keyworker_id=kw) if outcomes else {}
            # the completion numerator from the episodes again (`completers`)
            done = q.completers(session=session, lim=lim, keyworker_id=kw)
            found["successful_completion"] = (len(done), found["successful_completion"][1])
        else:
            found, bands, tops, spread = _from_tallies(tq.sums(session.connection(), day, kw))
        counts = [rules.Count(key, *found[key]) for key in rules.KEYS]
        return Dashboard(
            day,
            login,
            tuple(counts),
            from_history=False,
            ost_bands=_bands([list(b) for b in bands]),
            outcomes=_outcomes(tops, spread) if outcomes else None,
        )

    @staticmethod
    def _history_board(session: Session, day: dt.date, login: str, kw: int | None) -> Dashboard:
        """A past date, from the kept indicator history."""
        found, bands, tops, spread = _from_tallies(kept_history.sums(session, day, kw))
        counts = tuple(rules.Count(key, *found[key]) for key in rules.KEYS)
        return Dashboard(
            day,
            login,
            counts,
            from_history=True,
            ost_bands=_bands([list(b) for b in bands]),
            outcomes=_outcomes(tops, spread),
        )

    @staticmethod
    def _sql_board(session: Session, day: dt.date, login: str, kw: int | None) -> Dashboard:
        """A date from the source rows as they stood (the as-at SQL): the check on the
        kept history."""
        found, bands, outcomes = asat.board(session, day, kw)
        counts = tuple(rules.Count(k, *found[k]) for k in rules.KEYS)
        return Dashboard(
            day, login, counts, from_history=True, ost_bands=_bands(bands), outcomes=outcomes
        )

    def _list(
        self,
        session: Session,
        day: dt.date,
        key: str,
        kw: int | None,
        *,
        meeting: bool | None,
        past: dict[str, Members] | None = None,
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
            m = (past or asat.members(session, day, kw, key))[key]
            chosen = {
                None: m.denominator,
                True: m.numerator,
                False: m.denominator - m.numerator,
            }[meeting]
            rows = q.by_ids(session=session, ids=set(chosen)) if chosen else []
        return tuple(list_rows([((), r) for r in rows], today, True, threshold))


def _from_tallies(
    sums: dict[str, int],
) -> tuple[dict[str, tuple[int, int]], list[tuple[int, int]], list[int], dict[int, int]]:
    """Today's tally sums as the counts, bands, outcome counts and BARC-10 changes."""
    found = {k: (sums.get(f"{k}__n", 0), sums.get(f"{k}__d", 0)) for k in tallies.RATIO_KEYS}
    bands = [(sums.get(f"band{n}", 0), sums.get(f"considered{n}", 0)) for n in range(tallies.BANDS)]
    tops = [sums.get(name, 0) for name in tallies.OUTCOME_NAMES]
    cut = len(tallies.BARC10_CHANGE)
    spread = {
        int(name[cut:]): n
        for name, n in sums.items()
        if name.startswith(tallies.BARC10_CHANGE) and n
    }
    return found, bands, tops, spread


def _outcomes(tops: list[int], spread: dict[int, int]) -> rules.Outcomes:
    """The start-TOP outcomes from their counts, the median from a count of each BARC-10
    change."""
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


def _bands(bands: list[list[int]]) -> tuple[Band, ...]:
    return tuple(Band(lbl, n, c) for lbl, (n, c) in zip(rules.OST_BANDS, bands, strict=True))


def _plain(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)
