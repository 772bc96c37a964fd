"""The patient list's search box: a typed letter reaches the terminal with its page.

Textual paints at most one frame per 1/60 s, and after an idle spell the frame that
follows the first comes 17 to 33 ms later. Painted at once, the echo of a letter would
push its page into that later frame; so the box holds the screen's painting until the
screen calls `release()` with the page shown, or HOLD_SECONDS pass (docs/performance.md).
"""

from __future__ import annotations

from contextlib import ExitStack

from textual.geometry import Size
from textual.timer import Timer
from textual.widgets import Input

# Long enough for a page (a few ms), short enough that a slow one never hides the letter.
HOLD_SECONDS = 0.015


class SearchBox(Input):
    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        self._hold = ExitStack()
        self._hold_timer: Timer | None = None

    def _watch_value(self, value: str) -> None:
        # Input grows its virtual size with the text, and that reactive relayouts the whole
        # screen on every key; this box has a fixed size, so set it quietly first.
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        self._hold_frame()
        super()._watch_value(value)

    def _hold_frame(self) -> None:
        if self._hold_timer is None and self.is_mounted and self.screen.is_current:
            self._hold.enter_context(self.app.batch_update())
            self._hold_timer = self.set_timer(HOLD_SECONDS, self.release)

    def release(self) -> None:
        """Paint now: the page for the latest text is in the list (or it is late)."""
        if self._end_hold():
            # The whole screen, from each widget's cached lines where nothing changed: the
            # list's own update message may not have reached the screen yet.
            self.screen.refresh()

    def _end_hold(self) -> bool:
        if self._hold_timer is None:
            return False
        self._hold_timer.stop()
        self._hold_timer = None
        self._hold.close()
        return True

    def on_unmount(self) -> None:
        self._end_hold()
