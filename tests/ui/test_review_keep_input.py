"""Never lose what staff type (issue 13): a draft keeps every value typed, out of range or
not; quitting and hanging up save it first; ESC 2 types nothing; no alt+digit keys."""

from __future__ import annotations

import datetime as dt
import pkgutil
import signal
import time
from importlib import import_module
from pathlib import Path

import pytest
from textual._xterm_parser import XTermParser
from textual.binding import Binding
from textual.widgets import Input

import screens
from console.app import RecoveryConsole
from console.services import Services
from screens.review import ReviewScreen
from screens.widgets.form import labelled
from tests.ui.helpers import known_id, settle, type_search
from tests.ui.review_helpers import marked_rows, message, value
from tests.ui.test_review import SIZE, open_review

README = Path(__file__).resolve().parents[2] / "README.md"


def _bad(app: RecoveryConsole, field_id: str) -> bool:
    return app.screen.query_one(f"#{field_id}", Input).has_class("-bad")


async def test_hang_up_keeps_every_typed_value(populated: Services) -> None:
    """Typed, not saved: an out-of-range TOP value, continue maintenance with no
    rationale, a later next review date with no reason; the terminal hangs up (the
    SIGHUP handler). A fresh console on the same database has every value, the bad ones
    marked."""
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.draft is not None
        review_id = screen.draft.id
        await pilot.press("9", "tab", "1")  # alcohol week 1: 0–7 only
        await pilot.press("f6", "c")  # continue maintenance, no rationale
        await pilot.press("f7", "ctrl+u", *"01/12/2027")  # later than the rule, no reason
        await settle(pilot)
        assert "Draft saved" not in str(screen.query_one("#title").render())
        handler = signal.getsignal(signal.SIGHUP)
        assert callable(handler)
        handler(signal.SIGHUP, None)  # what the kernel's hang-up runs
        await settle(pilot)
    kept = populated.reviews.get(review_id)
    assert kept.values.next_review_date is None  # never stored later without a reason
    again = RecoveryConsole(populated)
    async with again.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.draft is not None and screen.draft.id == review_id
        assert "kept as typed" in message(again)
        assert value(again, "top-alcohol_w1") == "9" and _bad(again, "top-alcohol_w1")
        assert value(again, "top-alcohol_w2") == "1" and not _bad(again, "top-alcohol_w2")
        await pilot.press("f6")
        await settle(pilot)
        assert value(again, "ost-decision") == "continue_maintenance"
        await pilot.press("f7")
        await settle(pilot)
        assert value(again, "next-date") == "01/12/2027" and _bad(again, "next-date")


async def test_quit_saves_the_draft_first(app: RecoveryConsole, populated: Services) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.draft is not None
        await pilot.press("3", "ctrl+q")  # the autosave is an hour away in tests
        await settle(pilot)
    assert populated.reviews.get(screen.draft.id).values.top["alcohol_w1"] == 3


async def test_escape_2_from_the_terminal_types_nothing(app: RecoveryConsole) -> None:
    """tmux sends alt+2 as ESC 2, which Textual's parser read as "™" typed into the field."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        assert screen.sections is not None
        await pilot.press("f2")  # the specimen field, where "™u" was seen
        await settle(pilot)
        before = dict(screen.sections.texts)
        parser = XTermParser()
        for data in ("\x1b2", "\x1b3", "\x1b1"):
            for event in [*parser.feed(data), *parser.tick()]:
                app.post_message(event)
        await settle(pilot)
        assert screen.sections.texts == before
        assert all(w.value == before.get(w.id or "", w.value) for w in screen.query(Input))


def test_no_advertised_binding_is_alt_digit() -> None:
    """Section keys are F1–F7 and the picker: alt+digit reaches many terminals as ESC 2."""
    offenders = []
    for module in pkgutil.walk_packages(screens.__path__, "screens."):
        mod = import_module(module.name)
        for thing in vars(mod).values():
            for b in getattr(thing, "BINDINGS", None) or []:
                keys = b.key if isinstance(b, Binding) else b[0]
                for key in keys.split(","):
                    if key.startswith("alt+") and key[4:].isdigit():
                        offenders.append(f"{module.name}: {key}")
    for b in RecoveryConsole.BINDINGS:
        assert isinstance(b, Binding) and not b.key.startswith("alt+")
    assert offenders == []
    assert "alt+1" not in README.read_text()
    assert all("alt+" not in k for k in ReviewScreen().keys_advertised())


async def test_a_dialog_with_changes_asks_before_escape_discards(app: RecoveryConsole) -> None:
    from textual.widgets import Select

    from screens.linkage.resources import ResourceForm, ResourcesScreen
    from screens.widgets.discard import DiscardModal

    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.push_screen(ResourcesScreen())
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ResourceForm)
        await pilot.press("escape")  # nothing typed: it closes at once
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ResourceForm)
        form.query_one("#kind", Select).value = "smart_recovery"
        form.query_one("#name", Input).focus()
        await pilot.press(*"SMART Kirkstall", "escape")
        await settle(pilot)
        assert isinstance(app.screen, DiscardModal)
        await pilot.press("n")  # keep editing: every value still there
        await settle(pilot)
        assert app.screen is form
        assert form.query_one("#name", Input).value == "SMART Kirkstall"
        await pilot.press("escape", "y")
        await settle(pilot)
        assert isinstance(app.screen, ResourcesScreen)


async def test_a_closed_set_field_refuses_characters_outside_it(app: RecoveryConsole) -> None:
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("z", "£", "3")  # TOP alcohol week 1: digits or NA only
        assert value(app, "top-alcohol_w1") == "3"
        await pilot.press("f2", "z", "™", "u")  # specimen: u or o
        await settle(pilot)
        assert value(app, "drug-specimen") == "u"
        await pilot.press("f6", "q", "c")  # the OST decision's letters only
        await settle(pilot)
        assert value(app, "ost-decision") == "c"
        await pilot.press("backspace", *"continue")  # a word of the set, as typed
        assert value(app, "ost-decision") == "continue"
        assert screen.sections is not None


async def test_section_picker_goes_to_the_section_chosen(app: RecoveryConsole) -> None:
    """ctrl+g lists the sections (F1–F7 beside each); enter goes to the one chosen."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert app.screen is not screen
        await pilot.press("down", "down", "down", "enter")
        await settle(pilot)
        assert app.screen is screen and screen.section == "barc10"
        assert screen.focused is not None and screen.focused.id == "barc-1"


async def test_after_the_section_picker_the_hint_is_the_focused_fields(
    app: RecoveryConsole,
) -> None:
    """The hint line and the row marker follow the field the picker left focused, not
    the one that had focus before it opened."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_review(pilot)
        hint = screen.query_one("#hint")
        before = hint.text  # type: ignore[attr-defined]
        assert before and not before.startswith("Item 1")
        for keys, field_id, wanted in (
            (("down", "down", "down"), "barc-1", "Item 1: 1–6 · Total: needs all ten"),
            (("up", "up", "up"), "top-alcohol_w1", before),
        ):
            await pilot.press("ctrl+g")
            await settle(pilot)
            await pilot.press(*keys, "enter")
            await settle(pilot)
            assert screen.focused is not None and screen.focused.id == field_id
            assert hint.text.startswith(wanted), hint.text  # type: ignore[attr-defined]
            assert marked_rows(screen) == [screen.focused.parent]


async def test_a_section_with_no_field_shows_its_own_hint(populated: Services) -> None:
    """A patient with no care plan: the picker's Plan section has no field to focus, so
    the hint line says what the section is, not the hint of the field left behind."""
    populated.episodes.start(known_id(populated), dt.date(2026, 11, 1))
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await type_search(pilot, "Quarrington")
        await pilot.press("enter")
        screen = await open_review(pilot)
        hint = screen.query_one("#hint")
        before = hint.text  # type: ignore[attr-defined]
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("home", *["down"] * 4, "enter")
        await settle(pilot)
        assert screen.section == "plan"
        said = hint.text  # type: ignore[attr-defined]
        assert said != before and said.startswith("Plan: nothing to answer here"), said
        assert not marked_rows(screen)  # no row marked: no field has the cursor


async def test_keys_typed_before_the_form_loads_land_in_its_first_field(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """r then 1 on a summary, then typing at once, before the draft has loaded (a slow
    database): every key lands in the form, the first field first."""
    from console.services.reviews import ReviewService
    from tests.ui.summary_helpers import open_summary, rich_patient

    start = ReviewService.start

    def slow_start(self: ReviewService, patient_id: int, kind: str = "strategic") -> object:
        time.sleep(0.5)  # the keys below all arrive before the draft
        return start(self, patient_id, kind)

    monkeypatch.setattr(ReviewService, "start", slow_start)
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        await pilot.press("r", "1", "3", "tab", "2", "tab", "1")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert value(app, "top-alcohol_w1") == "3"
        assert value(app, "top-alcohol_w2") == "2"
        assert value(app, "top-alcohol_w3") == "1"
        assert screen.focused is not None and screen.focused.id == "top-alcohol_w3"


async def test_keys_typed_while_held_keys_are_replayed_come_after_them(
    populated: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow machine: keys still arrive while the held ones are being replayed into the
    form. They are held behind them, not typed into the first field ahead of them."""
    from textual import events

    from console.services.reviews import ReviewService
    from screens.review.early_keys import HeldKeys
    from tests.ui.summary_helpers import open_summary, rich_patient

    start = ReviewService.start

    def slow_start(self: ReviewService, patient_id: int, kind: str = "strategic") -> object:
        time.sleep(2)  # every key below is typed before the draft, however busy the machine
        return start(self, patient_id, kind)

    replay = HeldKeys._next
    typed_late: list[bool] = []

    def next_key(self: HeldKeys) -> None:
        if not typed_late:  # the replay begins: the typist's next keys arrive now
            typed_late.append(True)
            for key in ("tab", "1"):
                self.app.post_message(events.Key(key, "\t" if key == "tab" else key))
        replay(self)

    monkeypatch.setattr(ReviewService, "start", slow_start)
    monkeypatch.setattr(HeldKeys, "_next", next_key)
    row = rich_patient(populated)
    app = RecoveryConsole(populated)
    async with app.run_test(size=SIZE) as pilot:
        await open_summary(pilot, row)
        await pilot.press("r", "1", "3", "tab", "2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen) and typed_late
        for _ in range(100):  # the replay goes a key at a time, each through every widget
            if screen._held is None:
                break
            await pilot.pause()
        assert value(app, "top-alcohol_w1") == "3"
        assert value(app, "top-alcohol_w2") == "2"
        assert value(app, "top-alcohol_w3") == "1"


async def test_a_key_typed_right_after_tab_lands_in_the_next_field(app: RecoveryConsole) -> None:
    """Keys in one burst, as a fast typist, a paste or a slow link delivers them: the key
    after a tab goes to the field the tab moved to, not the one it left."""
    from textual import events

    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        for key, character in (("4", "4"), ("tab", "\t"), ("5", "5"), ("tab", "\t"), ("6", "6")):
            app.post_message(events.Key(key, character))  # all queued before any is handled
        await settle(pilot)
        assert value(app, "top-alcohol_w1") == "4"
        assert value(app, "top-alcohol_w2") == "5"
        assert value(app, "top-alcohol_w3") == "6"


async def test_the_message_line_keeps_the_label_of_a_long_refusal(app: RecoveryConsole) -> None:
    """At 80x24 the message line names the field and gives the reason, however long the
    reason: the lead shortens, never the label."""
    async with app.run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("f7", "ctrl+u", *"01122027", "ctrl+s")  # later than the rule's
        await settle(pilot)
        said = message(app)
        assert said.startswith("Saved ") and len(said) <= 78, said
        assert "✗ Next review: later than the rule's " in said and said.endswith("give a reason")
        await pilot.press("f1", "9", "ctrl+s")  # and a TOP week out of range
        await settle(pilot)
        said = message(app)
        assert "✗ Alcohol week 1: days a week 0–7, or NA (+1 more)" in said, said
        assert len(said) <= 78


def test_a_refusal_too_long_for_any_lead_cuts_the_reason_not_the_label() -> None:
    said = labelled(("Draft saved 10:00; to correct: ", "Saved 10:00: "), "Next review", "x" * 90)
    assert said.startswith("Saved 10:00: ✗ Next review: xxx") and said.endswith("…")
    assert len(said) == 78
    assert labelled(("",), "Dose", "Dose: in mg", more=" (+2 more)") == "✗ Dose: in mg (+2 more)"


def test_every_fixed_hint_fits_the_hint_line_at_80_columns() -> None:
    """The hint line is one line of 78 characters: a longer hint lost its end at 80x24
    (the OST decision's "p pending", the dispensing hint's "none for the injection")."""
    from screens.review import fields

    specs = {k: v for k, v in vars(fields).items() if isinstance(v, fields.FieldSpec)}
    assert "DECISION" in specs and "DISPENSING" in specs
    assert {k: v.hint for k, v in specs.items() if len(v.hint) > 78} == {}
