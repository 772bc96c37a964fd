"""Letters from the console: `l` on a patient, choose, preview, produce; templates are chosen, not edited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from reportlab import rl_config
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.dto import PatientInput
from console.services.letters import LetterOutput
from screens.letters.letters import LettersScreen
from tests.ui.helpers import settle, type_search

SnapCompare = Callable[..., bool]
SIZE = (80, 24)

SIOBHAN = PatientInput(
    "943 476 5870",
    "Ó Súilleabháin",
    "Siobhán",
    "04/07/1985",
    address_line_1="14 Mill Lane",
    town="Wakefield",
    postcode="WF1 2AB",
    consent_letters_home=True,
)


@pytest.fixture
def letters_app(
    populated: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> RecoveryConsole:
    monkeypatch.setattr(rl_config, "invariant", 1)
    record = populated.patients.register(SIOBHAN)
    # In treatment from 16 November: the start review is due on 14 December.
    populated.episodes.start(record.id, dt.date(2026, 11, 16))
    populated.letters.output = LetterOutput(tmp_path / "letters")
    return RecoveryConsole(populated)


def preview_text(app: RecoveryConsole) -> str:
    return str(app.screen.query_one("#preview-text", Static).render())


async def open_letters(pilot: Pilot[None], search: str) -> None:
    await settle(pilot)
    await type_search(pilot, search)
    await pilot.press("enter")  # from the search box to the list
    await pilot.press("l")
    await settle(pilot)


async def test_l_previews_and_produces_a_letter(
    letters_app: RecoveryConsole, tmp_path: Path
) -> None:
    async with letters_app.run_test(size=SIZE) as pilot:
        await open_letters(pilot, "osuil")
        assert isinstance(letters_app.screen, LettersScreen)
        options = letters_app.screen.query_one("#templates", OptionList)
        assert options.option_count == 7
        assert "Dear Siobhán," in preview_text(letters_app)
        assert "943 476 5870" in preview_text(letters_app)
        await pilot.press("p")
        await settle(pilot)
        made = list((tmp_path / "letters").glob("*.pdf"))
        assert len(made) == 1
        status = str(letters_app.screen.query_one("#status", Static).render())
        assert "no printer is configured" in status
        await pilot.press("escape")
        assert not isinstance(letters_app.screen, LettersScreen)


async def test_no_consent_is_explained_and_nothing_is_produced(
    letters_app: RecoveryConsole, tmp_path: Path
) -> None:
    async with letters_app.run_test(size=SIZE) as pilot:
        await open_letters(pilot, "quarr")  # KNOWN: no consent to letters at home
        assert "not consented to letters at their home address" in preview_text(letters_app)
        await pilot.press("p")
        await settle(pilot)
        assert not (tmp_path / "letters").exists()


async def test_the_letters_screen_only_chooses_the_wording_administration_saved(
    letters_app: RecoveryConsole, populated: Services
) -> None:
    populated.templates.save("review_invitation", "Hello { patient.given_name }.\n")
    async with letters_app.run_test(size=SIZE) as pilot:
        await open_letters(pilot, "osuil")
        assert isinstance(letters_app.screen, LettersScreen)
        assert "Hello Siobhán." in preview_text(letters_app)
        await pilot.press("e")  # no editing here: the template editor is in administration
        await settle(pilot)
        assert isinstance(letters_app.screen, LettersScreen)


async def test_reception_cannot_edit_or_produce(
    as_role: Callable[[str], Services], tmp_path: Path
) -> None:
    reception = as_role("reception")
    reception.letters.output = LetterOutput(tmp_path / "letters")
    app = RecoveryConsole(reception)
    async with app.run_test(size=SIZE) as pilot:
        await open_letters(pilot, "quarr")
        assert isinstance(app.screen, LettersScreen)
        assert "Dear Leah," in preview_text(app) or "consent" in preview_text(app)
        assert app.screen.check_action("produce", ()) is False
        await pilot.press("e")
        assert isinstance(app.screen, LettersScreen)


def test_letter_preview_snapshot(snap_compare: SnapCompare, letters_app: RecoveryConsole) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_letters(pilot, "osuil")

    assert snap_compare(letters_app, terminal_size=SIZE, run_before=run_before)


def test_letter_refusal_snapshot(snap_compare: SnapCompare, letters_app: RecoveryConsole) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_letters(pilot, "quarr")
        await pilot.press("down")
        await settle(pilot)

    assert snap_compare(letters_app, terminal_size=SIZE, run_before=run_before)
