"""A closed screen's rendered lines are not kept: Textual 8.2.8's colour cache held the
StylesCache of every widget it drew (screens/render_cache.py, Textualize/textual#6665)."""

from __future__ import annotations

import gc

from textual._styles_cache import StylesCache
from textual.widget import Widget

from console.app import RecoveryConsole
from console.services import Services
from screens.review.screen import ReviewScreen
from tests.ui.helpers import settle


def unowned_line_caches() -> int:
    gc.collect()
    owned = {id(w._styles_cache) for w in gc.get_objects() if isinstance(w, Widget)}
    return sum(1 for o in gc.get_objects() if type(o) is StylesCache and id(o) not in owned)


async def test_a_closed_review_form_leaves_none_of_its_drawn_lines(populated: Services) -> None:
    app = RecoveryConsole(populated)
    review_id = populated.summary.open(1).reviews[-1].id
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = unowned_line_caches()
        for _ in range(2):
            app.push_screen(ReviewScreen(review_id=review_id, read_only=True))
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        assert unowned_line_caches() <= before
