"""Command palette providers: jump to a patient by name, NHS number or date of birth, or
open an area of the console by name."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console import format as fmt
from console.services.errors import ServiceError
from screens.host import ConsoleHost
from screens.navigation import Navigator

LIMIT = 8


class PatientProvider(Provider):
    """SQL finds the few candidates (with a LIMIT, in a thread); the matcher only scores."""

    async def search(self, query: str) -> Hits:
        if len(query.strip()) < 2:
            return
        app = cast(ConsoleHost, self.app)
        services = app.services
        try:
            page = await asyncio.to_thread(services.patients.search, query, limit=LIMIT)
        except ServiceError:
            return
        today = services.clock.today()
        matcher = self.matcher(query)
        for row in page.rows:
            label = (
                f"{fmt.name_text(row.family_name, row.given_name)} · {fmt.nhs(row.nhs_number)}"
                f" · {fmt.dob_text(row.date_of_birth, today)}"
            )
            # The database already matched it (NHS number typed without spaces, a date):
            # the fuzzy score only orders the hits, it never hides one.
            score = max(matcher.match(label), 0.1)
            yield Hit(
                score,
                matcher.highlight(label),
                partial(app.open_patient, row),
                text=label,
                help="Open the patient summary",
            )


class AreaProvider(Provider):
    """Open an area of the console by name (SPEC §3: the palette opens any screen)."""

    def _areas(self) -> list[tuple[str, str, Callable[[], None]]]:
        nav = Navigator(self.app)
        found = [("Patient list (home)", "Back to the patient list", nav.home)]
        for area in nav.areas():
            found.append((area.title, area.help, partial(nav.open_area, area.key)))
        return found

    async def discover(self) -> Hits:
        for title, help_text, callback in self._areas():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._areas():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
