"""Command palette providers: jump to a patient by name, NHS number or date of birth, or
open an area of the console by name."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Callable
from functools import partial
from typing import cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console import format as fmt
from console.services.errors import ServiceError
from console.services.roles import Action, allowed
from screens.host import ConsoleHost

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


# Areas reached from anywhere: (title, help, module, class name, action the role needs).
AREAS: tuple[tuple[str, str, str, str, Action], ...] = (
    (
        "Worklist",
        "Reviews, check-ups and follow-ups due",
        "screens.worklist.worklist",
        "WorklistScreen",
        Action.VIEW_CLINICAL,
    ),
    (
        "Recovery resources directory",
        "Mutual aid groups and local services: search, add, edit",
        "screens.linkage.resources",
        "ResourcesScreen",
        Action.VIEW_CLINICAL,
    ),
)


class AreaProvider(Provider):
    """Open an area of the console by name (SPEC §3: the palette opens any screen)."""

    def _areas(self) -> list[tuple[str, str, Callable[[], None]]]:
        app = cast(ConsoleHost, self.app)
        roles = app.services.staff.roles
        found = []
        for title, help_text, module, name, action in AREAS:
            if allowed(roles, action):
                found.append((title, help_text, partial(self._open, module, name)))
        return found

    def _open(self, module: str, name: str) -> None:
        screen_type = getattr(importlib.import_module(module), name)
        self.app.push_screen(screen_type())

    async def discover(self) -> Hits:
        for title, help_text, callback in self._areas():
            yield DiscoveryHit(title, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, callback in self._areas():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), callback, text=title, help=help_text)
