"""The patient list: search as you type, filters, paging, opening a patient."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.rules.names import fold_key
from console.services import Services
from console.services.dto import PatientPage
from screens.patient_list import PatientListScreen
from screens.patient_summary import PatientSummaryScreen
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
        assert app.screen.list_filter.label == "All"


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
        text = " ".join(str(w.render()) for w in screen.query(Static))
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


async def test_filter_cycles_and_narrows(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        labels = []
        for _ in range(3):
            await pilot.press("f")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, PatientListScreen)
            labels.append(screen.list_filter.label)
            assert screen.list_filter.label in str(screen.query_one("#status", Static).render())
            rows = table(app).rows
            if screen.list_filter.statuses:
                assert all(r.status == "in_treatment" for r in rows)
            if screen.list_filter.due_within_days:
                assert all(r.next_review_due is not None for r in rows)
        assert labels == ["In treatment", "Due ≤ 28 days", "All"]


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
        message = str(screen.query_one("#message", Static).render())
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
