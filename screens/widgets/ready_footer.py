"""A footer whose keys are in its screen's first frame.

Textual's Footer composes empty and fills itself after the first focus change, a frame or
more later (50-100 ms on a busy machine), then recomposes on every `refresh_bindings`
whether or not a key changed. This one composes its keys at once and recomposes only when
what it shows (key, words, enabled) changes.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

Shown = tuple[tuple[str, str, bool], ...]


class ReadyFooter(Footer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.set_reactive(Footer._bindings_ready, True)
        self._shown: Shown | None = None

    def _showing(self) -> Shown:
        return tuple(
            (binding.key, binding.description, enabled)
            for _node, binding, enabled, _tip in self.screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        self._shown = self._showing()
        for widget in super().compose():
            if self.compact and isinstance(widget, FooterKey):
                # The key's `compact` watcher adds this class once mounted, and each add
                # restyled that key against the whole stylesheet (8-10 ms a screen).
                # Given before mounting, the watcher's add finds it there.
                widget.add_class("-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen[Any]) -> None:
        if self.is_attached and screen is self.screen and self._showing() == self._shown:
            return
        super().bindings_changed(screen)
