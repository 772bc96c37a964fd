"""Record a prescription change (SPEC §2): the dose, the product's form and strength, the
instalment days and the supervised ones, and the pharmacy from the directory.

A modal over the summary (clinicians only); it returns the service's EpisodeChange, or
None when cancelled. The service checks roles and values again and writes one audited
transaction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import ClassVar

import pendulum
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from console.rules import validate
from console.rules.products import DAY_SHORT, PRODUCTS, parse_days
from console.rules.vocab import DISPENSING_LABEL, MEDICINE_LABEL, Dispensing, DoseInterval, Medicine
from console.services.dto import EpisodeChange, PatientRecord, PrescriptionInput
from console.services.pharmacies import PharmacyRow
from console.services.summary_dto import Dose
from screens import validators as v
from screens.patients.episode import ChangeModal, SafetyModal, checked_date
from screens.widgets.form import cut
from screens.widgets.masked import date_input


class PharmaciesLoaded(Message):
    def __init__(self, rows: list[PharmacyRow]) -> None:
        super().__init__()
        self.rows = rows


DAYS_HOW = "type days as Mon Tue Wed"
PICKUP_HINT = "instalment days, e.g. Mon Wed Fri (none for an injection)"
SUPERVISED_HINT = "which of those are supervised, e.g. Mon"


def _days_value(days: tuple[str, ...]) -> str:
    return " ".join(DAY_SHORT[d] for d in days)


def _parsed(text: str) -> tuple[str, ...]:
    try:
        return parse_days(text)
    except ValueError as exc:
        raise validate.FieldError(f"{exc}: {DAYS_HOW}") from None


def _days(modal: ChangeModal, key: str) -> tuple[str, ...]:
    try:
        return _parsed(modal.query_one(f"#{key}", Input).value)
    except validate.FieldError as exc:
        raise validate.FieldError(str(exc), key) from None


def days_input(key: str, days: tuple[str, ...], hint: str) -> Input:
    """A row of days (pick-up or supervised): typed as days, read back as Mon Thu."""
    return Input(
        _days_value(days), placeholder=hint, id=key, compact=True, validators=[v.Rule(_parsed)]
    )


class PrescriptionModal(ChangeModal):
    """`p`: a new dose row; the current one ends the day it starts (clinicians only).

    The product's form and strength comes from the medicine's own list (typed for
    "other"); the instalment days and the supervised ones are typed as days (Mon Wed
    Fri); the pharmacy is chosen from the directory, whose address the pharmacy letter
    prints. ctrl+t opens the current row's safety details; saving them closes this too.
    """

    FIELDS = (
        "medicine",
        "product",
        "product_text",
        "dose_mg",
        "interval",
        "dispensing",
        "pickup_days",
        "supervised_days",
        "pharmacy_id",
        "pharmacy",
        "start_date",
    )
    AUTO_FOCUS = "#dose_mg"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+t", "safety", "Safety details", id="episode.safety", priority=True),
    ]

    def form_footer(self) -> ComposeResult:
        yield Static("", id="form-message", markup=False)
        yield Static(
            "ctrl+s Save   ctrl+t Safety: missed doses, ECG, sedatives   esc Cancel", classes="keys"
        )

    def action_safety(self) -> None:
        if self.current is None:
            self.say("No current prescription: save one first, then record its safety details.")
            return

        def saved(change: EpisodeChange | None) -> None:
            if change is not None:
                self.dismiss(change)

        self.app.push_screen(SafetyModal(self.record), saved)

    def __init__(self, record: PatientRecord, current: Dose | None) -> None:
        super().__init__(record)
        self.current = current

    def _products(self, medicine: str) -> list[tuple[str, str]]:
        return [(p.label, p.key) for p in PRODUCTS.get(medicine, ())]

    def compose(self) -> ComposeResult:
        c = self.current
        today = self.services.clock.today().format("DD/MM/YYYY")
        medicine = c.medicine if c else Medicine.METHADONE.value
        with Vertical(classes="modal"):
            yield from self.heading(
                "Prescription change"
                + (f" · now {c.medicine.split('_')[0]} {c.dose_mg:g} mg {c.interval}" if c else "")
            )
            yield from self.field(
                "Medicine",
                Select(
                    [(MEDICINE_LABEL[m], m.value) for m in Medicine],
                    value=medicine,
                    allow_blank=False,
                    id="medicine",
                ),
            )
            products = self._products(medicine)
            chosen = c.product if c and c.product in dict((k, k) for _, k in products) else None
            yield from self.field(
                "Form",
                Select(
                    products,
                    value=chosen or (products[0][1] if len(products) == 1 else Select.NULL),
                    prompt="form and strength",
                    id="product",
                ),
            )
            yield from self.field(
                "Form (other)",
                Input(
                    c.product_text if c else "",
                    placeholder="form and strength, e.g. oral solution 10 mg/5 ml",
                    id="product_text",
                    compact=True,
                    max_length=120,
                ),
            )
            yield from self.field(
                "Dose (mg)",
                Input(
                    f"{c.dose_mg:g}" if c else "",
                    placeholder="milligrams, e.g. 40",
                    id="dose_mg",
                    type="number",
                    compact=True,
                ),
            )
            yield from self.field(
                "Interval",
                Select(
                    [(i.value, i.value) for i in DoseInterval],
                    value=c.interval if c else DoseInterval.DAILY.value,
                    allow_blank=False,
                    id="interval",
                ),
            )
            yield from self.field(
                "Dispensing",
                Select(
                    [(DISPENSING_LABEL[d], d.value) for d in Dispensing],
                    value=c.dispensing if c and c.dispensing else Select.NULL,
                    prompt="none (injection)",
                    id="dispensing",
                ),
            )
            days = (
                ("Pick-up days", "pickup_days", c.pickup_days if c else (), PICKUP_HINT),
                ("Supervised", "supervised_days", c.supervised_days if c else (), SUPERVISED_HINT),
            )
            for label, key, chosen_days, hint in days:
                yield from self.field(label, days_input(key, chosen_days, hint))
            yield from self.field(
                "Pharmacy",
                Select(
                    [],
                    prompt=c.pharmacy if c and c.pharmacy else "choose from the directory",
                    id="pharmacy_id",
                ),
            )
            yield from self.field(
                "Start date",
                date_input(today, id="start_date", compact=True, validators=[v.date(self._today)]),
            )
            yield from self.form_footer()

    def on_mount(self) -> None:
        self._show_other(str(self.query_one("#medicine", Select).value))
        self._load_pharmacies()

    @work(thread=True, exclusive=True, group="pharmacies", exit_on_error=False)
    def _load_pharmacies(self) -> None:
        self.post_message(PharmaciesLoaded(self.services.pharmacies.search(limit=500)))

    def on_pharmacies_loaded(self, message: PharmaciesLoaded) -> None:
        choice = self.query_one("#pharmacy_id", Select)
        choice.set_options([(cut(f"{r.name}, {r.address}", 58), r.id) for r in message.rows])
        c = self.current
        if c and c.pharmacy_id is not None and any(r.id == c.pharmacy_id for r in message.rows):
            choice.value = c.pharmacy_id
        if not message.rows:
            self.show_error("pharmacy_id", "the pharmacy directory is empty: add one first")

    @on(Select.Changed, "#medicine")
    def _medicine_changed(self, event: Select.Changed) -> None:
        medicine = str(event.value)
        products = self._products(medicine)
        choice = self.query_one("#product", Select)
        choice.set_options(products)
        if len(products) == 1:
            choice.value = products[0][1]
        self._show_other(medicine)

    @on(Input.Blurred, "#pickup_days")
    @on(Input.Blurred, "#supervised_days")
    def _tidy_days(self, event: Input.Blurred) -> None:
        """Days read back as understood (monday,thu → Mon Thu) once the field is left."""
        with contextlib.suppress(ValueError):  # else left as typed, its message beside it
            event.input.value = _days_value(parse_days(event.value))

    def _show_other(self, medicine: str) -> None:
        other = medicine == Medicine.OTHER
        for key, shown in (("product", not other), ("product_text", other)):
            widget = self.query_one(f"#{key}")
            assert widget.parent is not None
            widget.parent.display = shown

    def _today(self) -> pendulum.Date:
        return self.services.clock.today()

    def call(self, errors: dict[str, str]) -> Callable[[], EpisodeChange]:
        text = self.query_one("#dose_mg", Input).value.strip()
        try:
            dose = float(text)
        except ValueError:
            raise validate.FieldError("dose in mg, a number", "dose_mg") from None
        dispensing = self.query_one("#dispensing", Select).value
        product = self.query_one("#product", Select).value
        pharmacy = self.query_one("#pharmacy_id", Select).value
        medicine = str(self.query_one("#medicine", Select).value)
        if medicine != Medicine.OTHER and product is Select.NULL:
            raise validate.FieldError("choose the form and strength", "product")
        if medicine == Medicine.OTHER and not self.query_one("#product_text", Input).value.strip():
            raise validate.FieldError("type the form and strength", "product_text")
        c = self.current
        data = PrescriptionInput(
            medicine=medicine,
            dose_mg=dose,
            interval=str(self.query_one("#interval", Select).value),
            dispensing="" if dispensing is Select.NULL else str(dispensing),
            pharmacy=c.pharmacy if c and pharmacy is Select.NULL else "",
            start_date=checked_date(self, "start_date"),
            product="" if product is Select.NULL else str(product),
            product_text=self.query_one("#product_text", Input).value,
            pickup_days=_days(self, "pickup_days"),
            supervised_days=_days(self, "supervised_days"),
            pharmacy_id=None if pharmacy is Select.NULL else int(str(pharmacy)),
        )
        episodes = self.services.episodes
        pid = self.record.id
        return lambda: episodes.change_prescription(pid, data)
