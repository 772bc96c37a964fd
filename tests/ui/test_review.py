"""The review form (SPEC §3.4), driven by the keyboard alone over a demonstration caseload."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Static

from console.app import RecoveryConsole
from console.rules import top
from console.services import Services
from screens.review import ReviewScreen
from screens.review import screen as review_screen
from screens.review.live import Line
from tests.ui.helpers import settle

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _no_timed_autosave(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same pixels every run: the debounced autosave would land at a random moment."""
    monkeypatch.setattr(review_screen, "AUTOSAVE_SECONDS", 3600)


def message(app: RecoveryConsole) -> str:
    return app.screen.query_one("#message", Line).text


def value(app: RecoveryConsole, field_id: str) -> str:
    return app.screen.query_one(f"#{field_id}", Input).value


async def open_review(pilot: Pilot[None]) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.draft is not None
    return screen


async def fill_top(pilot: Pilot[None]) -> None:
    """Every TOP item from the first field on, by keys alone: weeks, yes/no, ratings."""
    for item in top.ITEMS:
        if item.kind is top.ItemKind.DAYS:
            await pilot.press("0", "tab", "1", "tab", "0", "tab", "0", "tab", "tab")
            if item.amount_unit:
                await pilot.press("tab")
        elif item.kind is top.ItemKind.YES_NO:
            await pilot.press("n", "tab")
        else:
            await pilot.press("1", "2", "tab")


async def test_full_review_by_keyboard(app: RecoveryConsole, populated: Services) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        draft = screen.draft
        assert draft is not None and draft.goals
        # An out-of-range TOP value gets a clear message naming the range.
        await pilot.press("9", "tab")
        assert "Alcohol week 1: days a week 0–7, or NA" in message(app)
        await pilot.press("shift+tab", "backspace")
        await fill_top(pilot)
        assert value(app, "top-alcohol_days") == "1"  # the weeks' sum, live
        # BARC-10: ten answers, the total and the change since the last review.
        await pilot.press("f4")
        for _ in range(10):
            await pilot.press("5", "tab")
        total = screen.query_one("#barc-total", Line).text
        previous = draft.previous.barc10_total if draft.previous else None
        assert "Total 50 of 60" in total
        if previous is not None:
            assert f"change {50 - previous:+d}" in total
        # Care plan: each goal's new status and a note.
        await pilot.press("f5")
        for _ in draft.goals:
            await pilot.press("p", "tab", *"ok", "tab")
        # OST decision, then save the draft on demand.
        await pilot.press("f6", "c", "tab", "tab", "tab", *"stable on this dose")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Draft saved" in message(app), message(app)
        # Reopen: the draft comes back with every value.
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_review(pilot)
        assert screen.draft is not None and screen.draft.id == draft.id
        assert value(app, "barc-10") == "5" and value(app, "ost-decision") == "continue_maintenance"
        assert value(app, "top-opiates_w2") == "1"
        await pilot.press("ctrl+f")
        assert "Press ctrl+f again" in message(app)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "Finalised" in message(app), message(app)
        assert screen.read_only and app.screen.query_one("#barc-1", Input).disabled
    review = populated.reviews.get(draft.id)
    assert review.finalised and review.values.barc10 == (5,) * 10


async def test_finalise_incomplete_names_what_is_missing(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("ctrl+f", "ctrl+f")
        await settle(pilot)
        assert "✗ Not saved: TOP: Alcohol" in message(app)
        assert app.screen.focused is not None and app.screen.focused.id == "top-alcohol_w1"


async def test_read_only_review_screen(app: RecoveryConsole, populated: Services) -> None:
    reviews = populated.summary.open(1).reviews
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=reviews[-1].id, read_only=True))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and screen.read_only
        assert all(w.disabled for w in screen.query(Input))
        assert "finalised" in str(screen.query_one("#title", Static).render())
        await pilot.press("a", *"psych_health", "enter", "2", "1", "enter", *"typo", "enter")
        await settle(pilot)
        assert "✗ Not saved: rating 0–20" in message(app)
        await pilot.press("a", *"psych_health", "enter", "9", "enter", *"typed 19", "enter")
        await settle(pilot)
        assert "Addendum saved" in message(app)
        assert "Psychological health" in str(screen.query_one("#addenda", Static).render())
    summary = populated.summary.open(1)
    assert summary.reviews[-1].psych_health == 9


def _section(*keys: str) -> Callable[[Pilot[None]], object]:
    async def run_before(pilot: Pilot[None]) -> None:
        await open_review(pilot)
        for key in keys:
            await pilot.press(key)
        await settle(pilot)

    return run_before


def test_snapshot_top(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_section("2", "tab", "1"))


def test_snapshot_top_out_of_range(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_section("8", "tab"))


def test_snapshot_tests(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ("f2", "u", "tab", *"23/11/2026", "tab", "+", "tab", "-")
    assert snap_compare(app, terminal_size=SIZE, run_before=_section(*keys))


def test_snapshot_corroboration(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ("f3", "p", "tab", *"collects daily, no missed doses")
    assert snap_compare(app, terminal_size=SIZE, run_before=_section(*keys))


def test_snapshot_barc10(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ["f4"] + ["4", "tab"] * 10
    assert snap_compare(app, terminal_size=SIZE, run_before=_section(*keys))


def test_snapshot_plan(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    assert snap_compare(app, terminal_size=SIZE, run_before=_section("f5", "a", "tab"))


def test_snapshot_ost_rationale_required(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ("f6", "c", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=_section(*keys))


def test_snapshot_next_review_needs_reason(snap_compare: SnapCompare, app: RecoveryConsole) -> None:
    keys = ("f7", "ctrl+u", *"01/12/2027", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=_section(*keys))


def test_snapshot_read_only_with_addendum(
    snap_compare: SnapCompare, app: RecoveryConsole, populated: Services
) -> None:
    review_id = populated.summary.open(1).reviews[-1].id
    populated.reviews.add_addendum(review_id, "opiates_days", "3", "pharmacy report")

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(ReviewScreen(review_id=review_id, read_only=True))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_clinician_records_a_pending_decision(
    app: RecoveryConsole, as_role: Callable[[str], Services]
) -> None:
    from console.services.review_dto import GoalReviewInput, ReviewInput

    worker = as_role("recovery_worker")
    draft = worker.reviews.start(1, "strategic")
    done = worker.reviews.finalise(
        draft.id,
        draft.version,
        ReviewInput(
            top_not_answered=frozenset(i.key for i in top.ITEMS),
            barc10_declined=True,
            goals={g.goal_key: GoalReviewInput(g.status) for g in draft.goals},
            next_review_date=draft.values.next_review_date,
        ),
    )
    assert done.ost_decision == "pending"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=done.id, read_only=True))
        await settle(pilot)
        await pilot.press("o", "c", "enter", *"stable", "enter", "enter", "enter")
        await settle(pilot)
        assert "OST decision recorded by" in message(app), message(app)
    assert worker.reviews.get(done.id).values.ost_decision == "continue_maintenance"


def test_form_keeps_not_answered_apart_from_zero(
    populated: Services, as_role: Callable[[str], Services]
) -> None:
    from console.rules import top as top_rules
    from screens.review import fields
    from screens.review.collect import collect

    draft = as_role("clinician").reviews.start(1, "strategic")
    specs = {f"top-{c}": fields.top_field(c) for c in top_rules.COLUMNS}
    specs |= {f"barc-{n}": fields.barc_field(n) for n in range(1, 11)}
    texts = {"top-alcohol_w1": "NA", "top-crack_days": "0", "barc-1": "6", "barc-2": "7"}
    data, errors = collect(texts, specs, draft)
    assert "alcohol" in data.top_not_answered and "alcohol_w1" not in data.top
    assert data.top["crack_days"] == 0 and "crack" not in data.top_not_answered
    assert errors == {"barc-2": "BARC-10 item 2: answer 1–6"}


async def test_draft_saves_itself_as_fields_change(
    app: RecoveryConsole, populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(review_screen, "AUTOSAVE_SECONDS", 0.05)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.draft is not None
        await pilot.press("3")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "Draft saved" in message(app)
    assert populated.reviews.get(screen.draft.id).values.top["alcohol_w1"] == 3
