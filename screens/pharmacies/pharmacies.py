"""The pharmacy directory (reached by name from go-to and the palette): the community
pharmacies patients collect from, with the postal address the pharmacy letter prints in
the envelope window. Search as you type, add, edit, retire; chosen in the prescription
dialog. The screen is the shared directory screen (screens/widgets/directory.py), as the
resources directory's is; the form is a `ServiceForm`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Static

from console.services.pharmacies import LIMITS, PharmacyInput, PharmacyRow
from console.services.roles import Action
from screens import validators as v
from screens.widgets.directory import DirectoryScreen, bindings
from screens.widgets.form import ServiceForm, cut

LABELS = {
    "name": ("Name", "e.g. Westgate Chemist"),
    "address_line_1": ("Address", "first line, e.g. 26 Westgate"),
    "address_line_2": ("", "second line (optional)"),
    "town": ("Town", "e.g. Wakefield"),
    "postcode": ("Postcode", "e.g. WF1 1JY"),
    "phone": ("Telephone", "optional"),
}


class PharmacyForm(ServiceForm[PharmacyRow]):
    """Add a pharmacy (`row` None) or edit one."""

    FIELDS = tuple(LIMITS)
    AUTO_FOCUS = "#name"
    CSS_PATH = "pharmacies.tcss"

    def __init__(self, row: PharmacyRow | None = None) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        start = self.row.to_input() if self.row else PharmacyInput("")
        with Vertical(classes="modal"):
            yield Static("Edit a pharmacy" if self.row else "Add a pharmacy", classes="modal-title")
            for key, limit in LIMITS.items():
                label, hint = LABELS[key]
                yield from self.field(
                    label,
                    Input(
                        getattr(start, key),
                        placeholder=f"{hint} (up to {limit})",
                        id=key,
                        compact=True,
                        max_length=limit,
                        validators=[v.text(limit)],
                    ),
                )
            yield from self.form_footer()

    def call(self, errors: dict[str, str]) -> Callable[[], PharmacyRow] | None:
        values = {key: self.query_one(f"#{key}", Input).value for key in LIMITS}
        data = PharmacyInput(**values)
        pharmacies = self.services.pharmacies
        row = self.row
        if row is None:
            return lambda: pharmacies.add(data)
        return lambda: pharmacies.edit(row.id, row.version, data)


class PharmaciesScreen(DirectoryScreen[PharmacyRow]):
    """The practice's pharmacies. Dismisses True if anything changed, else None."""

    CSS_PATH = "pharmacies.tcss"
    AUTO_FOCUS = "#pharmacies"
    BINDINGS: ClassVar[list[BindingType]] = bindings("pharmacies")

    TABLE = "pharmacies"
    TITLE_TEXT = "Pharmacy directory"
    PLACEHOLDER = "name, street or town (press /)"
    COLUMNS = (("Name", 28, "name"), ("Address", 34, "address"), ("Telephone", 12, "phone"))
    NONE_MATCH = "No pharmacies match."
    EMPTY = "The directory is empty: a to add a pharmacy."
    EDIT = Action.EDIT_PHARMACIES

    def search_rows(self, text: str) -> list[PharmacyRow]:
        return self.services.pharmacies.search(text, include_inactive=True, limit=500)

    def set_active(self, row: PharmacyRow) -> PharmacyRow:
        return self.services.pharmacies.set_active(row.id, row.version, not row.active)

    def cells(self, row: PharmacyRow, name: str) -> tuple[str, ...]:
        return cut(name, 28), cut(row.address, 34), cut(row.phone, 12)

    def detail(self, row: PharmacyRow) -> str:
        state = "" if row.active else " · retired: not offered for new prescriptions"
        return f"{row.name}{state}\n{row.address}\n{row.phone}"

    def form(self, row: PharmacyRow | None) -> Screen[PharmacyRow | None]:
        return PharmacyForm(row)
