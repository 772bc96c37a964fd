"""The recovery resources directory (SPEC §2, §3.5): search as you type, add, edit, retire.

The screen is the shared directory screen (screens/widgets/directory.py), as the
pharmacy directory's is; the add/edit form is a `ServiceForm` (screens/widgets/form.py),
as on the linkage, family and health screens.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, Select, Static

from console.rules.validate import FieldError
from console.rules.vocab import ResourceKind
from console.services.linkage_dto import KIND_LABEL, KIND_SHORT, ResourceInput, ResourceRow
from console.services.resources import LIMITS
from console.services.roles import Action
from screens import validators as v
from screens.widgets.directory import DirectoryScreen, bindings
from screens.widgets.form import ServiceForm, cut


class ResourceForm(ServiceForm[ResourceRow]):
    """Add a resource (`row` None) or edit one."""

    FIELDS = ("kind", "name", "where", "when", "contact", "notes")
    AUTO_FOCUS = "#kind"
    CSS_PATH = "resources.tcss"

    def __init__(self, row: ResourceRow | None = None) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        start = self.row.to_input() if self.row else ResourceInput("", "")
        with Vertical(classes="modal"):
            yield Static(
                "Edit a resource" if self.row else "Add a resource",
                classes="modal-title",
            )
            yield from self.field(
                "Kind",
                Select(
                    [(KIND_LABEL[k], k.value) for k in ResourceKind],
                    value=start.kind or Select.NULL,
                    prompt="choose a kind",
                    id="kind",
                ),
            )
            hints = {
                "name": "e.g. SMART Recovery Bramley",
                "where": "place and address",
                "when": "e.g. Tuesdays 18:00-19:30",
                "contact": "phone or email",
                "notes": "optional",
            }
            labels = {"where": "Where", "when": "When", "contact": "Contact", "notes": "Notes"}
            for key, limit in LIMITS.items():
                yield from self.field(
                    labels.get(key, "Name"),
                    Input(
                        getattr(start, key),
                        placeholder=f"{hints[key]} (up to {limit})",
                        id=key,
                        compact=True,
                        max_length=limit,
                        validators=[v.text(limit)] if key != "name" else [v.Rule(_required)],
                    ),
                )
            yield from self.form_footer()

    def call(self, errors: dict[str, str]) -> Callable[[], ResourceRow] | None:
        kind = self.query_one("#kind", Select).value
        if kind is Select.NULL:
            errors["kind"] = "choose a kind from the list"
        values = {key: self.query_one(f"#{key}", Input).value for key in LIMITS}
        if not values["name"].strip():
            errors["name"] = "a name is required"
        if errors:
            return None
        data = ResourceInput(kind=str(kind), **values)
        resources = self.services.resources
        row = self.row
        if row is None:
            return lambda: resources.add(data)
        return lambda: resources.edit(row.id, row.version, data)


def _required(text: str) -> str:
    if not text.strip():
        raise FieldError("a name is required")
    return text


class ResourcesScreen(DirectoryScreen[ResourceRow]):
    """The practice's directory. Dismisses True if anything changed, else None."""

    CSS_PATH = "resources.tcss"
    AUTO_FOCUS = "#resources"
    BINDINGS: ClassVar[list[BindingType]] = bindings("resources")

    TABLE = "resources"
    TITLE_TEXT = "Recovery resources"
    PLACEHOLDER = "name, any word of it, or where (press /)"
    COLUMNS = (
        ("Kind", 9, "kind"),
        ("Name", 26, "name"),
        ("When · where", 24, "where"),
        ("Contact", 11, "contact"),
    )
    NONE_MATCH = "No resources match."
    EMPTY = "The directory is empty."
    EDIT = Action.EDIT_RESOURCES

    def search_rows(self, text: str) -> list[ResourceRow]:
        return self.services.resources.search(text, include_inactive=True)

    def set_active(self, row: ResourceRow) -> ResourceRow:
        return self.services.resources.set_active(row.id, row.version, not row.active)

    def cells(self, row: ResourceRow, name: str) -> tuple[str, ...]:
        return (
            KIND_SHORT.get(row.kind, row.kind),
            cut(name, 26),
            cut(" · ".join(p for p in (row.when, row.where) if p), 24),
            cut(row.contact, 11),
        )

    def detail(self, row: ResourceRow) -> str:
        label = row.kind_label
        kind = "" if label.lower() in row.name.lower() else f" ({label})"
        parts = [row.name + kind + ("" if row.active else " · retired")]
        parts.append(" · ".join(p for p in (row.when, row.where) if p) or "no place or time")
        parts.append(" · ".join(p for p in (row.contact, row.notes) if p))
        return "\n".join(parts)

    def form(self, row: ResourceRow | None) -> Screen[ResourceRow | None]:
        return ResourceForm(row)
