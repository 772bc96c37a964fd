"""Hold the console's painting briefly, so that a key's result reaches the terminal in
the frame the key starts, not the one after.

Textual paints at most one frame per 1/60 s: after a frame, the next comes at the next
tick, 17 to 33 ms later. A screen that paints an empty frame at once and its data a few
ms later therefore shows the data a tick late. Holding the painting until the data is
in (or `seconds` pass, so that a slow answer never hides the key's first frame) puts
both in one frame (docs/performance.md).

The timer that ends a hold is the event loop's own, not a Textual timer: those call back
through a message queue (the holder's, or the App's while it is still handling the key),
and a holder removed while holding (a screen popped) or a busy queue must not leave the
console unpainted (hazard H124).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from textual.app import App


class FrameHold:
    """At most one hold at a time; `release()` ends it early and says whether it did."""

    def __init__(self, seconds: float, repaint: Callable[[], object]) -> None:
        """`repaint` asks for the frame when the hold ends (the screen's update timer stops
        while it holds): the holder's whole screen, or the holder's own lines where all
        else that changed is still marked (the search box, `tests/ui/test_list_speed.py`)."""
        self.seconds = seconds
        self.repaint = repaint
        self._stack = ExitStack()
        self._timer: asyncio.TimerHandle | None = None

    def hold(self, app: App[Any]) -> None:
        if self._timer is not None or not app.is_running:
            return
        self._stack.enter_context(app.batch_update())
        self._timer = asyncio.get_running_loop().call_later(self.seconds, self._expire)

    def release(self) -> bool:
        """End the hold now and repaint; False if there was none."""
        timer = self._timer
        if timer is None:
            return False
        self._timer = None
        timer.cancel()
        self._stack.close()
        self.repaint()
        return True

    def _expire(self) -> None:
        self.release()  # late, but painted: the title line without the record
