"""The idle lock (SPEC §3): after the practice's idle minutes without a key, patient detail
is hidden behind a screen that names no patient; the draft under way is saved first; the
next key returns to exactly where the user was and is not delivered there.

The App hands every input event to `IdleLock.swallow` before its own handling, so while
locked no key reaches a field or a binding (not even a priority one such as ctrl+q).
Textual's timers run on the event loop's clock, not the console's injectable one, so the
interval, the clock it is measured with and the check's tick are all injectable
(`IdleWatch`); the practice's minutes are read at each check, so a change made in
administration applies without a restart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from screens.leaving import keep_input

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

LONGEST_TICK = 15.0  # seconds between checks at most: the lock comes at most this late


@dataclass
class IdleWatch:
    """How idleness is measured. `personal_minutes` is the user's own shorter lock (it can
    only shorten the practice's); `seconds` replaces both (tests); `now` is the clock the
    idle time is measured on; `tick` how often it is checked."""

    personal_minutes: int | None = None
    seconds: float | None = None
    now: Callable[[], float] = time.monotonic
    tick: float | None = None


class LockScreen(Screen[None]):
    """Covers the whole terminal; what is under it is never drawn while it shows."""

    CSS_PATH = "lock.tcss"
    AUTO_FOCUS = ""
    BINDINGS: ClassVar[list] = []  # type: ignore[type-arg]

    def __init__(self, minutes: float, who: str, practice: str) -> None:
        super().__init__()
        self._minutes = minutes
        self._who = who
        self._practice = practice

    def compose(self) -> ComposeResult:
        after = _minutes_text(self._minutes)
        with Vertical(id="lock"):
            yield Static(f"{self._practice} · locked", id="lock-title")
            yield Static(
                f"The console locked itself after {after} without a key. Patient details "
                "are hidden until you come back.",
                id="lock-explain",
            )
            yield Static(f"Signed in: {self._who}", id="lock-who")
            yield Static("Any open draft was saved first.", id="lock-draft")
            yield Static(
                "Press any key to return to where you were (the key does nothing else).",
                id="lock-key",
            )


def _minutes_text(minutes: float) -> str:
    if minutes >= 1 and float(minutes).is_integer():
        whole = int(minutes)
        return "1 minute" if whole == 1 else f"{whole} minutes"
    return f"{minutes * 60:.0f} seconds"


class IdleLock:
    """Watches for keys; locks when none came for the idle interval."""

    def __init__(self, app: App[object], watch: IdleWatch, minutes: Callable[[], int]) -> None:
        self._app = app
        self._watch = watch
        self._minutes = minutes  # the practice's setting, read at each check
        self._last = watch.now()
        self._screen: LockScreen | None = None
        self._timer: Timer | None = None

    @property
    def locked(self) -> bool:
        return self._screen is not None

    def last_input(self) -> float:
        """When the last key, paste or click came (the watch's clock)."""
        return self._last

    def seconds(self) -> float:
        watch = self._watch
        if watch.seconds is not None:
            return watch.seconds
        minutes = self._minutes()
        if watch.personal_minutes is not None:
            minutes = min(minutes, watch.personal_minutes)  # shorter only, never longer
        return minutes * 60.0

    def start(self) -> None:
        tick = self._watch.tick or min(LONGEST_TICK, max(0.05, self.seconds() / 20))
        self._timer = self._app.set_interval(tick, self.check, name="idle-lock")

    def swallow(self, event: events.Event) -> bool:
        """Called with every event before the App's own handling: True when the event is
        used up here (the key that unlocks, and anything typed while locked)."""
        if not isinstance(event, events.InputEvent) or event.is_forwarded:
            return False
        if isinstance(event, (events.Key, events.Paste, events.MouseDown)):
            self._last = self._watch.now()
            if self._screen is not None:
                if isinstance(event, events.Key):
                    self.unlock()
                return True
        # Mouse movement neither unlocks nor reaches the screens under the lock.
        return self._screen is not None and not isinstance(event, events.MouseEvent)

    def check(self) -> None:
        if self._screen is not None or not self._app.is_running:
            return
        if self._watch.now() - self._last >= self.seconds():
            self.lock()

    def lock(self) -> None:
        app = self._app
        app.clear_notifications()  # a toast may name a patient
        keep_input(app)  # the draft under way is saved first (a refusal is said on the lock)
        services = getattr(app, "services", None)
        staff = getattr(services, "staff", None)
        who = f"{staff.name} ({staff.roles_text})" if staff is not None else ""
        practice = app.practice.name if getattr(app, "practice", None) else ""  # type: ignore[attr-defined]
        self._screen = LockScreen(self.seconds() / 60, who, practice or "Recovery Console")
        app.push_screen(self._screen)

    def unlock(self) -> None:
        screen, self._screen = self._screen, None
        self._last = self._watch.now()
        if screen is not None and screen.is_attached and self._app.screen is screen:
            self._app.pop_screen()  # focus returns to the widget it was on
