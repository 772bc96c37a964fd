"""UI fixtures: the real App over a real SQLite database, a fixed clock, no cursor blink."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import Input

from console.app import RecoveryConsole
from console.clock import FixedClock
from console.services import Services
from console.services.dto import PatientInput
from db.engine import make_engine
from tests.conftest import TODAY, _sqlite_copy

# A patient with a name no demonstration patient has, so searches have one clear answer.
KNOWN = PatientInput(
    "943 476 5919",
    "Quarrington",
    "Leah",
    "12/03/1980",
    address_line_1="1 High Street",
    town="Wakefield",
    postcode="WF1 1AA",
    phone="07700 900123",
)
DEMO_PATIENTS = 60


@pytest.fixture(autouse=True)
def _steady_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same pixels on every machine: no blinking cursor, a truecolour terminal, colour on."""

    def steady(self: Input) -> None:
        self._cursor_visible = True

    monkeypatch.setattr(Input, "_toggle_cursor", steady)
    monkeypatch.setenv("COLORTERM", "truecolor")
    monkeypatch.setenv("TERM", "xterm-256color")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TEXTUAL_COLOR_SYSTEM", raising=False)


@pytest.fixture
def ui_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url, create=False)
    yield engine
    engine.dispose()


@pytest.fixture
def empty(ui_engine: Engine, clock: FixedClock) -> Services:
    """An empty database; 'tester' is its first account and so its admin."""
    services = Services(ui_engine, login="tester", clock=clock)
    services.identify()
    return services


def _populate(services: Services) -> Services:
    services.demo.load(DEMO_PATIENTS, seed=1)
    services.patients.register(KNOWN)
    return services


@pytest.fixture(scope="session")
def populated_template(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `populated` caseload built once per worker, through the product as each test
    built it before (0.8 s a test); each test starts from a copy, as the console restarted."""
    path = _sqlite_copy(sqlite_template, tmp_path_factory.mktemp("populated"))
    engine = make_engine(f"sqlite:///{path}", create=False)
    services = Services(engine, login="tester", clock=FixedClock(TODAY))
    services.identify()
    _populate(services)
    engine.dispose()
    return path


@pytest.fixture
def populated(
    request: pytest.FixtureRequest, sqlite_url: str, ui_engine: Engine, clock: FixedClock
) -> Services:
    """A seeded demonstration caseload plus the KNOWN patient."""
    if clock.now() != TODAY:  # a test's own moment: its caseload built as of then
        return _populate(request.getfixturevalue("empty"))
    target = Path(sqlite_url.removeprefix("sqlite:///"))
    ui_engine.dispose()  # nothing open on the file it replaces
    for suffix in ("-wal", "-shm"):
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    template = request.getfixturevalue("populated_template")
    shutil.copyfile(template, target)
    # The audit chain's anchor lives beside the database; it goes with it.
    anchor = template.with_name(template.name + ".audit-head")
    copied = target.with_name(target.name + ".audit-head")
    shutil.copyfile(anchor, copied)
    copied.chmod(0o600)
    services = Services(ui_engine, login="tester", clock=clock)
    services.identify()
    return services


@pytest.fixture
def as_role(populated: Services, ui_engine: Engine, clock: FixedClock) -> Callable[[str], Services]:
    def make(role: str) -> Services:
        login = f"{role}-1"
        populated.staff_admin.add(login, f"{role.title()} Person", [role])
        services = Services(ui_engine, login=login, clock=clock)
        services.identify()
        return services

    return make


@pytest.fixture
def app(populated: Services) -> RecoveryConsole:
    return RecoveryConsole(populated)


@pytest.fixture(autouse=True)
def _no_timed_autosave(monkeypatch: pytest.MonkeyPatch) -> None:
    """Same pixels every run: a review's debounced autosave would land at a random moment
    (a test of the autosave sets its own delay)."""
    from screens.review import screen as review_screen

    monkeypatch.setattr(review_screen, "AUTOSAVE_SECONDS", 3600)
