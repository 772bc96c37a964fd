"""The one way an area of the console opens another (docs/architecture.md, "Areas").

An area's screens import their own modules, `screens/widgets`, `screens/host` and this
layer, never another area's screens (`tests/test_layering.py`). Each method imports its
target when first called, so start-up pays for the patient list alone.

Areas beyond the patient list (the worklist, the resources directory, later indicators
and administration) are stacked on whatever is showing; `escape` from an area's top
screen goes home (SPEC §3) through `home()`, which never pops a screen holding typed work.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.rules.vocab import Role
from console.services.roles import Action, allowed

if TYPE_CHECKING:
    from console.services.dto import PatientRow

Done = Callable[[Any], None] | None


@dataclass(frozen=True)
class Area:
    """An area reached by name from the palette and from the "go to" picker."""

    key: str
    title: str
    help: str
    module: str
    screen: str
    needs: Action


AREAS: tuple[Area, ...] = (
    Area(
        "worklist",
        "Worklist",
        "Reviews, check-ups and follow-ups due",
        "screens.worklist.worklist",
        "WorklistScreen",
        Action.VIEW_CLINICAL,
    ),
    Area(
        "resources",
        "Recovery resources directory",
        "Mutual aid groups and local services: search, add, edit",
        "screens.linkage.resources",
        "ResourcesScreen",
        Action.VIEW_CLINICAL,
    ),
    Area(
        "pharmacies",
        "Pharmacy directory",
        "Community pharmacies and their addresses, for prescriptions and the pharmacy letter",
        "screens.pharmacies.pharmacies",
        "PharmaciesScreen",
        Action.VIEW_CLINICAL,
    ),
    Area(
        "indicators",
        "Practice indicators",
        "The recovery dashboard: each indicator, its gap list and trend",
        "screens.indicators.dashboard",
        "IndicatorsScreen",
        Action.VIEW_REPORTS,
    ),
    Area(
        "admin",
        "Administration",
        "Staff, practice details, letter templates, audit log",
        "screens.admin.home",
        "AdminScreen",
        Action.ADMINISTER,
    ),
)


def _screen(module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name)


# -- screens loaded ahead (issue 19) ---------------------------------------------------
# A screen's first push pays for importing its modules and for reading its CSS file, which
# re-parses the whole stylesheet and restyles every node: for the review form a third of
# its first open. After the list's first frame the modules are imported in a thread (no
# widget is made there) and the CSS read on the UI thread, as Textual does on a first push,
# so that push finds it read. Only classes and CSS: every form is still a new screen built
# from its own draft (hazard H117). The dashboard (issue 17) is loaded ahead only for the
# roles that may open it; its screen too is new at each open.
AHEAD: tuple[tuple[str, str, Action | None], ...] = (
    # the summary first: opening a patient is the list's first step (its first open was
    # 180-490 ms against 45 ms later, two fifths of it this import and CSS)
    ("screens.patients.summary", "PatientSummaryScreen", None),
    ("screens.worklist.worklist", "WorklistScreen", None),
    ("screens.review.kind", "ReviewKindModal", None),
    ("screens.review.screen", "ReviewScreen", None),
    ("screens.indicators.dashboard", "IndicatorsScreen", Action.VIEW_REPORTS),
)


def import_screens(roles: frozenset[Role]) -> list[type[Screen[Any]]]:
    """The screen classes of AHEAD these roles may open, imported (safe off the UI
    thread)."""
    return [
        _screen(module, name)
        for module, name, needs in AHEAD
        if needs is None or allowed(roles, needs)
    ]


def css_paths(screen: type[Screen[Any]]) -> list[Path]:
    """The screen's CSS files, resolved as Textual resolves them for an instance."""
    given = screen.CSS_PATH
    if not given:
        return []
    names = [given] if isinstance(given, str | PurePath) else list(given)
    folder = Path(inspect.getfile(screen)).parent
    return [Path(n) if Path(n).is_absolute() else (folder / n).resolve() for n in names]


def read_css(app: App[Any], screens: list[type[Screen[Any]]]) -> bool:
    """Read the screens' CSS files not yet read (UI thread). True when any was."""
    stylesheet = app.stylesheet
    new = [p for s in screens for p in css_paths(s) if not stylesheet.has_source(str(p), "")]
    for path in new:
        stylesheet.read(path)
    if new:
        stylesheet.reparse()
        stylesheet.update(app)
    return bool(new)


def holds_input(screen: Screen[Any]) -> bool:
    """A screen with typed work that leaving would lose (it saves on its own way out)."""
    holds = getattr(screen, "holds_input", None)
    return bool(holds()) if callable(holds) else False


class Navigator:
    """Opens screens of other areas for the App (reached as `ConsoleScreen.nav`)."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app

    def _push(self, screen: Screen[Any], done: Done = None) -> Screen[Any]:
        self.app.push_screen(screen, done)
        return screen

    # -- patients -----------------------------------------------------------------
    def open_summary(self, row: PatientRow) -> Screen[Any]:
        summary = _screen("screens.patients.summary", "PatientSummaryScreen")
        return self._push(summary.for_row(self.app, row))  # one screen, reused

    # -- reviews ------------------------------------------------------------------
    def open_review(
        self,
        *,
        patient_id: int | None = None,
        kind: str | None = None,
        review_id: int | None = None,
        read_only: bool = False,
        done: Done = None,
    ) -> Screen[Any]:
        review = _screen("screens.review.screen", "ReviewScreen")
        if review_id is not None:
            return self._push(review(review_id=review_id, read_only=read_only), done)
        return self._push(review(patient_id=patient_id, kind=kind), done)

    def choose_review_kind(
        self, status: str, in_episode: bool, chosen: Callable[[str | None], None]
    ) -> None:
        """Only the kinds that apply now: a check-up after exit, reviews in treatment."""
        modal = _screen("screens.review.kind", "ReviewKindModal")
        self.app.push_screen(modal(status, in_episode), chosen)

    def new_review(
        self,
        patient_id: int,
        status: str,
        in_episode: bool,
        opened: Callable[[Screen[Any]], None] | None = None,
    ) -> None:
        """Ask which kind of review applies, then open the form for it."""

        def chosen(kind: str | None) -> None:
            if kind is not None:
                screen = self.open_review(patient_id=patient_id, kind=kind)
                if opened is not None:
                    opened(screen)

        self.choose_review_kind(status, in_episode, chosen)

    # -- care plans, letters, linkage -----------------------------------------------
    def open_care_plan(self, patient_id: int, name: str, done: Done = None) -> Screen[Any]:
        care_plan = _screen("screens.care_plan.editor", "CarePlanScreen")
        return self._push(care_plan(patient_id, name), done)

    def open_letters(self, row: PatientRow, done: Done = None) -> Screen[Any]:
        letters = _screen("screens.letters.letters", "LettersScreen")
        return self._push(letters(row), done)

    def open_linkage(self, patient_id: int, name: str, done: Done = None) -> Screen[Any]:
        linkage = _screen("screens.linkage.linkage", "LinkageScreen")
        return self._push(linkage(patient_id, name), done)

    def open_practice_details(self) -> Screen[Any]:
        """Administration's practice details (the first run's "start empty" leads here)."""
        return self._push(_screen("screens.admin.practice", "PracticeScreen")())

    def open_template_editor(self, template_key: str, done: Done = None) -> Screen[Any]:
        editor = _screen("screens.admin.template_edit", "TemplateEditScreen")
        return self._push(editor(template_key), done)

    # -- areas ----------------------------------------------------------------------
    def areas(self) -> list[Area]:
        """The areas this member of staff may open."""
        roles = self.app.services.staff.roles  # type: ignore[attr-defined]
        return [area for area in AREAS if allowed(roles, area.needs)]

    def open_area(self, key: str, done: Done = None) -> Screen[Any] | None:
        if key == "home":
            self.home()
            return None
        area = next(a for a in AREAS if a.key == key)
        screen = _screen(area.module, area.screen)()
        screen.area_top = True
        return self._push(screen, done)

    def open_worklist(self) -> Screen[Any] | None:
        return self.open_area("worklist")

    def open_resources(self, done: Done = None, *, from_area: bool = False) -> Screen[Any] | None:
        """The resources directory; `from_area` (administration): escape returns there."""
        if from_area:
            return self._push(_screen("screens.linkage.resources", "ResourcesScreen")(), done)
        return self.open_area("resources", done)

    def go_to(self) -> None:
        """The "go to" picker: home or any area this member of staff may open."""

        def chosen(key: str | None) -> None:
            if key is not None:
                self.open_area(key)

        self.app.push_screen(GoToModal(self.areas()), chosen)

    def home(self) -> None:
        """Back to the patient list; stops at a screen holding typed work, which keeps it."""
        app = self.app
        with app.batch_update():
            while len(app.screen_stack) > 1:
                top = app.screen_stack[-1]
                if holds_input(top):
                    app.notify("Save or leave this form first (escape).", timeout=5)
                    return
                app.pop_screen()


class GoToModal(ModalScreen[str | None]):
    """Pick an area by arrow keys and enter, or by its first letter."""

    DEFAULT_CSS = """
    GoToModal { align: center middle; }
    GoToModal > Vertical {
        width: 48; height: auto; border: round $accent; background: $panel;
        padding: 0 1;
    }
    GoToModal OptionList, GoToModal OptionList:focus {
        height: auto; max-height: 12; border: none;
    }
    GoToModal .keys { color: $text-muted; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="go-to.cancel"),
    ]

    def __init__(self, areas: list[Area]) -> None:
        super().__init__()
        self.choices = [("home", "Patient list (home)"), *((a.key, a.title) for a in areas)]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Go to")
            yield OptionList(*(Option(title, id=key) for key, title in self.choices))
            yield Static("↑↓ enter, or a first letter · escape stays", classes="keys")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def on_key(self, event: Any) -> None:
        char = (getattr(event, "character", None) or "").lower()
        if not char.isalpha():
            return
        for key, title in self.choices:
            if title.lower().startswith(char):
                event.stop()
                self.dismiss(key)
                return

    def action_cancel(self) -> None:
        self.dismiss(None)
