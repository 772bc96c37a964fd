"""After the list's first frame the summary, the worklist and the review form are loaded
ahead (their modules and CSS, issue 19): opening a patient for the first time does not
import the summary or read its CSS again, which was two fifths of that first open."""

from __future__ import annotations

import asyncio

from textual.css.stylesheet import Stylesheet

from console.app import RecoveryConsole
from console.services import Services
from screens.navigation import css_paths
from tests.ui.helpers import settle
from tests.ui.summary_helpers import open_summary


async def test_the_first_summary_finds_its_css_read(populated: Services) -> None:
    app = RecoveryConsole(populated)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(100):  # the warm-up runs in a thread after the first frame
            if not any(w.is_running for w in app.workers):
                break
            await asyncio.sleep(0.05)
        await settle(pilot)
        from screens.patients.summary import PatientSummaryScreen
        from screens.worklist.worklist import WorklistScreen

        sheet = app.stylesheet
        for screen in (PatientSummaryScreen, WorklistScreen):
            for path in css_paths(screen):
                assert sheet.has_source(str(path), ""), path
        reparses: list[int] = []
        original = Stylesheet.reparse

        def counted(self: Stylesheet) -> None:
            reparses.append(1)
            original(self)

        Stylesheet.reparse = counted  # type: ignore[method-assign]
        try:
            row = populated.patients.search("").rows[0]
            await open_summary(pilot, row)
        finally:
            Stylesheet.reparse = original  # type: ignore[method-assign]
        assert reparses == []  # the summary's CSS was read ahead, not on its first push
