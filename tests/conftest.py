"""Shared fixtures: real database files (SQLite always, PostgreSQL when
TEST_DATABASE_URL is set), a fixed clock, and services for any role."""

from __future__ import annotations

import itertools
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console import config
from console.clock import FixedClock
from console.services import Services
from db.engine import make_engine
from db.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
TODAY = pendulum.datetime(2026, 11, 23, 10, 0, tz="Europe/London")
_counter = itertools.count()


def pytest_report_header() -> str:
    if PG_URL:
        return "database tests: SQLite and PostgreSQL (TEST_DATABASE_URL)"
    return "database tests: SQLite only (set TEST_DATABASE_URL to run them on PostgreSQL too)"


@pytest.fixture(autouse=True)
def _isolated_machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's configuration and data directories out of every test."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("RECOVERY_CONSOLE_DB", raising=False)
    monkeypatch.delenv("SUDO_UID", raising=False)
    # The machine's /etc config stays out too. In-process only: the console reads no
    # environment variable for this path, which would let anyone name their own.
    monkeypatch.setattr(config, "SYSTEM_CONFIG", tmp_path / "etc" / "config.toml")


@pytest.fixture
def system_config() -> Callable[[str], Path]:
    """Write this test's system config (root-owned, 0644, in its own root-owned folder).

    The console trusts only a root-owned file, so these tests need root (CI runs as root)."""
    if os.geteuid() != 0:
        pytest.skip("a trusted system config must be owned by root; run the suite as root")

    def write(text: str) -> Path:
        path = config.SYSTEM_CONFIG
        path.parent.mkdir(mode=0o755, exist_ok=True)
        path.parent.chmod(0o755)
        path.write_text(text)
        path.chmod(0o644)
        return path

    return write


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate once per run; each test copies the file (Alembic per test would dominate)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(path)
    upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    if not PG_URL:
        pytest.skip("TEST_DATABASE_URL not set")
    name = f"rc_tpl_{os.getpid()}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine = make_engine(sa.engine.make_url(PG_URL).set(database=name).render_as_string(False))
    upgrade(engine)
    engine.dispose()
    yield name
    _drop(admin, name)
    admin.dispose()


def _sqlite_copy(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "practice.db"
    shutil.copyfile(template, target)
    target.chmod(0o600)
    return target


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database on each backend under test."""
    if request.param == "sqlite":
        path = _sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path)
        yield f"sqlite:///{path}"
        return
    template = request.getfixturevalue("pg_template")
    name = f"rc_t_{os.getpid()}_{next(_counter)}"
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(False)
    _drop(admin, name)
    admin.dispose()


def _drop(admin: sa.Engine, name: str) -> None:
    """Drop a test database. FORCE may not end an autovacuum worker (it belongs to the
    superuser, not the test role), so a refusal is retried once that worker is done."""
    for attempt in range(20):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except sa.exc.ProgrammingError:
            if attempt == 19:
                raise
            time.sleep(0.25)


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    return f"sqlite:///{_sqlite_copy(sqlite_template, tmp_path)}"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = (
        make_engine(db_url, create=False) if db_url.startswith("sqlite") else make_engine(db_url)
    )
    yield engine
    engine.dispose()


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    """Services for 'tester', the database's first account and so its admin."""
    services = Services(engine, login="tester", clock=clock)
    services.identify()
    return services


StaffFactory = Callable[..., Services]


@pytest.fixture
def as_staff(services: Services, engine: Engine, clock: FixedClock) -> StaffFactory:
    """Services for a new member of staff with the given roles."""

    def make(*roles: str, login: str | None = None) -> Services:
        login = login or f"{'-'.join(roles)}-{next(_counter)}"
        services.staff_admin.add(login, login.title(), list(roles))
        other = Services(engine, login=login, clock=clock)
        other.identify()
        return other

    return make
