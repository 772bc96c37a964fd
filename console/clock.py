"""The practice's "today", injectable so that tests and snapshots do not move with the date."""

from __future__ import annotations

from typing import Protocol

import pendulum

DEFAULT_TZ = "Europe/London"


class Clock(Protocol):
    tz: str

    def now(self) -> pendulum.DateTime: ...

    def today(self) -> pendulum.Date: ...


class SystemClock:
    def __init__(self, tz: str = DEFAULT_TZ) -> None:
        self.tz = tz

    def now(self) -> pendulum.DateTime:
        return pendulum.now(self.tz)

    def today(self) -> pendulum.Date:
        return self.now().date()


class FixedClock:
    """A clock stopped at one moment (tests, snapshots, demonstrations)."""

    def __init__(self, at: pendulum.DateTime, tz: str = DEFAULT_TZ) -> None:
        self.tz = tz
        self._at = at.in_timezone(tz)

    def now(self) -> pendulum.DateTime:
        return self._at

    def today(self) -> pendulum.Date:
        return self._at.date()
