"""The patient summary (SPEC §3.2): sections, scrolling, alerts, trends, episode and
prescription changes from their modals; snapshots at 80x24."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PatientRow
from screens.letters.letters import LettersScreen
from screens.patients.episode_end import EpisodeModal
from screens.patients.form import PatientFormScreen
from screens.patients.list import PatientListScreen
from screens.patients.summary import SECTIONS, PatientSummaryScreen
from screens.patients.summary_view import SummaryView
from screens.review import ReviewScreen
from screens.widgets.trend import BLOCKS, latest_text, sparkline
from tests.ui.helpers import open_prescription, settle, type_search
from tests.ui.summary_helpers import open_summary, rich_patient, summary_text

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


def test_sparkline_scales_to_the_measure_not_the_data() -> None:
    assert sparkline([10, 60], 10, 60) == "▁█"
    assert sparkline([None, 35], 10, 60) == " ▅"
    assert set(sparkline(range(10, 61, 5), 10, 60)) <= set(BLOCKS)
    assert latest_text([45, None, 49]) == "49 (+4)"
    assert latest_text([3, 2], out_of=28) == "2/28 (-1)"
    assert latest_text([None]) == "not recorded"


async def test_summary_shows_every_section_and_scrolls(populated: Services) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, row)
        summary = screen.summary
        assert summary is not None
        # wrong-patient hazard: the title names the patient three ways
        title = summary_text(screen, "#title")
        assert row.family_name.upper() in title
        assert f"{row.nhs_number[:3]} {row.nhs_number[3:6]} {row.nhs_number[6:]}" in title
        assert row.date_of_birth.strftime("%Y") in title
        treatment = summary_text(screen, "#treatment")
        assert "Dose " in treatment and " → " in treatment and "mg since" in treatment
        assert "On OST" in treatment
        alerts = screen.view.texts("alert")
        assert len(alerts) == len(summary.alerts)
        assert all(line[0] in "RDHTSLCE" and line[1] == " " for line in alerts)
        barc = summary_text(screen, "#t-barc")
        assert barc.startswith("BARC-10") and any(b in barc for b in BLOCKS)
        assert "/28" in summary_text(screen, "#t-opiates")
        assert "/20" in summary_text(screen, "#t-qol")
        for key, _heading in SECTIONS:
            if key not in ("alerts", "progress", "history"):
                assert summary_text(screen, f"#{key}"), key
        body = screen.query_one("#body", SummaryView)
        assert app.focused is body
        assert body.max_scroll_y > 0
        positions = [body.scroll_y]
        while body.scroll_y < body.max_scroll_y and len(positions) < 20:
            await pilot.press("pagedown")
            await pilot.pause()
            positions.append(body.scroll_y)
        assert body.scroll_y == body.max_scroll_y
        assert positions == sorted(positions)
        await pilot.press("up")
        await pilot.pause()
        assert body.scroll_y < body.max_scroll_y
        await pilot.press("pageup", "pageup", "pageup", "pageup", "pageup", "pageup")
        await pilot.pause()
        assert body.scroll_y == 0


async def test_patient_without_history(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert "No open treatment episode" in summary_text(screen, "#treatment")
        assert "No OST prescribed" in summary_text(screen, "#treatment")
        assert "Recovery start not recorded" in summary_text(screen, "#recovery")


async def test_episode_start_and_end_from_the_summary(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, EpisodeModal) and modal.episode is None
        modal.query_one("#start_date", Input).value = "02/11/2026"
        modal.query_one("#referral_source", Input).value = "GP"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert "In treatment since 2 Nov 2026" in summary_text(screen, "#treatment")
        assert "30 Nov 2026" in summary_text(screen, "#f-next-review")
        await pilot.press("x")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, EpisodeModal) and modal.episode is not None
        await pilot.press("ctrl+s")  # no exit reason chosen
        await settle(pilot)
        assert "NDTMS" in str(modal.query_one("#e-exit_reason", Static).render())
        modal.query_one("#exit_reason", Select).value = "80"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # end it (no prescription: nothing to stop)
        await settle(pilot)
        await pilot.press("n")  # the exit review: not now
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)
        assert summary_text(app.screen, "#f-status") == "Post-exit check-ups"
        assert "80 treatment completed" in summary_text(app.screen, "#episodes")


async def test_prescription_change_refuses_a_dose_in_the_wrong_unit(
    populated: Services,
) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)  # the demo loader made 'tester' a clinician too
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        modal = await open_prescription(pilot)
        assert app.focused is modal.query_one("#dose_mg", Input)
        modal.query_one("#medicine", Select).value = "methadone_oral"
        modal.query_one("#interval", Select).value = "daily"
        modal.query_one("#dispensing", Select).value = "supervised"
        modal.query_one("#dose_mg", Input).value = "600"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is modal
        assert "unit" in str(modal.query_one("#e-dose_mg", Static).render())
        modal.query_one("#dose_mg", Input).value = "35"
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert "Methadone 35 mg daily" in summary_text(screen, "#treatment")


async def test_completing_treatment_stops_the_prescription_and_says_so(
    populated: Services,
) -> None:
    row = next(r for r in populated.patients.search("", limit=60).rows if r.medicine)
    app = RecoveryConsole(populated)
    told: list[str] = []
    notify = app.notify
    app.notify = lambda message, **kw: told.append(message) or notify(message, **kw)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, row)
        assert screen.summary is not None and screen.summary.episode is not None
        await pilot.press("x")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, EpisodeModal)
        modal.query_one("#exit_reason", Select).value = "80"
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")  # end it
        await settle(pilot)
        await pilot.press("n")  # no exit review now
        await settle(pilot)
        assert app.screen is screen
        assert "Not on OST; last" in summary_text(screen, "#treatment")
        assert "Treatment completed: the prescription was stopped on the end date." in told


async def test_prescription_is_dimmed_for_a_recovery_worker(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("recovery_worker"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        # dimmed in the footer (a hint); the service refuses it anyway
        assert screen.check_action("prescription", ()) is None
        assert screen.check_action("episode", ()) is True
        await pilot.press("p")
        await settle(pilot)
        assert app.screen is screen


async def test_reception_can_edit_demographics_only(
    as_role: Callable[[str], Services],
) -> None:
    app = RecoveryConsole(as_role("reception"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert summary_text(screen, "#message").startswith("Not allowed")
        assert not summary_text(screen, "#treatment")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        assert form.query_one("#family_name", Input).value == "Quarrington"
        await pilot.press("escape")
        assert isinstance(app.screen, PatientSummaryScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, PatientListScreen)


def _post_exit(services: Services) -> PatientRow:
    for row in services.patients.search("", limit=60).rows:
        if row.status == "post_exit_checkups":
            return row
    raise AssertionError("the demonstration caseload should hold a post-exit patient")


async def test_letters_key_opens_the_patients_letters(populated: Services) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        await pilot.press("l")
        await settle(pilot)
        letters = app.screen
        assert isinstance(letters, LettersScreen) and letters.row.id == row.id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PatientSummaryScreen)


async def test_post_exit_patient_shows_the_next_checkup(populated: Services) -> None:
    row = _post_exit(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_summary(pilot, row)
        summary = screen.summary
        assert summary is not None and summary.next_checkup_due is not None
        assert summary_text(screen, "#l-next-review") == "Next check-up"
        value = summary_text(screen, "#f-next-review")
        due = summary.next_checkup_due
        assert value.startswith(f"{due.day} {due:%b %Y} · ")
        assert value.endswith(f" · check-up {summary.checkups_done + 1} of 8")
        assert "not scheduled" not in value


async def test_review_key_asks_the_kind_then_opens_a_new_review(app: RecoveryConsole) -> None:
    from screens.review.kind import ReviewKindModal

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        summary = app.screen
        assert isinstance(summary, PatientSummaryScreen)
        await pilot.press("x")  # an open episode, so the usual kinds are offered
        await settle(pilot)
        app.screen.query_one("#start_date", Input).value = "02/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is summary
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReviewKindModal)
        await pilot.press("escape")  # cancelled: nothing opens
        await settle(pilot)
        assert app.screen is summary
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("enter")  # strategic, the default
        await settle(pilot)
        review = app.screen
        assert isinstance(review, ReviewScreen)
        assert review.patient_id == summary.row.id and review.kind == "strategic"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is summary
        first = summary.view.history_text(0)
        assert first.startswith("23 Nov 2026  Strategic, draft")


@pytest.mark.parametrize("key", ["k", "f", "h", "c"])
async def test_linkage_family_health_and_plan_keys_open_their_screens(
    populated: Services, key: str
) -> None:
    from screens.care_plan import CarePlanScreen
    from screens.linkage.linkage import LinkageScreen
    from screens.patients.family import FamilyScreen
    from screens.patients.health import HealthScreen

    kinds = {"k": LinkageScreen, "f": FamilyScreen, "h": HealthScreen, "c": CarePlanScreen}
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        summary = await open_summary(pilot, row)
        await pilot.press(key)
        await settle(pilot)
        opened = app.screen
        assert isinstance(opened, kinds[key])
        assert opened.patient_id == row.id
        assert opened.patient_name == f"{row.family_name.upper()}, {row.given_name}"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is summary


async def test_summary_reloads_when_the_family_screen_reports_a_change(
    populated: Services,
) -> None:
    from console.services.health_dto import SupporterInput

    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        summary = await open_summary(pilot, row)
        assert "Kim Quarrington" not in summary_text(summary, "#family")
        await pilot.press("f")
        await settle(pilot)
        populated.family.add(row.id, SupporterInput("Kim Quarrington", "sister"))
        app.screen.dismiss(True)
        await settle(pilot)
        assert app.screen is summary
        assert "Kim Quarrington (sister)" in summary_text(summary, "#family")


@pytest.mark.parametrize(
    ("role", "review", "history", "letters"),
    [
        ("reception", False, False, True),
        ("admin", None, True, True),
        ("recovery_worker", True, True, True),
    ],
)
async def test_summary_keys_follow_the_role(
    as_role: Callable[[str], Services],
    role: str,
    review: bool | None,
    history: bool,
    letters: bool,
) -> None:
    app = RecoveryConsole(as_role(role))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "943 476 5919")
        await pilot.press("enter", "enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        assert screen.check_action("review", ()) is review
        for action in ("history", "linkage", "family", "health", "care_plan"):
            assert screen.check_action(action, ()) is history, action
        assert screen.check_action("letters", ()) is letters
        if review is not True:
            await pilot.press("r")  # refused or hidden: nothing opens
            await settle(pilot)
            assert app.screen is screen


# -- snapshots ----------------------------------------------------------------------------


def _summary_run_before(row: PatientRow, *presses: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_summary(pilot, row)
        for key in presses:
            await pilot.press(key)
        await settle(pilot)

    return run_before


@pytest.mark.parametrize("presses", [(), ("pagedown",), ("pagedown", "pagedown")])
def test_summary_snapshot(
    snap_compare: SnapCompare, populated: Services, presses: tuple[str, ...]
) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=_summary_run_before(row, *presses))


def test_prescription_modal_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    assert snap_compare(app, terminal_size=SIZE, run_before=_summary_run_before(row, "p"))


def test_list_with_filter_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)

    assert snap_compare(RecoveryConsole(populated), terminal_size=SIZE, run_before=run_before)


def test_end_episode_modal_refused_snapshot(snap_compare: SnapCompare, populated: Services) -> None:
    """Ending an episode with no NDTMS exit reason chosen: the message sits beside it."""
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    run = _summary_run_before(row, "x", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)
