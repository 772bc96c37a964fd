"""Garbage collection while staff read a screen, not while they wait for one.

Opening a screen builds thousands of widgets that outlive the young collections, which
sets off a full collection (100-200 ms) in the middle of the opening; a closed screen
leaves its widgets as cyclic garbage (a review form with its sections is some 20,000
objects) that only a full collection frees. So while a screen opens the interpreter's
own collections are held off, and once nothing has been typed for QUIET seconds (the
new frame is out and staff are reading it) the console collects, if a screen closed
since it last did, and lets the interpreter collect again. A screen still opening after
QUIET seconds (a review form's first open on a slow machine) is waited for too: a full
collection then would land in the wait for its first frame (issue 19). A key typed meanwhile puts
the collection off; HOLD_AT_MOST bounds how long the interpreter is kept waiting, so
memory is never left to grow.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Protocol

QUIET = 0.3  # seconds without a key before collecting: a reader's pause, not a typist's
HOLD_AT_MOST = 2.0  # seconds the interpreter's own collections are ever held off
OPENING_CHECK = 0.05  # seconds between looks while a screen is still opening


class Timers(Protocol):
    def set_timer(self, delay: float, callback: Callable[[], object]) -> object: ...


class IdleCollector:
    def __init__(
        self,
        timers: Timers,
        last_input: Callable[[], float],
        now: Callable[[], float] = time.monotonic,
        hold_clock: Callable[[], float] = time.monotonic,
        opening: Callable[[], bool] = lambda: False,
    ) -> None:
        """`now` is the clock `last_input` is on; the hold is bounded on `hold_clock`,
        real time, whatever clock the idle lock is given; `opening`: the screen on top
        has not yet painted what it opened for."""
        self._timers = timers
        self._last_input = last_input
        self._now = now
        self._hold_clock = hold_clock
        self._opening = opening
        self._held_since: float | None = None
        self._garbage = False
        self._waiting = False
        self.collections = 0

    def screen_opening(self) -> None:
        if self._held_since is None and gc.isenabled():
            self._held_since = self._hold_clock()
            gc.disable()
        self._wait()

    def release(self) -> None:
        """The interpreter collects as it did before (also when the console closes)."""
        if self._held_since is not None:
            self._held_since = None
            gc.enable()

    def screen_closed(self) -> None:
        self._garbage = True
        self._wait()

    def _wait(self) -> None:
        if not self._waiting:
            self._waiting = True
            self._timers.set_timer(QUIET, self.check)

    def check(self) -> None:
        quiet_for = self._now() - self._last_input()
        held = self._held_since
        held_for = self._hold_clock() - held if held is not None else 0.0
        if quiet_for < QUIET or self._opening():  # typing, or waiting: never collect now
            if held is not None and held_for >= HOLD_AT_MOST:
                self.release()  # the interpreter's own collections, as before
                held = None
            wait = QUIET - quiet_for if quiet_for < QUIET else OPENING_CHECK
            if held is not None:
                wait = min(wait, HOLD_AT_MOST - held_for)
            self._timers.set_timer(max(wait, 0.01), self.check)
            return
        self._waiting = False
        if self._garbage:
            self._garbage = False
            gc.collect()
            self.collections += 1
        self.release()
