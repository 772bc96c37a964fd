"""The care plan editor, its forms and the version comparison, driven from the keyboard,
plus snapshots at 80x24 (update only after reading them: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, Static

from console.app import RecoveryConsole
from console.clock import FixedClock
from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput, PlanView
from screens.care_plan import CarePlanScreen
from screens.care_plan.forms import AgreeModal, GoalFormModal, StatusModal
from screens.care_plan.versions import CompareScreen, VersionsScreen
from tests.conftest import TODAY
from tests.ui.helpers import known_id, settle, type_search

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
CUT = GoalInput(
    "substance_use", "Cut down methadone to 30 mg", "Reduce 5 mg a month", "A. Patel", "27/03/2027"
)
SMART = GoalInput("mutual_aid_peer_support", "Keep going to SMART on Tuesdays", "", "Leah", "")


def plan(services: Services) -> PlanView:
    return services.careplans.open(known_id(services))


def with_history(services: Services) -> PlanView:
    """Version 1 agreed with two goals; version 2 drafted: one edited, one dropped, one new."""
    pid = known_id(services)
    view = services.careplans.open(pid)
    for goal in (CUT, SMART):
        view = services.careplans.add_goal(pid, view.plan_id, view.row_version, goal)
    view = services.careplans.agree(
        pid, view.plan_id, view.row_version, AgreeInput("20/11/2026", "Leah")
    )
    cut, smart = view.goals[0].goal_key, view.goals[1].goal_key
    # Later that morning: events at the agreement's own instant would count as before it.
    services = Services(services.engine, login=services.login, clock=FixedClock(TODAY.add(hours=1)))
    edited = GoalInput("substance_use", "Cut down methadone to 20 mg", "", "A. Patel", "27/03/2027")
    view = services.careplans.edit_goal(pid, view.plan_id, view.row_version, cut, edited)
    view = services.careplans.drop_goal(pid, view.plan_id, view.row_version, smart, "Moved away")
    housing = GoalInput("housing", "Move out of the hostel", "", "K. Ross", "")
    return services.careplans.add_goal(pid, view.plan_id, view.row_version, housing)


async def open_editor(pilot: Pilot[None]) -> CarePlanScreen:
    await settle(pilot)
    await type_search(pilot, "quarr")
    await pilot.press("down", "c")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CarePlanScreen)
    return screen


def fill(screen: object, **values: str) -> None:
    for key, value in values.items():
        widget = screen.query_one(f"#field-{key}")  # type: ignore[attr-defined]
        if isinstance(widget, Select):
            widget.value = value
        else:
            assert isinstance(widget, Input)
            widget.value = value


def lines(screen: CarePlanScreen) -> list[str]:
    options = screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_add_a_goal_from_the_keyboard(app: RecoveryConsole, populated: Services) -> None:
    async with app.run_test() as pilot:
        screen = await open_editor(pilot)
        assert "No goals yet" in lines(screen)[0]
        assert any("mutual aid" in line for line in lines(screen))  # the gentle prompt
        await pilot.press("a")
        form = app.screen
        assert isinstance(form, GoalFormModal)
        fill(
            form,
            domain="substance_use",
            words=CUT.words,
            owner="A. Patel",
            target_date="27/03/2027",
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert any("Cut down methadone" in line and "not started" in line for line in lines(screen))
    assert plan(populated).goals[0].words == CUT.words


async def test_fields_are_checked_when_left_and_on_save(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await open_editor(pilot)
        await pilot.press("a")
        form = app.screen
        form.query_one("#field-words").focus()
        await pilot.press("tab")  # leave the goal empty
        await pilot.pause()
        assert "required" in str(form.query_one("#error-words", Static).render())
        fill(form, target_date="01/01/2020")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form  # not saved
        assert "before today" in str(form.query_one("#error-target_date", Static).render())
        assert "choose one" in str(form.query_one("#error-domain", Static).render())
        await pilot.press("escape", "y")  # typed into: escape asks before discarding
        await pilot.pause()
        assert isinstance(app.screen, CarePlanScreen)


async def test_status_drop_move_and_agree(app: RecoveryConsole, populated: Services) -> None:
    pid = known_id(populated)
    view = populated.careplans.open(pid)
    for words in ("first", "second"):
        view = populated.careplans.add_goal(
            pid, view.plan_id, view.row_version, GoalInput("housing", words, "", "Leah", "")
        )
    async with app.run_test() as pilot:
        screen = await open_editor(pilot)
        await pilot.press("shift+down")  # "first" below "second"
        await settle(pilot)
        assert [g.words for g in plan(populated).goals] == ["second", "first"]
        await pilot.press("s")
        assert isinstance(app.screen, StatusModal)
        fill(app.screen, status="in_progress", note="viewing flats")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("up", "d")
        assert isinstance(app.screen, StatusModal)
        await pilot.press("ctrl+s")  # no reason: refused in the form
        await pilot.pause()
        assert isinstance(app.screen, StatusModal)
        fill(app.screen, note="not needed now")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("g")
        assert isinstance(app.screen, AgreeModal)
        fill(app.screen, agreed_with="Leah and her sister", comment="Yes")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "v1 agreed 23 Nov 2026 with Leah and her sister" in str(
            screen.query_one("#title", Static).render()
        )
    goals = {g.words: g for g in plan(populated).goals}
    assert goals["first"].status == "in_progress"
    assert (goals["second"].status, goals["second"].drop_reason) == ("dropped", "not needed now")


async def test_later_save_is_refused_and_the_input_stays(
    app: RecoveryConsole, populated: Services, as_role: Callable[[str], Services]
) -> None:
    other = as_role("recovery_worker")
    async with app.run_test() as pilot:
        screen = await open_editor(pilot)
        view = other.careplans.open(known_id(populated))
        other.careplans.add_goal(view.patient_id, view.plan_id, view.row_version, SMART)
        await pilot.press("a")
        fill(app.screen, domain="substance_use", words=CUT.words, owner="A. Patel")
        await pilot.press("ctrl+s")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, GoalFormModal)  # reopened with the same input
        assert form.query_one("#field-words", Input).value == CUT.words
        message = str(form.query_one("#form-message", Static).render())
        assert "Recovery_Worker Person changed this care plan at 23 Nov 2026 10:00" in message
        await pilot.press("escape", "y", "r")
        await settle(pilot)
        assert any("Keep going to SMART" in line for line in lines(screen))


async def test_versions_and_comparison(app: RecoveryConsole, populated: Services) -> None:
    with_history(populated)
    async with app.run_test() as pilot:
        await open_editor(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, VersionsScreen)
        await pilot.press("c")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        assert screen.versions == (1, 2)
        changes = [r.change for r in screen.rows if r is not None]
        assert changes == ["changed", "added", "dropped"]
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, CarePlanScreen)


async def test_reception_is_refused_without_patient_data(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("reception"))
    async with app.run_test() as pilot:
        screen = await open_editor(pilot)
        message = str(screen.query_one("#message", Static).render())
        assert "Not allowed" in message and "clinician" in message
        await pilot.press("a")
        assert app.screen is screen


# -- snapshots ----------------------------------------------------------------------
def run(*keys: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_editor(pilot)
        for key in keys:
            await pilot.press(key)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


def test_snapshot_editor(snap_compare: SnapCompare, populated: Services) -> None:
    with_history(populated)
    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run("down"))


def test_snapshot_editor_no_color(
    snap_compare: SnapCompare, populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    with_history(populated)
    monkeypatch.setenv("NO_COLOR", "1")
    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run())


def test_snapshot_goal_form(snap_compare: SnapCompare, populated: Services) -> None:
    with_history(populated)
    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run("e"))


def test_snapshot_agree_dialog(snap_compare: SnapCompare, populated: Services) -> None:
    with_history(populated)
    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run("g"))


def test_snapshot_comparison(snap_compare: SnapCompare, populated: Services) -> None:
    with_history(populated)
    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run("v", "c"))


async def test_c_opens_the_plan_from_the_summary_too(app: RecoveryConsole) -> None:
    async with app.run_test() as pilot:
        await settle(pilot)
        await type_search(pilot, "quarr")
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CarePlanScreen)
        assert "QUARRINGTON, Leah" in str(app.screen.query_one("#title", Static).render())
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CarePlanScreen)
