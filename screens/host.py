"""What the screens need from the App, as a protocol: screens never import console.app."""

from __future__ import annotations

from typing import Protocol, TypeVar, cast

from textual.screen import Screen

from console.services import Services
from console.services.dto import PatientPage, PatientRow

ResultT = TypeVar("ResultT")


class ConsoleHost(Protocol):
    services: Services

    def open_patient(self, row: PatientRow) -> None: ...

    def report_error(self, error: BaseException) -> None: ...

    def first_page(self) -> PatientPage | None: ...


class ConsoleScreen(Screen[ResultT]):
    """A screen of this console: `self.host` is the App, `self.services` its services."""

    @property
    def host(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    @property
    def services(self) -> Services:
        return self.host.services
