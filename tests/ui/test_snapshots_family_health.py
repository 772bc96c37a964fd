"""Snapshots at 80x24 of the family and health screens and of a refused form. Update only
after reading the SVG: `--snapshot-update`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from console.app import RecoveryConsole
from console.services import Services
from console.services.health_dto import HealthInput, SupporterInput
from screens.patients.family import FamilyScreen
from screens.patients.health import HealthScreen
from tests.ui.helpers import known_id, opened

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
NAME = "QUARRINGTON, Leah"
D = dt.date


def with_family(services: Services) -> int:
    pid = known_id(services)
    services.family.add(
        pid, SupporterInput("Kim Quarrington", "sister", "07700 900456", True, True)
    )
    services.family.add(pid, SupporterInput("Sam Lee", "friend", "sam@example.org", False, False))
    return pid


def with_health(services: Services) -> int:
    pid = known_id(services)
    health = services.health
    health.set_injecting_status(pid, "currently")
    for dose, day in (("1", 1), ("2", 8)):
        health.record(pid, HealthInput("hep_b_dose", D(2026, 6, day), dose, "Engerix B"))
    health.record(pid, HealthInput("hcv_antibody", D(2025, 9, 14), "negative"))
    health.record(pid, HealthInput("hiv_test", D(2025, 9, 14), "negative"))
    health.record(pid, HealthInput("site_check", D(2026, 6, 1), "no concerns"))
    health.record(pid, HealthInput("naloxone", D(2025, 3, 3), "nasal (Nyxoid)", "", True))
    return pid


def test_family_screen(snap_compare: SnapCompare, populated: Services) -> None:
    pid = with_family(populated)
    app = RecoveryConsole(populated)
    run = opened(lambda: FamilyScreen(pid, NAME))
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_family_form_error(snap_compare: SnapCompare, populated: Services) -> None:
    pid = known_id(populated)
    app = RecoveryConsole(populated)
    run = opened(lambda: FamilyScreen(pid, NAME), "a", *"Kim", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_health_screen(snap_compare: SnapCompare, populated: Services) -> None:
    pid = with_health(populated)
    app = RecoveryConsole(populated)
    run = opened(lambda: HealthScreen(pid, NAME))
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_health_form_error(snap_compare: SnapCompare, populated: Services) -> None:
    pid = known_id(populated)
    app = RecoveryConsole(populated)
    run = opened(lambda: HealthScreen(pid, NAME), "a", "ctrl+s")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)


def test_health_form_list_open(snap_compare: SnapCompare, populated: Services) -> None:
    """The list of checks drops down framed, not over the form's own text."""
    pid = known_id(populated)
    app = RecoveryConsole(populated)
    run = opened(lambda: HealthScreen(pid, NAME), "a", "enter")
    assert snap_compare(app, terminal_size=SIZE, run_before=run)
