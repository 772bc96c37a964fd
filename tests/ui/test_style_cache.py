"""Widgets alike share one rule match (screens/style_cache.py), and every widget ends up
styled exactly as Textual's own uncached matching styles it: on the review form, after
focus moves, and after the theme changes."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.css.stylesheet import Stylesheet
from textual.dom import DOMNode
from textual.widgets import Input

import screens.style_cache as style_cache
from console.app import RecoveryConsole
from console.services import Services
from screens.review.screen import ReviewScreen
from tests.ui.helpers import settle


def styled(node: DOMNode) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    own = dict(node.styles.base._rules)
    parts = {name: dict(s.base._rules) for name, s in node._component_styles.items()}
    return own, parts


def differences(app: App[Any]) -> list[str]:
    """Every node of the screen restyled by Textual's own code, one at a time, with no
    cache: what differs from what the shared matching gave."""
    sheet = app.stylesheet
    found = []
    for node in list(app.screen.walk_children(with_self=True)):
        before = styled(node)
        style_cache._stock_apply(sheet, node)  # stock matching, its parts included
        if styled(node) != before:
            found.append(f"{node!r}: {before} != {styled(node)}")
    return found


async def test_the_review_form_is_styled_as_textual_styles_it(populated: Services) -> None:
    assert Stylesheet.apply is style_cache._apply  # the console installs it
    pid = populated.patients.search("").rows[0].id
    draft = populated.reviews.start(pid, "strategic")
    app = RecoveryConsole(populated)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=draft.id))
        await settle(pilot)
        assert len(app.screen.query(Input)) > 20
        assert differences(app) == []
        for _ in range(3):  # focus moves: the focused cell's cursor style differs
            await pilot.press("tab")
            await settle(pilot)
            assert differences(app) == []
        app.theme = "textual-light"  # a reparse: nothing matched under the old rules stays
        await settle(pilot)
        assert differences(app) == []


class Rows(App[None]):
    CSS = """
    Horizontal { height: 1; }
    #special > .input--placeholder { color: red; }
    Input.wide { width: 12; }
    """

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            for row in range(12):
                with Horizontal():
                    for cell in range(4):
                        name = "special" if (row, cell) == (5, 2) else None
                        yield Input(id=name, classes="wide" if cell == 3 else "", compact=True)


async def test_rows_alike_are_matched_once_and_each_keeps_its_own() -> None:
    matched: list[DOMNode] = []
    stock = style_cache._stock_apply

    def counting(sheet: Stylesheet, node: DOMNode, **kwargs: Any) -> None:
        matched.append(node)
        stock(sheet, node, **kwargs)

    app = Rows()
    style_cache._stock_apply = counting
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            parts = [n for n in matched if type(n) is DOMNode and "input--" in str(n.classes)]
            # Four parts for each kind (plain, wide, #special), at mount and once more as
            # the app takes focus: not four for every one of the 48 Inputs, each time.
            assert len(parts) <= 2 * 3 * 4, len(parts)
            special = app.query_one("#special", Input)
            placeholder = special.get_component_styles("input--placeholder")
            assert placeholder.color.rich_color.name == "#ff0000"
            other = app.query(Input)[0].get_component_styles("input--placeholder")
            assert other.color != placeholder.color
            assert differences(app) == []
    finally:
        style_cache._stock_apply = stock
