"""Patients built through the services only, and a clock that moves, for the derived-state
tests (issue 12) and the state machine."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pendulum
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from console.clock import DEFAULT_TZ
from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput
from console.services.dto import PatientInput, PatientRow, PrescriptionInput
from console.services.review_dto import GoalReviewInput, ReviewInput
from tests.services.review_setup import top_values


class MovingClock:
    """A practice clock the test moves forward (a day at a time or more)."""

    def __init__(self, at: pendulum.DateTime, tz: str = DEFAULT_TZ) -> None:
        self.tz = tz
        self._at = at.in_timezone(tz)

    def now(self) -> pendulum.DateTime:
        return self._at

    def today(self) -> pendulum.Date:
        return self._at.date()

    def advance(self, days: int) -> None:
        self._at = self._at.add(days=days)


def staff(engine: Engine, clock: MovingClock, *roles: str) -> Services:
    """Services for a member of staff with these roles (the first account is the admin)."""
    admin = Services(engine, login="tester", clock=clock)
    admin.identify()
    login = "-".join(roles) or "tester"
    if login != "tester":
        if login not in {m.login for m in admin.staff_admin.list()}:
            admin.staff_admin.add(login, login.title(), list(roles))
        member = Services(engine, login=login, clock=clock)
        member.identify()
        return member
    return admin


def register(s: Services, nhs: str, family: str = "Quarrington", given: str = "Leah") -> int:
    return s.patients.register(PatientInput(nhs, family, given, "12/03/1980")).id


def methadone(dose: float, start: dt.date | None = None) -> PrescriptionInput:
    return PrescriptionInput("methadone_oral", dose, dispensing="supervised", start_date=start)


def agreed_plan(
    s: Services, pid: int, domains: tuple[str, ...] = ("substance_use", "housing")
) -> None:
    view = s.careplans.open(pid)
    for domain in domains:
        view = s.careplans.add_goal(
            pid,
            view.plan_id,
            view.row_version,
            GoalInput(domain, f"goal for {domain}", owner="Leah"),
        )
    today = s.clock.today()
    s.careplans.agree(pid, view.plan_id, view.row_version, AgreeInput(f"{today:%d/%m/%Y}", "Leah"))


def in_treatment(
    s: Services, nhs: str, *, since: dt.date, dose: float | None = 60, plan: bool = True
) -> int:
    """Registered, an episode open since `since`, on methadone from then, a plan agreed."""
    pid = register(s, nhs)
    s.episodes.start(pid, since)
    if dose is not None:
        s.episodes.change_prescription(pid, methadone(dose, since))
    if plan:
        agreed_plan(s, pid)
    return pid


def review_input(s: Services, pid: int, **changes: object) -> ReviewInput:
    """A complete strategic review: every current goal reviewed in progress, continue."""
    goals = {g.goal_key: GoalReviewInput("in_progress") for g in s.careplans.open(pid).goals}
    data = ReviewInput(
        top=top_values(),
        barc10=(4,) * 10,
        goals=goals,
        ost_decision="continue_maintenance",
        ost_rationale="stable, wants to stay on this dose",
        next_review_date=s.clock.today().add(months=6),
    )
    return replace(data, **changes)  # type: ignore[arg-type]


def finalise(s: Services, pid: int, kind: str = "strategic", **changes: object) -> int:
    draft = s.reviews.start(pid, kind)
    done = s.reviews.finalise(draft.id, draft.version, review_input(s, pid, **changes))
    return done.id


def row(s: Services, pid: int) -> PatientRow:
    return next(r for r in s.patients.search("quarrington").rows if r.id == pid)


def alerts(s: Services, pid: int, letter: str | None = None) -> list[str]:
    return [a.text for a in s.summary.open(pid).alerts if letter is None or a.letter == letter]


def every_row(s: Services, **filters: object) -> list:  # type: ignore[type-arg]
    rows, after = [], None
    while True:
        page = s.patients.search("", after=after, **filters)  # type: ignore[arg-type]
        rows += page.rows
        if not page.more:
            return rows
        after = page.rows[-1].sort_key


def fast_commits(engine: Engine) -> None:
    """This test is about derived values, not durability: SQLite commits without waiting
    for the disk (the product keeps synchronous=FULL)."""
    if engine.dialect.name == "sqlite":
        event.listen(
            engine,
            "connect",
            lambda conn, _: conn.execute("PRAGMA synchronous=OFF"),
            insert=False,
        )
        engine.dispose()


def update_record(s: Services, pid: int | None, **fields: object) -> None:
    """Save the patient's record with these fields changed (as the form would)."""
    assert pid is not None
    r = s.patients.demographics(pid)
    data = PatientInput(
        r.nhs_number, r.family_name, r.given_name, f"{r.date_of_birth:%d/%m/%Y}", **fields
    )  # type: ignore[arg-type]
    s.patients.update(pid, r.version, data)


def same_numbers(a: object, b: object) -> bool:
    """Two dashboards' counts, OST bands and outcomes (not how they were made)."""
    return (a.counts, a.ost_bands, a.outcomes) == (b.counts, b.ost_bands, b.outcomes)  # type: ignore[attr-defined]


def everything_is_right(admin: Services, clin: Services, window: set[int]) -> None:
    """The whole check: every cache and tally, the dashboard from the tallies against one
    pass (practice and each keyworker), the list's flags against their SQL twin, and for a
    few patients touched lately the list's letters against the summary's alerts."""
    from console.rules.flags import letters
    from console.services.indicators import IndicatorService

    result = admin.caches.check()
    assert result.mismatches == (), [str(m) for m in result.mismatches]
    assert result.tallies == (), [str(m) for m in result.tallies]
    assert result.history == (), [str(m) for m in result.history]
    past = clin.clock.today().subtract(days=40)
    for login in ("", admin.staff.login, clin.staff.login):
        board = IndicatorService(clin)
        today = board.dashboard(keyworker=login)
        assert today == board.scan_dashboard(login), login
        assert same_numbers(board.kept_history_dashboard(keyworker=login), today), login
        kept = board.kept_history_dashboard(past, login)
        assert same_numbers(kept, board.history_dashboard(past, login, sql=True)), login
    listed = {r.id: r.flags for r in every_row(clin)}
    flagged = {r.id for r in every_row(clin, flagged=True)}
    assert flagged == {pid for pid, flags in listed.items() if flags}  # the SQL twin
    for pid in sorted(window)[:3]:  # the list says what the summary says
        assert listed[pid] == letters(a.letter for a in clin.summary.open(pid).alerts)


# -- `recovery-console check` through the command line ----------------------------------------
def db_arg(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def check_admin(engine: Engine) -> Services:
    """The admin the command runs as (the OS login), added through the product."""
    from console.identity import os_login

    admin = staff(engine, MovingClock(pendulum.now("Europe/London")))
    admin.staff_admin.add(os_login(""), "Practice Admin", ["admin"])
    return admin


def check_finds_then_repairs(
    engine: Engine, capsys: pytest.CaptureFixture[str], found: str, rebuilt: str = ""
) -> str:
    """`check` fails naming `found`; `check --repair` repairs (saying `rebuilt`); `check`
    then passes. The first check's output, for the caller's own assertions."""
    from console.cli import main

    assert main(["--db", db_arg(engine), "check"]) == 1
    out = capsys.readouterr()
    assert found in out.out
    assert main(["--db", db_arg(engine), "check", "--repair"]) == 0
    assert rebuilt in capsys.readouterr().out
    assert main(["--db", db_arg(engine), "check"]) == 0
    return str(out.out) + str(out.err)
