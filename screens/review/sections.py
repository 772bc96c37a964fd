"""The review form's sections (SPEC §3.4). Every field's spec, its text from the draft and
its section are known from the start; a section's widgets are mounted only when it is
first shown, so opening the form lays out one section rather than ~250 fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from textual import events
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Select

from console.rules.vocab import ReviewKind
from console.services.review_dto import ReviewDraft
from screens.review import fields as f
from screens.widgets.masked import date_input

CHECKUP = ReviewKind.POST_EXIT_CHECKUP.value
FULL_SECTIONS = (
    ("top", "TOP"),
    ("tests", "Tests"),
    ("corroboration", "Corroboration"),
    ("barc10", "BARC-10"),
    ("plan", "Plan"),
    ("ost", "OST"),
    ("next", "Next review"),
)
CHECKUP_SECTIONS = (("top", "TOP"), ("barc10", "BARC-10"), ("need", "Need for treatment"))
SECTIONS = FULL_SECTIONS  # the most a form has: one key binding each
Specs = dict[str, f.FieldSpec]
Builder = Callable[["ReviewSections"], Iterable[Widget]]


# A field's `compact` is set without its toggle: `compact=True` (or the class given, which
# the reactive's first read then removes) restyles the field against the whole stylesheet
# while it is built, mounted or not; the class goes on once, unstyled, and the mount styles it.
COMPACT = "-textual-compact"

FieldT = TypeVar("FieldT", Input, Select[str])


def compact(widget: FieldT) -> FieldT:
    widget.set_reactive(type(widget).compact, True)
    widget.add_class(COMPACT, update=False)
    return widget


class _Sketch(Widget):
    """Stands in for a field on the dry run; never mounted."""


_SKETCH = _Sketch()


def sections_for(kind: str) -> tuple[tuple[str, str], ...]:
    return CHECKUP_SECTIONS if kind == CHECKUP else FULL_SECTIONS


class LetterSelect(Select[str]):
    """A closed list takes an option by its first letter (y, n …) without opening."""

    def __init__(self, options: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(options, **kwargs)
        self.letters = options

    def on_key(self, event: events.Key) -> None:
        char = (event.character or "").lower()
        if self.expanded or not char.isalpha():
            return
        for label, value in self.letters:
            if label.lower().startswith(char):
                self.value = value
                event.stop()
                event.prevent_default()
                return


class ReviewSections:
    """Builds one draft's sections and remembers every field's spec, text and section."""

    def __init__(
        self,
        draft: ReviewDraft,
        read_only: bool,
        today: dt.date,
        builders: dict[str, Builder],
    ) -> None:
        # The builders are handed in (screens/review/screen.py) so this registry never
        # imports the sections that use it: no import circle.
        self.draft = draft
        self.read_only = read_only
        self.today = today
        self.layout = sections_for(draft.kind)
        self.specs: Specs = {}
        self.texts: dict[str, str] = {}  # field id → text, mounted or not
        self.where: dict[str, str] = {}  # field id → section key
        self._builders = builders
        # A dry run learns every field's spec, text and section without building the
        # Inputs (building ~250 of them was most of the form's opening time).
        self._dry = True
        for key, _name in self.layout:
            self._section = key
            for _ in builders[key](self):
                pass
        self._dry = False
        self._mounted: set[str] = set()
        self._rest: dict[str, Iterator[Widget]] = {}  # rows of a section not yet built

    @property
    def keys(self) -> list[str]:
        return [key for key, _ in self.layout]

    def containers(self, first: Sequence[Widget] = ()) -> list[Widget]:
        """A scroll for each section, the first holding `first` (its rows taken)."""
        return [
            VerticalScroll(*(first if n == 0 else ()), id=key, classes="section")
            for n, key in enumerate(self.keys)
        ]

    def is_mounted(self, key: str) -> bool:
        return key in self._mounted

    def take(self, key: str, limit: int | None = None) -> list[Widget]:
        """The section's first `limit` rows (all when None), with the current texts, once:
        the caller mounts them. The rest are built only when asked for (`rest`), so the
        form's first frame pays for one screenful of Inputs, not the section's."""
        if key in self._mounted:
            return []
        self._mounted.add(key)
        self._section = key
        rows = iter(self._builders[key](self))
        first = list(islice(rows, limit))
        if limit is not None and len(first) == limit:
            self._rest[key] = rows
        return first

    def has_rest(self, key: str) -> bool:
        return key in self._rest

    def rest(self, key: str) -> list[Widget]:
        """The section's rows after those `take` gave, built now with the current texts."""
        rows = self._rest.pop(key, None)
        return [] if rows is None else list(rows)

    def section_of(self, field_id: str) -> str:
        return self.where.get(field_id, self.keys[0])

    # -- used by the builders ---------------------------------------------------------
    def register(self, spec: f.FieldSpec, field_id: str, text: str) -> str:
        """Remember the field on the dry run; its current text when it is built."""
        if self._dry:
            self.specs[field_id] = spec
            self.texts[field_id] = text
            self.where[field_id] = self._section
        return self.texts[field_id]

    def field(
        self,
        spec: f.FieldSpec,
        field_id: str,
        value: str,
        cls: str = "cell",
        *,
        locked: bool = False,
        placeholder: str | None = None,
    ) -> Input | Widget:
        value = self.register(spec, field_id, value)
        if self._dry:
            return _SKETCH
        if placeholder is None:
            placeholder = "·" * (2 if cls == "cell" else 4)
        if spec.mask == "date":
            return compact(
                date_input(
                    value,
                    check=spec.problem,
                    placeholder="dd/mm/yyyy",
                    id=field_id,
                    classes=cls,
                    disabled=self.read_only or locked,
                    select_on_focus=True,
                )
            )
        return compact(
            Input(
                value,
                placeholder=placeholder,
                id=field_id,
                classes=cls,
                disabled=self.read_only or locked,
                select_on_focus=True,
                restrict=spec.restrict,
            )
        )

    def select(
        self,
        spec: f.FieldSpec,
        field_id: str,
        options: list[tuple[str, str]],
        value: str,
        prompt: str,
        *,
        locked: bool = False,
    ) -> Select[str] | Widget:
        value = self.register(spec, field_id, value)
        if self._dry:
            return _SKETCH
        return compact(
            LetterSelect(
                options,
                value=value if value else Select.NULL,
                prompt=prompt,
                id=field_id,
                disabled=self.read_only or locked,
            )
        )
