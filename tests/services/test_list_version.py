"""The list's change check (H44): a number that moves on every commit, by this console or
another, and stays put while nothing is written, so the list re-queries only on a change."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from console.clock import FixedClock
from console.services import Services
from console.services.dto import PatientInput
from db.engine import make_engine


@pytest.fixture
def other(db_url: str, services: Services, clock: FixedClock) -> Iterator[Services]:
    """Another console: its own engine and connections on the same database."""
    engine: Engine = (
        make_engine(db_url, create=False) if db_url.startswith("sqlite") else make_engine(db_url)
    )
    console = Services(engine, login="tester", clock=clock)
    console.identify()
    yield console
    engine.dispose()


def test_the_version_moves_on_every_commit_and_only_then(
    services: Services, other: Services
) -> None:
    patients = services.patients
    start = patients.list_version()
    patients.search("")
    patients.counts()
    assert patients.list_version() == start  # reads commit nothing

    other.patients.register(PatientInput("943 476 5919", "Smith", "Jo", "01/01/1961"))
    after_other = patients.list_version()
    assert after_other != start  # another console's commit

    pid = patients.search("smith").rows[0].id
    assert patients.list_version() == after_other
    patients.open(pid)  # this console's own write (the audited view)
    assert patients.list_version() != after_other
    patients.close_watch()
    patients.list_version()  # reopens its connection
    patients.close_watch()
