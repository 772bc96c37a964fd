"""The patient list's search box: a typed letter reaches the terminal with its page.

Textual paints at most one frame per 1/60 s, and after an idle spell the frame that
follows the first comes 17 to 33 ms later. Painted at once, the echo of a letter would
push its page into that later frame; so the box holds the screen's painting until the
screen calls `release()` with the page shown, or HOLD_SECONDS pass (docs/performance.md).

The hold's end asks for the box's own line only: what else changed while it held (the
rows, the status line, a resize's new layout) is still marked to be painted, so the
frame carries the lines that changed, not the whole screen, 1 ms less a keystroke
(hazard H124).
"""

from __future__ import annotations

from textual.geometry import Size
from textual.widgets import Input

from screens.widgets.frame_hold import FrameHold

# Long enough for a page (a few ms), short enough that a slow one never hides the letter.
HOLD_SECONDS = 0.015


class SearchBox(Input):
    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)
        # Its own line: the rows asked for theirs first, so they reach the screen first.
        self._hold = FrameHold(HOLD_SECONDS, lambda: self.is_attached and self.refresh())

    def _watch_value(self, value: str) -> None:
        # Input grows its virtual size with the text, and that reactive relayouts the whole
        # screen on every key; this box has a fixed size, so set it quietly first.
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        self._hold_frame()
        super()._watch_value(value)

    def _hold_frame(self) -> None:
        if self.is_mounted and self.screen.is_current:
            self._hold.hold(self.app)

    def release(self) -> None:
        """Paint now: the page for the latest text is in the list (or it is late)."""
        self._hold.release()

    def on_unmount(self) -> None:
        self._hold.release()
