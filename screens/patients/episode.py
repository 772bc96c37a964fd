"""Start or end a treatment episode, and record the current prescription's safety
details (SPEC §2, §4); the prescription change itself is in `prescription.py`.

Modals over the summary. Each returns the service's EpisodeChange, or None when
cancelled; the service checks roles and values again and writes one audited transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Generic, TypeVar

import pendulum
from rich.segment import Segment
from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Input, SelectionList, Static
from textual.widgets.option_list import OptionDoesNotExist

from console import format as fmt
from console.rules import validate
from console.services.dto import (
    EpisodeChange,
    PatientRecord,
    PrescriptionSafety,
    SafetyInput,
)
from console.services.prescription_checks import GABAPENTINOIDS, MISSED_MAX, QTC_RANGE, SEDATIVES
from screens import validators as v
from screens.widgets.form import ServiceForm
from screens.widgets.masked import date_input

T = TypeVar("T")


class PatientModal(ServiceForm[T], Generic[T]):
    """A modal over the summary about one patient: a heading naming them, then fields."""

    CSS_PATH = "episode.tcss"

    def __init__(self, record: PatientRecord) -> None:
        super().__init__()
        self.record = record

    def heading(self, what: str) -> ComposeResult:
        r = self.record
        yield Static(what, classes="modal-title")
        yield Static(
            f"{fmt.name_text(r.family_name, r.given_name)} · {fmt.nhs(r.nhs_number)} · "
            f"{fmt.date_text(r.date_of_birth)}",
            classes="modal-patient",
            markup=False,
        )

    def date_value(self, key: str) -> dt.date:
        text = self.query_one(f"#{key}", Input).value
        value = validate.date(text, today=self.services.clock.today())
        assert value is not None
        return value


class ChangeModal(PatientModal[EpisodeChange]):
    """An episode or prescription change."""


def checked_date(modal: PatientModal[T], key: str) -> dt.date:
    try:
        return modal.date_value(key)
    except validate.FieldError as exc:
        raise validate.FieldError(str(exc), key) from exc


def _whole_number(low: int, high: int, what: str, *, required: bool) -> v.Rule:
    def check(text: str) -> None:
        value = text.strip()
        if not value and not required:
            return
        if not value.isdigit() or not low <= int(value) <= high:
            raise validate.FieldError(f"{what}, {low}–{high}")

    return v.Rule(check)


class SedativeList(SelectionList[str]):
    """Ticks that read without colour: "X" in the box when chosen, a blank box when not."""

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        segments = list(strip)
        if option.value in self.selected or len(segments) < 2:
            return strip
        segments[1] = Segment(" ", segments[1].style)  # the box's inner "X"
        return Strip(segments, strip.cell_length)


class SafetyLoaded(Message):
    def __init__(self, safety: PrescriptionSafety | None) -> None:
        super().__init__()
        self.safety = safety


class SafetyModal(ChangeModal):
    """The current prescription's safety details (clinicians): the pharmacy's report of
    doses missed in a row, the latest ECG and QTc, and co-prescribed sedatives. Each
    raises an alert on the summary (three missed doses, methadone over 100 mg without an
    ECG in 12 months, any sedative)."""

    FIELDS = ("missed_doses_in_row", "ecg_date", "qtc_ms", "sedatives")
    AUTO_FOCUS = "#missed_doses_in_row"

    def __init__(self, record: PatientRecord) -> None:
        super().__init__(record)
        self.loaded: PrescriptionSafety | None = None

    def compose(self) -> ComposeResult:
        low, high = QTC_RANGE
        benzodiazepines = [(name, name) for name in SEDATIVES if name not in GABAPENTINOIDS]
        with Vertical(classes="modal"):
            yield from self.heading("Prescription safety details")
            yield from self.field(
                "Missed doses",
                Input(
                    "0",
                    placeholder=f"in a row, as the pharmacy reports (0–{MISSED_MAX})",
                    id="missed_doses_in_row",
                    compact=True,
                    validators=[
                        _whole_number(0, MISSED_MAX, "doses missed in a row", required=True)
                    ],
                ),
            )
            yield from self.field(
                "Latest ECG",
                date_input(
                    placeholder="dd/mm/yyyy, blank if none",
                    id="ecg_date",
                    compact=True,
                    validators=[v.date(self._today, required=False)],
                ),
            )
            yield from self.field(
                "QTc (ms)",
                Input(
                    placeholder=f"{low}–{high}, from that ECG",
                    id="qtc_ms",
                    compact=True,
                    validators=[_whole_number(low, high, "QTc in ms", required=False)],
                ),
            )
            yield Static(
                "Co-prescribed sedatives: space marks one; others below, by commas",
                classes="hint",
            )
            with Horizontal(id="sedative-lists"):
                yield SedativeList(*benzodiazepines, id="benzodiazepines")
                yield SedativeList(*[(n, n) for n in GABAPENTINOIDS], id="gabapentinoids")
            yield from self.field(
                "Other", Input(placeholder="e.g. zopiclone", id="sedatives", compact=True)
            )
            yield from self.form_footer()

    def on_mount(self) -> None:
        self.query_one("#benzodiazepines", SelectionList).border_title = "Benzodiazepines"
        self.query_one("#gabapentinoids", SelectionList).border_title = "Gabapentinoids"
        self._load()

    @work(thread=True, exclusive=True, group="safety-load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(SafetyLoaded(self.services.episodes.safety(self.record.id)))

    def on_safety_loaded(self, message: SafetyLoaded) -> None:
        safety = self.loaded = message.safety
        if safety is None:
            self.say("No current prescription: record one first (p on the summary).")
            return
        self.query_one("#missed_doses_in_row", Input).value = str(safety.missed_doses_in_row)
        self.query_one("#ecg_date", Input).value = (
            safety.ecg_date.strftime("%d/%m/%Y") if safety.ecg_date else ""
        )
        self.query_one("#qtc_ms", Input).value = str(safety.qtc_ms or "")
        listed = set(SEDATIVES)
        for list_id in ("#benzodiazepines", "#gabapentinoids"):
            choices = self.query_one(list_id, SelectionList)
            for name in safety.sedatives:
                if name in listed:
                    choices.select(name)
        others = [name for name in safety.sedatives if name not in listed]
        self.query_one("#sedatives", Input).value = ", ".join(others)

    def _today(self) -> pendulum.Date:
        return self.services.clock.today()

    def sedatives(self) -> tuple[str, ...]:
        chosen: list[str] = []
        for list_id in ("#benzodiazepines", "#gabapentinoids"):
            chosen += self.query_one(list_id, SelectionList).selected
        typed = self.query_one("#sedatives", Input).value.split(",")
        return tuple(chosen + [t for t in typed if t.strip()])

    def call(self, errors: dict[str, str]) -> Callable[[], EpisodeChange]:
        data = SafetyInput(
            missed_doses_in_row=self.query_one("#missed_doses_in_row", Input).value,
            ecg_date=self.query_one("#ecg_date", Input).value,
            qtc_ms=self.query_one("#qtc_ms", Input).value,
            sedatives=self.sedatives(),
        )
        episodes = self.services.episodes
        pid = self.record.id
        version = self.loaded.version if self.loaded else None
        return lambda: episodes.record_safety(pid, data, version)
