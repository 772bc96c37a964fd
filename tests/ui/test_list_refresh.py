"""The patient list never shows stale clinical data (issue 12, item 10; hazards H35, H44):
this console's writes show the moment the list is shown again, another console's within
the poll, the page query runs again only after a commit, and the cursor stays on the same
patient however the rows shift."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from textual.widgets import Input, Select, Static

from console.app import RecoveryConsole
from console.clock import FixedClock
from console.services import Services
from console.services.dto import PatientInput
from db.engine import make_engine
from screens.patients import list as patient_list
from screens.patients.list import PatientListScreen
from screens.patients.summary import PatientSummaryScreen
from tests.ui.helpers import names, open_prescription, settle, table

SIZE = (80, 24)
FIRST = PatientInput("401 023 2137", "Aardvark", "Ann", "01/01/1970")  # sorts first by name


@pytest.fixture
def other(sqlite_url: str, populated: Services, clock: FixedClock) -> Iterator[Services]:
    """A second console on the same database file: its own engine and connections."""
    engine = make_engine(sqlite_url, create=False)
    console = Services(engine, login="tester", clock=clock)
    console.identify()
    yield console
    engine.dispose()


def _status(app: RecoveryConsole) -> str:
    return str(app.screen.query_one("#status", Static).render())


async def test_another_consoles_write_shows_within_the_poll_and_enter_opens_the_same_patient(
    populated: Services, other: Services
) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "down")
        rows = table(app)
        before, at, top = rows.current, rows.cursor, rows.scroll_y
        assert before is not None and "Aardvark, Ann" not in names(app)
        total = populated.patients.counts()[0]
        assert f"{total:,} patients" in _status(app)

        other.patients.register(FIRST)  # every row below it moves down one
        await pilot.pause(patient_list.POLL_SECONDS + 0.5)  # within 2 s
        await settle(pilot)

        assert names(app)[0] == "Aardvark, Ann"
        assert f"{total + 1:,} patients" in _status(app)
        assert rows.current is not None and rows.current.id == before.id
        assert rows.cursor == at + 1 and rows.scroll_y == top + 1  # the same line on screen
        await pilot.press("enter")
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, PatientSummaryScreen) and summary.row.id == before.id


async def test_this_consoles_write_shows_the_moment_the_list_is_back(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patient_list, "POLL_SECONDS", 3600)  # no tick: only the resume
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = table(app)
        on_ost = next(i for i, r in enumerate(rows.rows) if r.medicine == "methadone_oral")
        for _ in range(on_ost):
            await pilot.press("down")
        chosen = rows.current
        assert chosen is not None and chosen.dose_mg != 37
        await pilot.press("enter")
        await settle(pilot)
        modal = await open_prescription(pilot)
        modal.query_one("#interval", Select).value = "daily"
        modal.query_one("#dispensing", Select).value = "supervised"
        modal.query_one("#dose_mg", Input).value = "37"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
        current = rows.current
        assert current is not None and current.id == chosen.id
        assert current.dose_mg == 37


async def test_the_page_query_runs_again_only_after_a_commit(
    populated: Services, other: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patient_list, "POLL_SECONDS", 0.05)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)  # the first tick learns the commit count
        await settle(pilot)
        searches: list[str] = []
        asked: list[int] = []
        search, version = populated.patients.search, populated.patients.list_version
        monkeypatch.setattr(
            populated.patients, "search", lambda *a, **k: searches.append("") or search(*a, **k)
        )
        monkeypatch.setattr(
            populated.patients, "list_version", lambda: asked.append(0) or version()
        )
        await pilot.pause(0.5)
        await settle(pilot)
        assert len(asked) >= 3 and searches == []  # asked each tick; nothing read again
        other.patients.register(FIRST)
        await pilot.pause(0.3)
        await settle(pilot)
        assert len(searches) == 1 and names(app)[0] == "Aardvark, Ann"
