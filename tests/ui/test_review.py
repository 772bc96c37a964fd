"""The review form (SPEC §3.4), driven by the keyboard alone over a demonstration caseload."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from console.app import RecoveryConsole
from console.rules import top
from console.services import Services
from screens.review import ReviewScreen
from screens.review import screen as review_screen
from screens.review.addendum import AddendumModal
from screens.review.live import Line
from tests.ui.helpers import settle
from tests.ui.review_helpers import beside, message, pending_decision, pick, value

SnapCompare = Callable[..., bool]
SIZE = (80, 24)


async def open_review(pilot: Pilot[None]) -> ReviewScreen:
    await settle(pilot)
    await pilot.press("r")  # the kind picker: strategic is first, so enter takes it
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen) and screen.draft is not None
    return screen


async def fill_top(pilot: Pilot[None]) -> None:
    """Every TOP item from the first field on, by keys alone: weeks, yes/no, ratings."""
    for item in top.ITEMS:
        if item.key == "other_substance":
            await pilot.press("tab")  # its name, before the day counts
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
        for _ in range(9):
            await pilot.press("5", "tab")
        hint = screen.query_one("#hint", Line)
        assert hint.text == "Item 10: 1–6 · Total: needs all ten (9 of 10 answered) · range 10–60"
        await pilot.press("5")  # the total stays in sight on the last item, live
        assert hint.text.startswith("Item 10: 1–6 · Total 50 of 60")
        await pilot.press("tab")
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
        assert value(app, "top-opiates_w2") == "1"
        await pilot.press("f4")
        assert value(app, "barc-10") == "5"
        await pilot.press("f6")
        assert value(app, "ost-decision") == "continue_maintenance"
        await pilot.press("ctrl+f")
        assert "Press ctrl+f again" in message(app)
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "Finalised" in message(app), message(app)
        assert screen.read_only and app.screen.query_one("#barc-1", Input).disabled
    review = populated.reviews.get(draft.id)
    assert review.finalised and review.values.barc10 == (5,) * 10


async def test_finalise_checks_first_and_lists_everything_missing(app: RecoveryConsole) -> None:
    """ctrl+f checks before it asks: every missing item at once (section and field), and
    the form goes to the first; nothing is asked while anything is missing."""
    from screens.review.missing import MissingModal

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("ctrl+f")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, MissingModal)
        lines = [words for _, _, words in modal.lines]
        sections = {section for _, section, _ in modal.lines}
        assert lines[0] == "Alcohol: all four weeks, the total, or NA"
        assert {"TOP", "BARC-10", "Plan", "OST"} <= sections
        assert sum(w.startswith("goal “") for w in lines) == len(screen.draft.goals)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and not screen._confirm_finalise
        assert "Not complete" in message(app)
        assert app.screen.focused is not None and app.screen.focused.id == "top-alcohol_w1"
        # enter on another item goes there
        await pilot.press("ctrl+f")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert app.screen.focused is not None
        assert app.screen.focused.id == modal.lines[-1][0]


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
        # The value is chosen by the review's own label; a refusal keeps the dialog.
        await pilot.press("a", *"psych", "enter", "2", "1", "enter", *"typo", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AddendumModal)
        assert "rating 0–20" in str(dialog.query_one("#e-add-value", Static).render())
        assert dialog.focused is not None and dialog.focused.id == "add-value"
        assert dialog.query_one("#add-reason", Input).value == "typo"
        await pilot.press("ctrl+u", "9", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert message(app).startswith("Addendum saved: Psychological health: ")
        assert message(app).split(": ", 1)[1].split(" → ")[1].startswith("9;")
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
    worker = as_role("recovery_worker")
    done = pending_decision(worker)
    assert done.ost_decision == "pending"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=done.id, read_only=True))
        await settle(pilot)
        await pilot.press("o", "c", "enter", *"stable", "enter", "enter", "enter")
        await settle(pilot)
        assert "OST decision recorded by" in message(app), message(app)
    assert worker.reviews.get(done.id).values.ost_decision == "continue_maintenance"


async def test_a_pending_start_is_decided_with_its_medicine(
    app: RecoveryConsole, populated: Services, as_role: Callable[[str], Services]
) -> None:
    """A clinician deciding a start left pending names the medicine in the modal."""
    from console.services.dto import PatientInput
    from console.services.review_dto import ReviewInput
    from screens.review.ost_modal import OstDecisionModal

    record = populated.patients.register(PatientInput("401 023 2137", "Nobody", "Al", "01/01/1970"))
    populated.episodes.start(record.id, TODAY)
    worker = as_role("recovery_worker")
    draft = worker.reviews.start(record.id, "start")
    done = worker.reviews.finalise(
        draft.id,
        draft.version,
        ReviewInput(
            top_not_answered=frozenset(i.key for i in top.ITEMS),
            barc10_declined=True,
            next_review_date=draft.values.next_review_date,
        ),
    )
    assert done.ost_decision == "pending"
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ReviewScreen(review_id=done.id, read_only=True))
        await settle(pilot)
        await pilot.press("o", "s")
        modal = app.screen
        assert isinstance(modal, OstDecisionModal)
        assert modal.query_one("#m-new").display  # a start names its medicine
        modal.query_one("#m-dose", Input).value = "30"
        modal.query_one("#m-medicine", Select).value = "methadone_oral"
        modal.query_one("#m-interval", Select).value = "daily"
        modal.query_one("#m-dispensing", Select).value = "supervised"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # refused by the service: the modal stays, with what was typed and why
        assert app.screen is modal
        assert "the date the new dose starts" in str(modal.query_one("#ost-error", Static).render())
        assert modal.query_one("#m-dose", Input).value == "30"
        modal.query_one("#m-from", Input).value = "23/11/2026"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not modal
        assert "OST decision recorded by" in message(app), message(app)
    summary = populated.summary.open(record.id)
    assert summary.current_dose is not None
    assert (summary.current_dose.medicine, summary.current_dose.dose_mg) == ("methadone_oral", 30)


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


# -- review date, other substance, OST start, post-exit check-ups, kind picker ------------
TODAY = dt.date(2026, 11, 23)


async def test_review_date_in_the_future_is_refused_beside_it(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("f7", "tab", "tab")
        assert app.screen.focused is not None and app.screen.focused.id == "review-date"
        assert value(app, "review-date") == "23/11/2026"  # prefilled: today
        await pilot.press(*"24/11/2026", "tab")
        assert "not in the future" in beside(app, "review-date")
        await pilot.press("ctrl+s")
        await settle(pilot)  # the draft saves, the date kept as typed and marked
        assert "✗ Review date: not in the future" in message(app)  # marked, named
        assert screen.draft is not None
        kept = app.services.reviews.get(screen.draft.id)
        assert kept.values.raw == {"review_date": "24/11/2026"}
        assert kept.values.review_date == dt.date(2026, 11, 23)
        # An earlier review date moves the rule's next date earlier too.
        await pilot.press("f7", *"20/05/2027", "tab", "tab", *"20/11/2026", "ctrl+s")
        await settle(pilot)
        assert "Draft saved" in message(app), message(app)
        assert beside(app, "review-date") == ""
        assert screen.draft is not None
    assert app.services.reviews.get(screen.draft.id).values.review_date == dt.date(2026, 11, 20)


async def test_other_substance_name_is_saved_and_reopened(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        for _ in range(36):  # six substances of six fields each
            await pilot.press("tab")
        assert app.screen.focused is not None
        assert app.screen.focused.id == "top-other_substance_name"
        await pilot.press(*"ketamine", "tab", "2", "ctrl+s")
        await settle(pilot)
        assert "Draft saved" in message(app), message(app)
        await pilot.press("escape")
        await settle(pilot)
        again = await open_review(pilot)
        assert again.draft is not None and screen.draft is not None
        assert again.draft.id == screen.draft.id
        assert value(app, "top-other_substance_name") == "ketamine"
        assert value(app, "top-other_substance_w1") == "2"


async def test_ost_start_names_the_medicine(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("f6")
        new = app.screen.query_one("#ost-new")
        assert not new.display  # continue, reduce …: the medicine stays as it is
        await pilot.press("s")
        assert new.display
        await pilot.press("tab", *"16", "tab", *"23/11/2026", "tab", *"starting", "tab")
        assert app.screen.focused is not None and app.screen.focused.id == "ost-medicine"
        await pick(pilot, "b")
        await pilot.press("tab")
        await pick(pilot, "m")  # monthly: not for a sublingual medicine
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert beside(app, "ost-interval").startswith("✗"), message(app)
        assert "Draft saved" in message(app) and "✗ Interval: " in message(app)
        await pilot.press("f6", "tab", "tab", "tab", "tab", "tab")
        assert app.screen.focused is not None and app.screen.focused.id == "ost-interval"
        await pick(pilot, "d")
        await pilot.press("tab")
        await pick(pilot, "s")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Draft saved" in message(app), message(app)
        assert beside(app, "ost-interval") == ""
        data, errors = screen._collect()
    assert not errors
    assert (data.new_medicine, data.new_interval, data.new_dispensing) == (
        "buprenorphine_sublingual",
        "daily",
        "supervised",
    )
