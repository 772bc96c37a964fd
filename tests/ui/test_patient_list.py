"""The patient list: search as you type, filters, paging, opening a patient."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Input, Select, SelectionList, Static

from console.app import RecoveryConsole
from console.rules.names import fold_key
from console.rules.search import ListFilter
from console.services import Services
from console.services.dto import PatientPage
from screens.patients.episode import SafetyModal
from screens.patients.list import FilterModal, PatientListScreen
from screens.patients.summary import PatientSummaryScreen
from screens.widgets.patient_table import time_in_treatment
from tests.ui.helpers import names, settle, table, type_search


async def test_list_opens_with_focus_on_the_table(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PatientListScreen)
        assert app.focused is table(app)
        assert len(table(app).rows) > 0
        status = str(app.screen.query_one("#status", Static).render())
        assert "shown" in status and "patients" in status and "overdue" in status


async def test_surname_prefix_filters_the_list(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        everyone = len(table(app).rows)
        await type_search(pilot, "quar")
        rows = table(app).rows
        assert 0 < len(rows) < everyone
        assert all(
            fold_key(r.family_name).startswith("quar") or fold_key(r.given_name).startswith("quar")
            for r in rows
        )
        assert "Quarrington, Leah" in names(app)


async def test_nhs_number_with_spaces_finds_the_patient(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        assert names(app) == ["Quarrington, Leah"]


async def test_date_of_birth_finds_the_patient(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "12/03/1980")
        assert "Quarrington, Leah" in names(app)
        assert all(r.date_of_birth.isoformat() == "1980-03-12" for r in table(app).rows)


async def test_no_match_says_so(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "zzzz")
        assert table(app).rows == []
        assert "No patient matches" in table(app).empty_text


async def test_keys_typed_in_search_stay_in_search(app: RecoveryConsole) -> None:
    """`f`, `q` and `/` are letters of a search, not commands, while the box has focus."""
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "qf/")
        assert app.is_running
        assert app.screen.query_one("#search", Input).value == "qf/"
        assert app.screen.list_filter == ListFilter()


async def test_down_enter_and_escape_return_from_search_to_the_list(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        for key in ("down", "enter", "escape"):
            await pilot.press("slash")
            assert isinstance(app.focused, Input)
            await pilot.press(key)
            assert app.focused is table(app), key
            assert isinstance(app.screen, PatientListScreen)


async def test_enter_opens_the_summary_and_escape_returns(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter")  # back to the list
        await pilot.press("enter")  # open
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert screen.record is not None and screen.record.family_name == "Quarrington"
        text = " ".join(str(w.render()) for w in screen.query(Static)) + screen.view.shown()
        assert "943 476 5919" in text
        assert "12 Mar 1980 (46)" in text
        assert "1 High Street" in text and "no consent" in text
        await pilot.press("escape")
        assert isinstance(app.screen, PatientListScreen)


async def test_cursor_moves_and_open_follows_it(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        assert table(app).cursor == 2
        chosen = table(app).current
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)
        assert app.screen.row == chosen


async def _filters(pilot: Pilot[None], **values: str) -> FilterModal:
    """Open the filter modal, set its choices (by field id suffix), apply."""
    await pilot.press("f")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, FilterModal)
    for key, value in values.items():
        modal.query_one(f"#f-{key}", Select).value = value
    await pilot.press("ctrl+s")
    await settle(pilot)
    return modal


def _shown(app: RecoveryConsole) -> str:
    return str(app.screen.query_one("#filters", Static).render())


async def test_status_and_keyworker_filters_combine(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        assert _shown(app) == "Showing: All patients · sorted by name (s)"
        everyone = len(table(app).rows)
        modal = await _filters(pilot, status="in_treatment")
        rows = table(app).rows
        assert 0 < len(rows) < everyone and all(r.status == "in_treatment" for r in rows)
        named = next(r.keyworker for r in rows if r.keyworker)
        kw = next(k for k in modal.keyworkers if k.name == named)
        await _filters(pilot, keyworker=str(kw.id))
        rows = table(app).rows
        assert rows and all(r.keyworker == kw.name and r.status == "in_treatment" for r in rows)
        assert _shown(app) == f"Showing: In treatment · keyworker: {kw.name} · sorted by name (s)"
        await _filters(pilot, keyworker="mine")  # the demo gave 'tester' no patients
        assert table(app).rows == []
        assert "keyworker: mine" in table(app).empty_text
        await pilot.press("f")
        await settle(pilot)
        await pilot.press("ctrl+r")  # clear all
        await settle(pilot)
        assert len(table(app).rows) == everyone
        assert _shown(app).startswith("Showing: All patients")


async def test_flagged_and_overdue_filters_with_a_search(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await _filters(pilot, flagged="flagged")
        flagged = table(app).rows
        assert flagged and all(r.flags for r in flagged)
        assert _shown(app) == "Showing: Flagged · sorted by name (s)"
        await _filters(pilot, due="overdue")
        today = app.services.clock.today()
        rows = table(app).rows
        assert rows and all(
            r.next_review_due is not None and r.next_review_due < today and r.flags for r in rows
        )
        assert _shown(app) == "Showing: Review overdue · flagged · sorted by name (s)"
        name = rows[0].family_name
        await type_search(pilot, name[:4])
        assert all(r.flags and r.next_review_due < today for r in table(app).rows)  # type: ignore[operator]
        assert name in [r.family_name for r in table(app).rows]


async def test_s_sorts_by_next_review_and_pages_on(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert "sorted by next review, soonest first (s)" in _shown(app)
        await pilot.press("end")  # loads the following pages
        await settle(pilot)
        await pilot.press("end")
        await settle(pilot)
        rows = table(app).rows
        dated = [r.next_review_due for r in rows if r.next_review_due is not None]
        assert dated == sorted(dated) and len(dated) > 1
        first_undated = next(i for i, r in enumerate(rows) if r.next_review_due is None)
        assert all(r.next_review_due is None for r in rows[first_undated:])
        assert len({r.id for r in rows}) == len(rows)
        await pilot.press("s")
        await settle(pilot)
        assert "sorted by name (s)" in _shown(app)


async def test_wide_terminal_shows_keyworker_time_in_treatment_and_last_review(
    app: RecoveryConsole,
) -> None:
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        header = table(app).render_line(0).text
        for title in ("Keyworker", "Treatment", "Last rev", "OST", "Next review"):
            assert title in header
        row = next(r for r in table(app).rows if r.episode_start and r.keyworker)
        index = table(app).rows.index(row)
        await pilot.press(*["down"] * index)
        line = table(app).render_line(index + 1).text
        assert time_in_treatment(row.episode_start, app.services.clock.today()) in line
        assert row.keyworker.split()[-1] in line


async def test_reception_wide_list_has_no_ost_or_flag_filter(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("reception"))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        header = table(app).render_line(0).text
        assert "Keyworker" in header
        assert "OST" not in header and "Treatment" not in header and "Last rev" not in header
        await pilot.press("f")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, FilterModal)
        assert not modal.query("#f-flagged")
        assert modal.query("#f-keyworker")


def test_time_in_treatment_words() -> None:
    today = dt.date(2026, 11, 23)
    assert time_in_treatment(dt.date(2024, 8, 23), today) == "2 yr 3 mo"
    assert time_in_treatment(dt.date(2024, 8, 24), today) == "2 yr 2 mo"
    assert time_in_treatment(dt.date(2025, 11, 23), today) == "1 yr"
    assert time_in_treatment(dt.date(2026, 6, 1), today) == "5 mo"
    assert time_in_treatment(dt.date(2026, 11, 1), today) == "<1 mo"
    assert time_in_treatment(None, today) == ""


async def test_safety_details_from_the_prescription_modal(app: RecoveryConsole) -> None:
    """p, then ctrl+t: the current prescription's missed doses, ECG and sedatives."""
    async with app.run_test() as pilot:
        await settle(pilot)
        row = next(r for r in table(app).rows if r.medicine == "methadone_oral")
        await pilot.press(*["down"] * table(app).rows.index(row), "enter")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SafetyModal)
        modal.query_one("#missed_doses_in_row", Input).value = "3"
        modal.query_one("#qtc_ms", Input).value = "900"
        modal.query_one("#ecg_date", Input).value = "01/06/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "300–700" in str(modal.query_one("#e-qtc_ms", Static).render())
        modal.query_one("#qtc_ms", Input).value = "450"
        modal.query_one("#benzodiazepines", SelectionList).select("diazepam")
        modal.query_one("#sedatives", Input).value = "zopiclone"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        alerts = " ".join(screen.view.texts("alert"))
        assert "3 doses missed in a row" in alerts
        assert "Co-prescribed sedative: diazepam, zopiclone" in alerts


async def test_end_loads_the_next_page(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        first = len(table(app).rows)
        assert table(app).more, "the fixture should hold more than one page"
        await pilot.press("end")
        await settle(pilot)
        rows = table(app).rows
        assert len(rows) > first
        assert len({r.id for r in rows}) == len(rows)  # no page appended twice
        keys = [r.sort_key for r in rows]
        assert keys == sorted(keys)


async def test_reception_sees_no_ost_column(as_role: Callable[[str], Services]) -> None:
    app = RecoveryConsole(as_role("reception"))
    async with app.run_test() as pilot:
        await settle(pilot)
        header = table(app).render_line(0).text
        assert "Name" in header and "Next review" in header
        assert "OST" not in header
        assert all(r.medicine is None for r in table(app).rows)


async def test_reception_opening_a_record_is_refused_on_screen(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("reception"))
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        message = screen.view.text("message")
        assert message.startswith("Not allowed")
        assert screen.record is None
        await pilot.press("escape")
        assert isinstance(app.screen, PatientListScreen)


async def test_a_stale_page_is_dropped(app: RecoveryConsole) -> None:
    """P6: a page for text the user has since changed never replaces the list."""
    async with app.run_test() as pilot:
        await type_search(pilot, "quar")
        before = names(app)
        screen = app.screen
        assert isinstance(screen, PatientListScreen)
        stale = PatientPage(rows=(), query="qua", more=False)
        screen.post_message(PatientListScreen.Results(stale, screen.list_filter))
        await settle(pilot)
        assert names(app) == before
        old_page = PatientPage(rows=(), query="quar", more=False)
        screen.post_message(PatientListScreen.Results(old_page, screen.list_filter, ("a", "a", 1)))
        await settle(pilot)
        assert names(app) == before  # a next page of another list is not appended


async def test_eight_digits_say_they_are_searched_both_ways(app: RecoveryConsole) -> None:
    """`12031980` is a date of birth and the start of an NHS number: the status line
    says both, in staff words, and fits 80 columns."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        status = app.screen.query_one("#status", Static)
        await type_search(pilot, "12031980")
        assert "Quarrington, Leah" in names(app)
        said = str(status.render())
        assert "shown: dates of birth 12/03/1980 and NHS numbers starting 120 319 80" in said, said
        assert len(said) <= 78
        await pilot.press("ctrl+u", *"Quarr")  # a name: the line reads as before
        await settle(pilot)
        said = str(status.render())
        assert "dates of birth" not in said and "patients" in said and "overdue" in said
