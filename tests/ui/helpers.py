"""Small helpers shared by the UI tests."""

from __future__ import annotations

from collections.abc import Callable

from textual.pilot import Pilot

from console.app import RecoveryConsole
from console.services import Services
from screens.patients.prescription import PrescriptionModal
from screens.widgets.patient_table import PatientTable


async def settle(pilot: Pilot[None]) -> None:
    """Let the workers finish and their messages land on screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_search(pilot: Pilot[None], text: str) -> None:
    await pilot.press("slash", *text)
    await settle(pilot)


def table(app: RecoveryConsole) -> PatientTable:
    return app.screen.query_one(PatientTable)


def names(app: RecoveryConsole) -> list[str]:
    return [f"{r.family_name}, {r.given_name}" for r in table(app).rows]


def known_id(services: Services) -> int:
    """The patient every UI fixture registers (KNOWN in tests/ui/conftest.py)."""
    return services.patients.search("Quarrington").rows[0].id


def opened(screen: Callable[[], object], *presses: str) -> Callable[[Pilot[None]], object]:
    """A snapshot's run_before: push the screen, then press the keys."""

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        pilot.app.push_screen(screen())  # type: ignore[arg-type]
        await settle(pilot)
        for key in presses:
            await pilot.press(key)
        await settle(pilot)

    return run_before


async def open_prescription(pilot: Pilot[None]) -> PrescriptionModal:
    """From a patient's summary, `p` opens the prescription dialog."""
    await pilot.press("p")
    await settle(pilot)
    modal = pilot.app.screen
    assert isinstance(modal, PrescriptionModal)
    return modal
