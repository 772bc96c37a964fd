"""One summary screen serves every opening from the list (issue 19), and it never shows the
patient opened before (hazard H116): not on any frame painted while the next record is
on its way, not from a late answer to an earlier opening, not through a key pressed early.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import pytest
from textual.pilot import Pilot

from console import format as fmt
from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PatientRow
from console.services.errors import NotFound
from console.services.summary import SummaryService
from console.services.summary_dto import PatientSummary
from screens.letters.letters import LettersScreen
from screens.patients.form import PatientFormScreen
from screens.patients.list import PatientListScreen
from screens.patients.summary import PatientSummaryScreen
from tests.ui.conftest import KNOWN
from tests.ui.helpers import settle, type_search
from tests.ui.test_openings_audited import actions

SIZE = (80, 24)
ESCAPES = re.compile(r"\x1b(\[[0-9;?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|.)")


class HeldSummaries:
    """The real summary service, except that opening a held patient waits for `release`."""

    def __init__(self, real: SummaryService) -> None:
        self.real = real
        self.held: set[int] = set()
        self.release = threading.Event()
        self.fail = False  # a held opening then fails, as a refusal would
        self.failed = threading.Event()

    def open(self, patient_id: int) -> PatientSummary:
        if patient_id in self.held:
            self.release.wait(timeout=60)  # a failing test is not held up for ever
            if self.fail:
                self.failed.set()
                raise NotFound("no such patient")
        return self.real.open(patient_id)


class SlowSummaries:
    """The real summary service, a fifth of a second slow: more than a frame or two."""

    def __init__(self, real: SummaryService) -> None:
        self.real = real

    def open(self, patient_id: int) -> PatientSummary:
        time.sleep(0.2)
        return self.real.open(patient_id)


def hold(services: Services) -> HeldSummaries:
    held = HeldSummaries(services.summary)
    services.summary = held  # type: ignore[assignment]  # a cached_property: replaceable
    return held


def with_dose(services: Services) -> PatientRow:
    """A demonstration patient on OST: a summary full of detail to leak."""
    for row in services.patients.search("", limit=60).rows:
        summary = services.summary.open(row.id)
        if summary.current_dose and summary.alerts:
            return row
    raise AssertionError("the demonstration caseload should hold such a patient")


def known(services: Services) -> PatientRow:
    return services.patients.search(KNOWN.family_name).rows[0]


def identity(row: PatientRow) -> list[str]:
    """What would name this patient on screen."""
    return [row.family_name.upper(), row.family_name, fmt.nhs(row.nhs_number)]


class Painted:
    """Every frame the App paints from now on, as plain text (escape codes removed); not
    those composed inside a batch update, which Textual does not write."""

    def __init__(self, app: RecoveryConsole, monkeypatch: pytest.MonkeyPatch) -> None:
        self.frames: list[str] = []
        self.summaries: list[str] = []  # the frames of a summary screen
        display = app._display

        def recording(screen: Any, renderable: Any) -> None:
            display(screen, renderable)
            written = renderable is not None and not app._batch_count
            if written and hasattr(renderable, "render_segments"):
                frame = ESCAPES.sub("", renderable.render_segments(app.console))
                self.frames.append(frame)
                if isinstance(screen, PatientSummaryScreen):
                    self.summaries.append(frame)

        monkeypatch.setattr(app, "_display", recording)

    def naming(self, row: PatientRow) -> list[str]:
        return [f for f in self.frames if any(words in f for words in identity(row))]


async def open_from_list(pilot: Pilot[None], row: PatientRow) -> None:
    """Find the patient by NHS number and press enter on the row (not waiting for it)."""
    await type_search(pilot, row.nhs_number)
    await pilot.press("enter", "enter")


async def until(pilot: Pilot[None], done: Any, seconds: float = 20.0) -> None:
    """Wait for a state (not for the workers: one of them may be held on purpose)."""
    give_up = time.monotonic() + seconds  # a loaded machine is slow, never this slow
    while not done():
        if time.monotonic() > give_up:
            raise AssertionError("the console did not get there")
        await pilot.pause(0.01)


async def back_to_list(pilot: Pilot[None]) -> None:
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PatientListScreen)


async def test_every_opening_reuses_one_screen_and_audits_once(populated: Services) -> None:
    a, b = with_dose(populated), known(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = len(actions(populated))
        await open_from_list(pilot, a)
        await settle(pilot)
        first = app.screen
        assert isinstance(first, PatientSummaryScreen)
        assert "mg since" in first.view.text("treatment")
        await pilot.press("pagedown", "pagedown")  # scrolled down, then left
        await pilot.pause()
        assert first.view.scroll_y > 0
        await back_to_list(pilot)
        await open_from_list(pilot, b)
        await settle(pilot)
        assert app.screen is first  # the same screen, not a new one
        assert first.summary is not None and first.summary.record.id == b.id
        assert KNOWN.family_name.upper() in str(first.query_one("#title").render())
        assert "No OST prescribed" in first.view.text("treatment")
        assert first.view.scroll_y == 0  # B's summary from its top
        shown = first.view.shown()
        assert not any(words in shown for words in identity(a))
        await back_to_list(pilot)
        await open_from_list(pilot, a)  # and back to the first patient
        await settle(pilot)
        assert app.screen is first and "mg since" in first.view.text("treatment")
        # One audited opening each time the summary opened, no more, no less.
        assert actions(populated)[before:].count("patient.open") == 3


async def test_waiting_for_the_next_record_never_paints_the_last_patient(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """H116: while B's record is held back, every frame names B (from the list's row) and
    says "Opening…"; none carries A's name, NHS number or dose; early keys act on B."""
    a, b = with_dose(populated), known(populated)
    held = hold(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_list(pilot, a)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen) and screen.summary is not None
        dose = screen.view.text("treatment")
        assert "mg since" in dose
        await back_to_list(pilot)
        await type_search(pilot, b.nhs_number)
        held.held.add(b.id)
        painted = Painted(app, monkeypatch)
        await pilot.press("enter", "enter")
        await until(pilot, lambda: app.screen is screen and len(painted.frames) > 0)
        for _ in range(5):  # a few frames' time: B's record still held back
            await pilot.pause(0.02)
        assert screen.summary is None and screen.record is None
        assert painted.frames and painted.naming(b)  # B's identity painted at once
        assert painted.naming(a) == []
        assert not any("mg since" in frame for frame in painted.frames)
        assert "Opening…" in screen.view.shown()
        assert KNOWN.family_name.upper() in str(screen.query_one("#title").render())
        # A key pressed before the record arrives acts on B: letters for B, not for A.
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, LettersScreen))
        letters = app.screen
        assert isinstance(letters, LettersScreen) and letters.row.id == b.id
        await pilot.pause(0.1)  # not settle: B's summary worker is still held back
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen)
        held.release.set()
        await settle(pilot)
        assert screen.summary is not None and screen.summary.record.id == b.id
        assert painted.naming(a) == []
        # And once it is there, edit opens B's record.
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, PatientFormScreen)
        assert form.record is not None and form.record.id == b.id


async def test_a_late_answer_for_the_last_patient_is_dropped(populated: Services) -> None:
    """A's opening is still on its way when the user goes back and opens B: when A's answer
    comes after B's, the screen keeps showing B."""
    a, b = with_dose(populated), known(populated)
    held = hold(populated)
    held.held.add(a.id)
    app = RecoveryConsole(populated)
    answers: list[int] = []  # the patients whose Opened reached the screen

    def seen(message: object) -> None:
        if isinstance(message, PatientSummaryScreen.Opened):
            answers.append(message.summary.record.id)

    async with app.run_test(size=SIZE, message_hook=seen) as pilot:
        await settle(pilot)
        # What enter on the list's row calls (settling would wait for A's held worker).
        app.open_patient(a)
        await until(pilot, lambda: isinstance(app.screen, PatientSummaryScreen))
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen) and screen.summary is None
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PatientListScreen))
        app.open_patient(b)
        await until(pilot, lambda: screen.summary is not None)
        assert app.screen is screen and screen.summary is not None
        assert screen.summary.record.id == b.id
        held.release.set()  # A's answer now arrives, after B's
        await until(pilot, lambda: a.id in answers)
        await settle(pilot)
        assert screen.summary.record.id == b.id
        assert "No OST prescribed" in screen.view.text("treatment")
        shown = screen.view.shown() + str(screen.query_one("#title").render())
        assert not any(words in shown for words in identity(a))


async def test_a_late_failure_for_the_last_patient_leaves_the_next_one_shown(
    populated: Services,
) -> None:
    """A's opening fails only after B's summary is shown: B stays, with its keys."""
    a, b = with_dose(populated), known(populated)
    held = hold(populated)
    held.held.add(a.id)
    held.fail = True
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_patient(a)  # what enter on the list's row calls
        await until(pilot, lambda: isinstance(app.screen, PatientSummaryScreen))
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, PatientListScreen))
        app.open_patient(b)
        await until(pilot, lambda: screen.summary is not None)
        held.release.set()  # A's opening now fails
        await until(pilot, held.failed.is_set)
        await settle(pilot)
        assert app.screen is screen and screen.summary is not None
        assert screen.summary.record.id == b.id
        assert "No OST prescribed" in screen.view.text("treatment")
        assert "could not be opened" not in screen.view.shown()
        assert "no such patient" not in screen.view.shown()
        assert screen.check_action("prescription", ()) is True  # not dimmed as refused


async def test_a_patient_opened_above_the_summary_gets_a_screen_of_its_own(
    populated: Services,
) -> None:
    """The palette can open another patient over a summary: the screen below keeps its
    patient, and going back shows it unchanged."""
    a, b = with_dose(populated), known(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_list(pilot, a)
        await settle(pilot)
        below = app.screen
        assert isinstance(below, PatientSummaryScreen)
        app.open_patient(b)
        await settle(pilot)
        above = app.screen
        assert isinstance(above, PatientSummaryScreen) and above is not below
        assert above.summary is not None and above.summary.record.id == b.id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is below
        assert below.summary is not None and below.summary.record.id == a.id
        assert "mg since" in below.view.text("treatment")


async def test_a_theme_changed_while_the_summary_was_away_restyles_it(
    populated: Services,
) -> None:
    """The reused screen skips Textual's restyle on being pushed again only when nothing
    restyled the App meanwhile: after a theme change it is drawn in the new colours."""
    a, b = with_dose(populated), known(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_from_list(pilot, a)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PatientSummaryScreen)
        dark = screen.view.rich_style.bgcolor
        await back_to_list(pilot)
        app.theme = "textual-light"
        await settle(pilot)
        await open_from_list(pilot, b)
        await settle(pilot)
        assert app.screen is screen
        light = screen.view.rich_style.bgcolor
        assert light != dark
        fresh = PatientSummaryScreen(b)  # what a new screen gets in this theme
        app.push_screen(fresh)
        await settle(pilot)
        assert fresh.view.rich_style.bgcolor == light


async def test_a_record_in_time_is_in_the_first_frame_that_names_the_patient(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The painting is held while the record comes (issue 19): the first frame naming the
    patient already shows the record, not "Opening…" and then the record a frame later."""
    import screens.patients.summary as summary

    monkeypatch.setattr(summary, "HOLD_SECONDS", 10.0)  # longer than the slow service
    a, b = with_dose(populated), known(populated)
    populated.summary = SlowSummaries(populated.summary)  # type: ignore[assignment]
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # A new screen's body lays out after its first frame; the reused one's is laid out.
        await open_from_list(pilot, a)
        await settle(pilot)
        await back_to_list(pilot)
        for row in (b, a):
            await type_search(pilot, row.nhs_number)
            painted = Painted(app, monkeypatch)
            await pilot.press("enter", "enter")
            await until(pilot, lambda p=painted: bool(p.summaries))
            first = painted.summaries[0]
            assert any(words in first for words in identity(row))
            assert "Opening…" not in first
            assert "Demographics" in first and "Address" in first  # the record, not its title alone
            await back_to_list(pilot)


async def test_leaving_while_the_record_is_held_back_paints_the_list_at_once(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Hazard H124: a hold on the painting ends when the summary leaves, long before its
    timer would; the console is never left unpainted."""
    import screens.patients.summary as summary

    monkeypatch.setattr(summary, "HOLD_SECONDS", 60.0)
    b = known(populated)
    held = hold(populated)
    held.held.add(b.id)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, b.nhs_number)
        await pilot.press("enter", "enter")
        await until(pilot, lambda: isinstance(app.screen, PatientSummaryScreen))
        assert app._batch_count == 1  # held: nothing painted yet
        painted = Painted(app, monkeypatch)
        await pilot.press("escape")
        await until(pilot, lambda: bool(painted.frames), seconds=5.0)
        assert isinstance(app.screen, PatientListScreen) and app._batch_count == 0
        assert "shown" in painted.frames[-1]  # the list, painted
        held.release.set()
        await settle(pilot)
