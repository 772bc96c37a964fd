"""Family members and supporters of one patient (SPEC §2), all from the keyboard.

Every change is one service call in a thread worker; the list reloads after it. The forms
call the service themselves, so a refused save keeps the input and shows the reason
beside its field. `RecordForm` and `ChoiceModal` are shared with the health screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, DataTable, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from console.services.health_dto import FamilyView, SupporterInput, SupporterRow
from screens.patients.records import PatientRecordsScreen
from screens.widgets.form import ServiceForm, cut
from screens.widgets.tickbox import TickBox

T = TypeVar("T")
MARKER = "▶"
INVOLVEMENT_TEXT = {
    "": "not yet considered",
    "none_to_involve": "no one to involve",
    "declines": "the patient declines family involvement",
}


def yes_no(value: bool) -> str:
    return "yes" if value else "no"


class RecordForm(ServiceForm[T]):
    """A form about one patient: its title, the patient's name, then the fields."""

    CSS_PATH = "family.tcss"
    title_text = ""

    def __init__(self, subtitle: str) -> None:
        super().__init__()
        self.subtitle = subtitle

    def compose(self) -> ComposeResult:
        with Vertical(classes="form"):
            yield Static(self.title_text, classes="form-title", markup=False)
            yield Static(self.subtitle, classes="form-patient", markup=False)
            yield from self.fields()
            yield from self.form_footer()

    def fields(self) -> ComposeResult:
        yield from ()


class SupporterForm(RecordForm[SupporterRow]):
    """Add (`row` None) or edit a family member or supporter."""

    FIELDS = ("name", "relationship", "contact")
    AUTO_FOCUS = "#name"

    def __init__(self, patient_id: int, subtitle: str, row: SupporterRow | None = None) -> None:
        super().__init__(subtitle)
        self.patient_id = patient_id
        self.row = row
        self.title_text = "Add a family member or supporter" if row is None else "Edit supporter"

    def fields(self) -> ComposeResult:
        r = self.row
        yield from self.field("Name", Input(r.name if r else "", id="name", compact=True))
        yield from self.field(
            "Relationship",
            Input(
                r.relationship if r else "",
                placeholder="e.g. mother, partner, friend",
                id="relationship",
                compact=True,
            ),
        )
        yield from self.field(
            "Contact",
            Input(
                r.contact if r else "",
                placeholder="phone, email or address",
                id="contact",
                compact=True,
            ),
        )
        yield from self.field(
            "Consent",
            TickBox(
                "the patient consents to their involvement",
                r.consent_involvement if r else False,
                id="consent_involvement",
            ),
        )
        yield from self.field(
            "Support",
            TickBox(
                "offered support for themselves",
                r.support_offered if r else False,
                id="support_offered",
            ),
        )

    def call(self, errors: dict[str, str]) -> Callable[[], SupporterRow]:
        data = SupporterInput(
            self.query_one("#name", Input).value,
            self.query_one("#relationship", Input).value,
            self.query_one("#contact", Input).value,
            self.query_one("#consent_involvement", Checkbox).value,
            self.query_one("#support_offered", Checkbox).value,
        )
        family, row, pid = self.services.family, self.row, self.patient_id
        if row is None:
            return lambda: family.add(pid, data)
        return lambda: family.edit(row.id, row.version, data)


class ChoiceModal(ModalScreen[str | None]):
    """Pick one answer from a short list: enter chooses, escape cancels."""

    CSS_PATH = "family.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="choice.cancel"),
    ]
    AUTO_FOCUS = "OptionList"

    def __init__(self, title: str, choices: list[tuple[str, str]], keys: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.choices = choices
        self.keys = keys or "↑↓ choose   enter Select   esc Cancel"

    def compose(self) -> ComposeResult:
        with Vertical(classes="form choice"):
            yield Static(self.title_text, classes="form-title", markup=False)
            yield OptionList(*(Option(f"  {label}", id=f"c-{v}") for label, v in self.choices))
            yield Static(self.keys, classes="keys", markup=False)

    @on(OptionList.OptionHighlighted)
    def _marked(self, event: OptionList.OptionHighlighted) -> None:
        # The highlighted answer is marked by a character too, so it shows without colour.
        options = event.option_list
        for index, (label, _) in enumerate(self.choices):
            mark = MARKER if index == event.option_index else " "
            options.replace_option_prompt_at_index(index, f"{mark} {label}")

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss((event.option.id or "c-").removeprefix("c-"))

    def action_cancel(self) -> None:
        self.dismiss(None)


class FamilyScreen(PatientRecordsScreen[FamilyView]):
    """The patient's family and supporters; dismisses True on escape if anything changed."""

    CSS_PATH = "family.tcss"
    AUTO_FOCUS = "#members"
    TABLE = "#members"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="family.add"),
        Binding("e", "edit", "Edit", id="family.edit"),
        Binding("delete", "remove", "Remove", key_display="del", id="family.remove"),
        Binding("i", "involvement", "Involvement", id="family.involvement"),
        Binding("escape", "back", "Back", id="family.back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Family and supporters · {self.patient_name}", id="title", markup=False)
        table: DataTable[str] = DataTable(id="members", cursor_type="row", zebra_stripes=True)
        table.add_columns("Name", "Relationship", "Contact", "Consent", "Support offered")
        yield table
        yield Static("", id="involvement", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)

    def fetch(self) -> FamilyView:
        # Opened (and audited) once; a reload after a change passes the opening back.
        if self.view is None:
            return self.services.family.open(self.patient_id)
        return self.services.family.for_patient(self.view.opening)

    # -- showing --------------------------------------------------------------------
    def show_view(self, view: FamilyView) -> None:
        table: DataTable[str] = self.query_one("#members", DataTable)
        keep = table.cursor_row
        table.clear()
        for m in view.members:
            table.add_row(
                cut(m.name, 24),
                cut(m.relationship, 14),
                cut(m.contact, 20) or "—",
                yes_no(m.consent_involvement),
                yes_no(m.support_offered),
                key=str(m.id),
            )
        if view.members:
            table.move_cursor(row=min(keep, len(view.members) - 1))
        self.query_one("#involvement", Static).update(self._involvement_text(view))
        self.refresh_bindings()

    @staticmethod
    def _involvement_text(view: FamilyView) -> str:
        answer = INVOLVEMENT_TEXT.get(view.involvement, view.involvement)
        if view.members:
            return f"{len(view.members)} recorded." + (
                f" Involvement: {answer}." if view.involvement else ""
            )
        hint = " Press a to add someone, or i to record the answer." if view.can_edit else ""
        return f"No family or supporters recorded. Involvement: {answer}.{hint}"

    @property
    def current(self) -> SupporterRow | None:
        if self.view is None or not self.view.members:
            return None
        table: DataTable[str] = self.query_one("#members", DataTable)
        row = table.cursor_row
        return self.view.members[row] if 0 <= row < len(self.view.members) else None

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in {"add", "edit", "remove", "involvement"}:
            return True
        if self.view is None or not self.view.can_edit:
            return None  # dimmed: a hint only, the service enforces the role
        if action in {"edit", "remove"} and not self.view.members:
            return None
        return True

    def _subtitle(self) -> str:
        return self.patient_name

    def action_add(self) -> None:
        if self.check_action("add", ()) is True:
            form = SupporterForm(self.patient_id, self._subtitle())
            self.app.push_screen(form, self._done("Added."))

    def action_edit(self) -> None:
        row = self.current
        if row is not None and self.check_action("edit", ()) is True:
            form = SupporterForm(self.patient_id, self._subtitle(), row)
            self.app.push_screen(form, self._done("Saved."))

    def action_remove(self) -> None:
        row = self.current
        if row is None or self.check_action("remove", ()) is not True:
            return

        def answer(choice: str | None) -> None:
            if choice == "yes":
                self._say("Removing…")
                family = self.services.family
                self._write(lambda: family.remove(row.id, row.version), "Removed.")

        title = f"Remove {row.name} ({row.relationship}) from the record?"
        self.app.push_screen(
            ChoiceModal(title, [("No, keep them", "no"), ("Yes, remove", "yes")]), answer
        )

    def action_involvement(self) -> None:
        if self.view is None or self.check_action("involvement", ()) is not True:
            return
        choices = [
            ("No one to involve", "none_to_involve"),
            ("The patient declines family involvement", "declines"),
            ("Clear the answer (not yet considered)", "clear"),
        ]

        def answer(choice: str | None) -> None:
            if choice is None:
                return
            value = "" if choice == "clear" else choice
            self._say("Saving…")
            family, pid = self.services.family, self.patient_id
            self._write(lambda: family.set_involvement(pid, value), "Involvement recorded.")

        self.app.push_screen(ChoiceModal("Family involvement", choices), answer)
