"""An addendum to a finalised review: which value (chosen from the review's own labels,
each with its value now), its new value and why (SPEC §2). The original stays as it was;
the screen lists every addendum under the title. The dialog saves through the service
itself, so a refusal keeps it open with everything typed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from console import format as fmt
from console.rules import barc10, top
from console.rules.vocab import DRUG_PANEL
from console.services import Services
from console.services.errors import Invalid, ServiceError
from console.services.review_dto import Addendum, ReviewDraft
from screens.review import fields as f
from screens.widgets.discard import leave_or_ask
from screens.widgets.form import cut

LABEL_WIDTH = 52
TYPED = ("add-value", "add-reason")
RESULT_WORDS = {"positive": "+ positive", "negative": "- negative", "not_tested": "not tested"}


@dataclass(frozen=True)
class Corrected:
    """What the dialog saved: the review as it now stands and what was corrected."""

    draft: ReviewDraft
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class Choice:
    field: str  # the service's name for the value
    label: str  # the review's own words for it
    now: str  # its value now, as staff read it
    hint: str  # what a new value may be


def field_label(field: str) -> str:
    if field in top.COLUMNS:
        item, part = top.COLUMNS[field]
        if part == "days":
            return f"{item.label} total days"
        return f"{item.label}{' ' + part if part else ''}"
    if field.startswith("barc10_q"):
        return f"BARC-10 item {field.removeprefix('barc10_q')}"
    return "Test: " + field.removeprefix("drug_").capitalize()


def _now_text(field: str, value: object) -> str:
    if field.startswith("drug_"):
        return RESULT_WORDS.get(str(value or "not_tested"), str(value))
    if value is None or value == "":
        return f.NA
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def choices(draft: ReviewDraft) -> list[Choice]:
    """Every value an addendum may correct, in the form's order, with its value now
    (after earlier addenda)."""
    later = {a.field: a.new_value for a in draft.addenda}
    v = draft.values
    out: list[Choice] = []

    def add(field: str, label: str, value: object, hint: str) -> None:
        if field in later:
            value = later[field] or None
        out.append(Choice(field, label, _now_text(field, value), hint))

    for item in top.ITEMS:
        if draft.kind == "post_exit_checkup" and item.section != top.SUBSTANCE:
            continue
        if item.kind is top.ItemKind.DAYS:
            column = f"{item.key}_days"
            add(column, field_label(column), v.top.get(column), "days in the past 28, 0–28")
            if item.amount_unit:
                column = f"{item.key}_amount"
                hint = f"{item.amount_unit} on a using day, 0 or more"
                add(column, f"{item.label} amount", v.top.get(column), hint)
        else:
            hint = f.top_field(item.key).hint.split(": ", 1)[-1]
            add(item.key, item.label, v.top.get(item.key), hint)
    for n, wording in enumerate(barc10.ITEMS, start=1):
        add(f"barc10_q{n}", f"BARC-10 {n} {wording}", v.barc10[n - 1], "1–6, blank = NA")
    results = v.drug_test.results if v.drug_test else {}
    for substance in DRUG_PANEL:
        add(
            f"drug_{substance}",
            f"Test: {substance.capitalize()}",
            results.get(substance, "not_tested"),
            "+ positive · - negative · blank not tested",
        )
    return out


def stored_text(field: str, text: str) -> str:
    """What staff type (as in the form) → the text the service stores."""
    text = text.strip()
    low = text.lower()
    if field.startswith("drug_"):
        return f.RESULTS.get(low, low.replace(" ", "_") or "not_tested")
    if low == "na":
        return ""
    if field in top.COLUMNS and top.COLUMNS[field][0].kind is top.ItemKind.YES_NO:
        return {"y": "yes", "n": "no"}.get(low, low)
    return text


def addenda_text(draft: ReviewDraft) -> str:
    if not draft.addenda:
        return ""
    lines = [_line(a) for a in draft.addenda]
    return "Addenda (the form keeps the original values):\n" + "\n".join(lines)


def _line(a: Addendum) -> str:
    old = _now_text(a.field, a.old_value or None) if a.field.startswith("drug_") else a.old_value
    new = _now_text(a.field, a.new_value or None) if a.field.startswith("drug_") else a.new_value
    return (
        f" {fmt.date_text(_day(a.at))} {a.by}: {field_label(a.field)} "
        f"{old or f.NA} → {new or f.NA} ({a.reason})"
    )


def _day(at: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(at[:10])
    except ValueError:
        return None


class AddendumDone(Message):
    def __init__(self, result: Corrected) -> None:
        super().__init__()
        self.result = result


class AddendumRefused(Message):
    def __init__(self, error: ServiceError) -> None:
        super().__init__()
        self.error = error


class AddendumModal(ModalScreen[Corrected | None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", id="addendum.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="addendum.cancel"),
    ]
    DEFAULT_CSS = """
    AddendumModal { align: center middle; }
    AddendumModal > Vertical {
        width: 78; height: auto; max-height: 22; border: round $primary; padding: 0 1;
    }
    AddendumModal OptionList { height: 8; border: none; padding: 0; }
    AddendumModal Horizontal { height: 1; }
    AddendumModal .label { width: 11; }
    AddendumModal Input { width: 1fr; }
    AddendumModal .error { color: $error; height: auto; }
    AddendumModal #add-chosen { text-style: bold; }
    AddendumModal #add-keys { color: $text-muted; }
    """

    def __init__(self, draft: ReviewDraft) -> None:
        super().__init__()
        self.draft = draft
        self.choices = choices(draft)
        self.chosen: Choice | None = None

    @property
    def services(self) -> Services:
        return self.app.services  # type: ignore[attr-defined,no-any-return]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Addendum: correct one value of this finalised review", markup=False)
            with Horizontal():
                yield Label("Find", classes="label")
                yield Input(placeholder="a word of the label, e.g. heroin", id="add-find",
                            compact=True)  # fmt: skip
            yield OptionList(*self._options(""), id="add-list")
            yield Static("Value: choose one from the list (enter)", id="add-chosen", markup=False)
            with Horizontal():
                yield Label("New value", classes="label")
                yield Input(placeholder="as in the form; NA = not answered", id="add-value",
                            compact=True)  # fmt: skip
            yield Static("", id="e-add-value", classes="error", markup=False)
            with Horizontal():
                yield Label("Why", classes="label")
                yield Input(placeholder="why it is corrected", id="add-reason", compact=True)
            yield Static("", id="e-add-reason", classes="error", markup=False)
            yield Static("", id="add-message", classes="error", markup=False)
            yield Static(
                "enter on the list chooses · enter on why or ctrl+s saves · escape cancels",
                id="add-keys",
                markup=False,
            )

    def _options(self, find: str) -> list[Option]:
        words = find.lower().split()
        out = []
        for c in self.choices:
            text = f"{c.label} {c.field}".lower()
            if all(w in text for w in words):
                out.append(Option(f"{cut(c.label, LABEL_WIDTH):<{LABEL_WIDTH}} {c.now}", c.field))
        return out

    def on_mount(self) -> None:
        self.query_one("#add-find", Input).focus()

    @on(Input.Changed, "#add-find")
    def _narrow(self, event: Input.Changed) -> None:
        options = self.query_one("#add-list", OptionList)
        options.clear_options()
        options.add_options(self._options(event.value))
        if options.option_count:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#add-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._choose(str(event.option.id))

    def _choose(self, field: str) -> None:
        self.chosen = next(c for c in self.choices if c.field == field)
        c = self.chosen
        self.query_one("#add-chosen", Static).update(f"Correcting: {c.label} (now {c.now})")
        self.query_one("#add-value", Input).placeholder = c.hint
        self._error("add-message", "")
        self.query_one("#add-value", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "add-find":
            options = self.query_one("#add-list", OptionList)
            if options.option_count:
                index = options.highlighted or 0
                self._choose(str(options.get_option_at_index(index).id))
            return
        if event.input.id == "add-value":
            self.query_one("#add-reason", Input).focus()
            return
        self.action_save()

    def _error(self, key: str, text: str) -> None:
        self.query_one(f"#{key}", Static).update(f"! {text}" if text else "")

    def action_save(self) -> None:
        for key in ("e-add-value", "e-add-reason", "add-message"):
            self._error(key, "")
        if self.chosen is None:
            self._error("add-message", "Not saved: choose the value to correct from the list.")
            self.query_one("#add-list", OptionList).focus()
            return
        value = stored_text(self.chosen.field, self.query_one("#add-value", Input).value)
        reason = self.query_one("#add-reason", Input).value.strip()
        self._error("add-message", "Saving…")
        self._save(self.chosen, value, reason)

    @work(thread=True, exclusive=True, group="addendum", exit_on_error=False)
    def _save(self, chosen: Choice, value: str, reason: str) -> None:
        try:
            draft = self.services.reviews.add_addendum(self.draft.id, chosen.field, value, reason)
        except ServiceError as error:
            self.post_message(AddendumRefused(error))
            return
        self.post_message(AddendumDone(Corrected(draft, chosen.label, chosen.now, _now_text(
            chosen.field, value or None))))  # fmt: skip

    def on_addendum_done(self, message: AddendumDone) -> None:
        self.dismiss(message.result)

    def on_addendum_refused(self, message: AddendumRefused) -> None:
        """The dialog stays with everything typed; the reason beside its field, and the
        focus on the first field in error."""
        error = message.error
        self._error("add-message", "")
        if not isinstance(error, Invalid):
            self._error("add-message", f"Not saved: {error}")
            return
        first = None
        for key, text in error.errors.items():
            target = "add-reason" if key == "reason" else "add-value"
            self._error(f"e-{target}", text)
            first = first or target
        self._error("add-message", "Not saved: put right the marked field.")
        if first:
            self.query_one(f"#{first}", Input).focus()

    def action_cancel(self) -> None:
        """escape: at once when no value or reason is typed (the find text is not
        input), else ask before discarding."""
        typed = any(self.query_one(f"#{k}", Input).value.strip() for k in TYPED)
        leave_or_ask(self, {} if typed else None, lambda: self.dismiss(None))
