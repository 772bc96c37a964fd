"""The letters screen asks before printing (what will print, and where), and lets the
user choose which linked resource a mutual aid introduction is about."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from console.app import RecoveryConsole
from console.services import Services
from console.services.letters import LetterOutput
from screens.letters.letters import LettersScreen
from screens.letters.resource_picker import ResourcePicker
from screens.widgets.batch_confirm import ConfirmPrint
from tests.ui.helpers import settle
from tests.ui.test_letters import SIZE, letters_app, open_letters, preview_text

__all__ = ["letters_app"]  # the fixture, shared with the other letters tests


@pytest.fixture
def lp_log(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in `lp` first on PATH that records each job."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "lp.log"
    script = bin_dir / "lp"
    script.write_text(
        f"#!{sys.executable}\nimport sys\n"
        f"open({str(log)!r}, 'a').write(repr(sys.argv[1:]) + '\\n')\n"
        "print('request id is Letters-7 (1 file(s))')\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


async def test_it_asks_before_sending_a_letter_to_the_printer(
    letters_app: RecoveryConsole, populated: Services, tmp_path: Path, lp_log: Path
) -> None:
    populated.letters.output = LetterOutput(tmp_path / "letters", printer="Letters")
    async with letters_app.run_test(size=SIZE) as pilot:
        await open_letters(pilot, "osuil")
        assert isinstance(letters_app.screen, LettersScreen)
        await pilot.press("p")
        await settle(pilot)
        confirm = letters_app.screen
        assert isinstance(confirm, ConfirmPrint)
        text = str(confirm.query_one("#confirm-text", Static).render())
        assert "1 letter (Review invitation 1)" in text and "Print it on Letters?" in text
        assert not lp_log.exists()  # nothing sent yet
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(letters_app.screen, LettersScreen)
        assert not lp_log.exists()
        status = str(letters_app.screen.query_one("#status", Static).render())
        assert status.startswith("Not printed")
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(letters_app.screen, ConfirmPrint)
        await pilot.press("enter")
        await settle(pilot)
        assert len(lp_log.read_text().splitlines()) == 1
        status = str(letters_app.screen.query_one("#status", Static).render())
        assert status.startswith("Printed on Letters")


async def test_the_mutual_aid_letter_introduces_the_resource_chosen(
    letters_app: RecoveryConsole, populated: Services
) -> None:
    pid = populated.patients.search("osuil").rows[0].id
    names = []
    for n, resource in enumerate(populated.resources.search("")[:2]):
        on = dt.date(2026, 11, 2 + n)
        populated.linkage.link(pid, resource.id, "information_given", on, on + dt.timedelta(28))
        names.append(resource.name)
    async with letters_app.run_test(size=SIZE) as pilot:
        await open_letters(pilot, "osuil")
        screen = letters_app.screen
        assert isinstance(screen, LettersScreen)
        options = screen.query_one("#templates", OptionList)
        options.highlighted = [options.get_option_at_index(n).id for n in range(7)].index(
            "mutual_aid_introduction"
        )
        await settle(pilot)
        latest = preview_text(letters_app)
        await pilot.press("r")
        await settle(pilot)
        picker = letters_app.screen
        assert isinstance(picker, ResourcePicker)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert letters_app.screen is screen
        chosen = preview_text(letters_app)
        assert chosen != latest
        assert sum(name in " ".join(chosen.split()) for name in names) == 1
