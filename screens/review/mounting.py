"""Mounting the review form's sections (mixed into ReviewScreen): the first section's
first screenful before the form's first frame, its other rows just after, then the other
sections one a refresh; a section chosen before its turn is mounted when chosen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget
from textual.widgets import ContentSwitcher

if TYPE_CHECKING:
    from screens.host import ConsoleScreen as _Base
    from screens.review.sections import ReviewSections
else:
    _Base = object

SCREENFUL = 16  # a section's rows that fill the form at 80x24, mounted first


class SectionMounting(_Base):
    sections: ReviewSections | None
    section: str
    read_only: bool
    _later: set[str]  # sections whose rows past the first are to come
    # and _show_tabs, _barc_total, _drug_flags, _show_new_prescription, _apply_marks

    async def _mount_section(self, key: str) -> None:
        """Mount a section's fields the first time it is shown (the first section's
        rows past its first screenful, if they have not followed yet)."""
        assert self.sections is not None
        section = self.query_one(f"#{key}")
        if key in self._later:
            self._later.discard(key)
            await section.mount_all(self.sections.rest(key))
            self._after_mount(key, section)
        if self.sections.is_mounted(key):
            return
        await section.mount_all(self.sections.take(key))
        self._after_mount(key, section)

    def _first_rows(self, key: str) -> list[Widget]:
        """The first section's first screenful, built to go in with the form itself."""
        assert self.sections is not None
        widgets = self.sections.take(key, SCREENFUL)
        if self.sections.has_rest(key):
            self._later.add(key)
            self.call_after_refresh(self._mount_later, key)
        return widgets

    async def _mount_later(self, key: str) -> None:
        assert self.sections is not None
        if key in self._later:
            self._later.discard(key)
            section = self.query_one(f"#{key}")
            await section.mount_all(self.sections.rest(key))
            self._after_mount(key, section)
        # Then the other sections, one a refresh, while the user starts typing: a section
        # mounted on its key could take keys typed ahead into the field left behind.
        rest = [k for k in self.sections.keys if not self.sections.is_mounted(k)]
        if rest:
            await self._mount_section(rest[0])
            self.call_after_refresh(self._mount_later, rest[0])

    def _after_mount(self, key: str, section: Widget) -> None:
        if self.read_only:  # finalised since the form opened
            for widget in section.query("Input, Select"):
                widget.disabled = True
        if key == "barc10":
            self._barc_total()
        elif key == "tests":
            self._drug_flags()
        elif key == "ost":
            self._show_new_prescription()
        self._apply_marks()

    def action_section(self, n: int) -> None:
        if self.sections is None or n > len(self.sections.keys):
            return
        key = self.sections.keys[n - 1]
        if self._ready(key):
            self._switch(key)  # at once: keys typed next go to this section
            self._focus_first(key)
        else:
            self.call_later(self._show_and_focus, key)

    async def _show_and_focus(self, key: str) -> None:
        await self._show_section(key)
        self._focus_first(key)

    def _ready(self, key: str) -> bool:
        assert self.sections is not None
        return self.sections.is_mounted(key) and key not in self._later

    def _switch(self, key: str) -> None:
        self.section = key
        self.query_one(ContentSwitcher).current = key
        self._show_tabs()

    async def _show_section(self, key: str) -> None:
        if not self._ready(key):
            self._switch(key)
            self.query_one(f"#{key}").focus()  # keys typed meanwhile land nowhere
            await self._mount_section(key)
        self._switch(key)

    async def _go_to(self, field_id: str) -> None:
        assert self.sections is not None
        await self._show_section(self.sections.section_of(field_id))
        widgets = self.query(f"#{field_id}")
        if widgets:
            self.call_after_refresh(widgets.first().focus)

    def _focus_first(self, key: str) -> None:
        section = self.query_one(f"#{key}")
        fields = [w for w in section.query("Input, Select") if not w.disabled]
        if fields:
            fields[0].focus()
        else:
            section.focus()
