"""What the screens need from the App, as a protocol: screens never import console.app."""

from __future__ import annotations

from typing import Protocol, TypeVar, cast

from textual.screen import Screen

from console.services import Services
from console.services.dto import PatientPage, PatientRow
from screens.navigation import Navigator

ResultT = TypeVar("ResultT")


class ConsoleHost(Protocol):
    services: Services

    def open_patient(self, row: PatientRow) -> None: ...

    def report_error(self, error: BaseException) -> None: ...

    def first_page(self) -> PatientPage | None: ...


class ConsoleScreen(Screen[ResultT]):
    """A screen of this console: `self.host` is the App, `self.services` its services,
    `self.nav` the way to other areas."""

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    @property
    def services(self) -> Services:
        return self.host.services

    @property
    def nav(self) -> Navigator:
        return Navigator(self.app)

    # Set by the navigation layer on the screen it opens as an area's top (the worklist,
    # the directory): `escape` there goes home (SPEC §3).
    area_top = False

    def opening(self) -> bool:
        """True until the screen has painted what it opened for (the console's garbage
        collection waits for it; screens/collector.py)."""
        return False

    def holds_input(self) -> bool:
        """True while the screen holds typed work: going home stops here rather than
        throw it away (a form overrides this)."""
        return False

    def action_home(self) -> None:
        self.nav.home()
