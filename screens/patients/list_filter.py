"""`f` on the patient list: status, keyworker, review due and flagged, together."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Select, Static

from console import format as fmt
from console.rules.search import DUE_CHOICES, ListFilter
from console.rules.vocab import PatientStatus
from console.services.dto import Keyworker

ANY = "any"
MINE = "mine"


class FilterModal(ModalScreen[ListFilter | None]):
    """`f`: status, keyworker, review due and (clinical staff only) flagged, together."""

    CSS_PATH = "list.tcss"
    AUTO_FOCUS = "#f-status"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "apply", "Apply", id="patient-list.filters.apply", priority=True),
        Binding("ctrl+r", "clear", "Clear", id="patient-list.filters.clear", priority=True),
        Binding("escape", "cancel", "Cancel", id="patient-list.filters.cancel"),
    ]

    def __init__(
        self, current: ListFilter, keyworkers: tuple[Keyworker, ...], me: int, clinical: bool
    ) -> None:
        super().__init__()
        self.current = current
        self.keyworkers = keyworkers
        self.me = me
        self.clinical = clinical

    def compose(self) -> ComposeResult:
        c = self.current
        statuses = [(fmt.status_text(s.value), s.value) for s in PatientStatus]
        people = [(k.name, str(k.id)) for k in self.keyworkers if k.id != self.me]
        if c.keyworker_id is None:
            keyworker = ANY
        else:
            keyworker = MINE if c.keyworker_id == self.me else str(c.keyworker_id)
        with Vertical(classes="modal"):
            yield Static("Filter the patient list", classes="modal-title")
            yield from self._field(
                "Status",
                Select(
                    [("All statuses", ANY), *statuses],
                    value=c.status or ANY,
                    allow_blank=False,
                    id="f-status",
                ),
            )
            yield from self._field(
                "Keyworker",
                Select(
                    [("Any keyworker", ANY), ("Mine", MINE), *people],
                    value=keyworker,
                    allow_blank=False,
                    id="f-keyworker",
                ),
            )
            choices = [
                (text[0].upper() + text[1:], key or ANY) for key, text in DUE_CHOICES.items()
            ]
            yield from self._field(
                "Review", Select(choices, value=c.due or ANY, allow_blank=False, id="f-due")
            )
            if self.clinical:  # reception's list carries no clinical flags (SPEC §1)
                yield from self._field(
                    "Flags",
                    Select(
                        [("Any patient", ANY), ("Flagged only (any letter)", "flagged")],
                        value="flagged" if c.flagged else ANY,
                        allow_blank=False,
                        id="f-flagged",
                    ),
                )
            yield Static("ctrl+s Apply   ctrl+r Clear all   esc Cancel", classes="keys")

    @staticmethod
    def _field(label: str, widget: Select[str]) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(label, classes="label")
            yield widget

    def _value(self, key: str) -> str:
        try:
            value = self.query_one(f"#f-{key}", Select).value
        except Exception:  # the flag field is not there for reception
            return ANY
        return ANY if value is Select.NULL else str(value)

    def action_apply(self) -> None:
        status, keyworker, due = self._value("status"), self._value("keyworker"), self._value("due")
        names = {str(k.id): k.name for k in self.keyworkers}
        if keyworker == ANY:
            chosen: tuple[int | None, str] = (None, "")
        elif keyworker == MINE:
            chosen = (self.me, "mine")
        else:
            chosen = (int(keyworker), names.get(keyworker, ""))
        self.dismiss(
            replace(
                self.current,
                status="" if status == ANY else status,
                status_label="" if status == ANY else fmt.status_text(status),
                keyworker_id=chosen[0],
                keyworker_name=chosen[1],
                due="" if due == ANY else due,
                flagged=self.clinical and self._value("flagged") == "flagged",
            )
        )

    def action_clear(self) -> None:
        self.dismiss(ListFilter(by_review=self.current.by_review))

    def action_cancel(self) -> None:
        self.dismiss(None)
