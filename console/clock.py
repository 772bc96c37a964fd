"""The practice's "today", injectable so that tests and snapshots do not move with the date."""

from __future__ import annotations

from typing import Protocol

import pendulum

DEFAULT_TZ = "Europe/London"


class Clock(Protocol):
    tz: str

    def now(self) -> pendulum.DateTime: ...

    def today(self) -> pendulum.Date: ...


def valid_zone(name: str) -> bool:
    """An IANA time zone name pendulum knows ("Europe/London", "America/New_York")."""
    try:
        pendulum.timezone(name)
    except ValueError:  # pendulum's InvalidTimezone is a ValueError
        return False
    return "/" in name or name == "UTC"


class SystemClock:
    def __init__(self, tz: str = DEFAULT_TZ) -> None:
        self.tz = tz

    def now(self) -> pendulum.DateTime:
        return pendulum.now(self.tz)

    def today(self) -> pendulum.Date:
        return self.now().date()


class FixedClock:
    """A clock stopped at one moment (tests, snapshots, demonstrations).

    `tz` may change after it is made (the practice's zone is read at start-up): the
    moment stays the same, its local date and time follow the zone."""

    def __init__(self, at: pendulum.DateTime, tz: str = DEFAULT_TZ) -> None:
        self.tz = tz
        self._at = at

    def now(self) -> pendulum.DateTime:
        return self._at.in_timezone(self.tz)

    def today(self) -> pendulum.Date:
        return self.now().date()
