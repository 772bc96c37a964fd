"""Issue 14 items 2–4: the audit head anchored after every commit, and verify saying what
it saw. The attacks are direct edits of the database, as someone who can write the file
would make them."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from console.clock import FixedClock
from console.services import Services, anchor
from console.services.audit import digest
from db.engine import make_engine, writer
from db.models import AuditEvent
from tests.conftest import StaffFactory
from tests.security.helpers import add_staff, last_event


@pytest.fixture
def services(services: Services, db_url: str, tmp_path: Path) -> Services:
    """On PostgreSQL the anchor lives in a state_dir (named in /etc on a real server)."""
    if services.uow.anchor is None:
        url = services.engine.url.render_as_string(hide_password=False)
        services.uow.anchor = anchor.for_database(url, state_dir=tmp_path / "state")
        services.audit_log.reanchor("first anchor for this database")
    return services


def cut_tail(engine: sa.Engine, keep_head_right: bool = True) -> None:
    """Delete the newest event and make the head row agree, as an attacker would."""
    with writer(engine).begin() as conn:
        conn.exec_driver_sql("DELETE FROM audit_event WHERE id = (SELECT max(id) FROM audit_event)")
        if keep_head_right:
            conn.exec_driver_sql(
                "UPDATE audit_head SET last_id = (SELECT max(id) FROM audit_event), "
                "last_hash = (SELECT hash FROM audit_event ORDER BY id DESC LIMIT 1)"
            )


def test_every_commit_moves_the_anchor_forward(services: Services, as_staff: StaffFactory) -> None:
    assert services.uow.anchor is not None
    first = services.uow.anchor.read()
    assert first is not None and first.event_id is not None  # the bootstrap anchored it
    add_staff(services, "kross")
    mark = services.uow.anchor.read()
    assert mark == last_event(services) and mark.event_id > first.event_id
    assert services.audit_log.verify().ok


def test_a_cut_tail_is_found_even_with_the_head_row_rewritten(
    services: Services, engine: sa.Engine
) -> None:
    add_staff(services, "kross")
    before = last_event(services)
    cut_tail(engine)
    result = services.audit_log.verify()
    assert not result.ok
    assert result.problem == (
        f"the chain ends at event {before.event_id - 1}, before the anchored event "
        f"{before.event_id}: events were cut from the end"
    )
    # and writing on does not paper over it: the anchor moves only to a higher id, and an
    # event that takes the cut one's id has another hash
    add_staff(services, "another")
    assert not services.audit_log.verify().ok


def test_deleting_the_anchor_is_reported_not_silently_re_anchored(services: Services) -> None:
    add_staff(services, "kross")
    assert services.uow.anchor is not None
    services.uow.anchor.path.unlink()
    add_staff(services, "another")  # writes go on, but do not create a new anchor
    assert not services.uow.anchor.path.exists()
    result = services.audit_log.verify()
    assert not result.ok and "there is no anchor at" in result.problem
    # the one way back is the audited re-anchor, which names why
    mark = services.audit_log.reanchor("anchor deleted by mistake during a disk move")
    assert services.uow.anchor.read() == mark
    assert services.audit_log.verify().ok
    with Session(services.engine) as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.id == mark.event_id)).one()
    assert event.action == "audit.reanchor" and "disk move" in event.detail


def test_an_edit_with_every_hash_recomputed_is_reported_as_such(
    services: Services, engine: sa.Engine
) -> None:
    """Plain SHA-256 over the canonical text: every link holds; only the anchor knows."""
    add_staff(services, "kross")
    anchored = last_event(services)
    # Behind the product: an attacker rewrites an event and recomputes every hash.
    with Session(writer(engine)) as session, session.begin():
        events = session.exec(select(AuditEvent).order_by(AuditEvent.id)).all()  # type: ignore[arg-type]
        prev = events[0].prev_hash
        for event in events:
            if event.action == "staff.add":
                event.login = "someone-else"  # who did it, rewritten
            event.prev_hash = prev
            event.hash = digest(event)
            prev = event.hash
        session.exec(sa.text(f"UPDATE audit_head SET last_hash = '{prev}'"))  # type: ignore[call-overload]
    result = services.audit_log.verify()
    assert not result.ok
    assert result.problem == (
        f"event {anchored.event_id} is not the event anchored: the chain up to it was "
        "rewritten (every hash recomputed)"
    )
    assert "cut" not in result.problem


def test_an_edit_names_the_first_event_that_differs(services: Services, engine: sa.Engine) -> None:
    add_staff(services, "kross")
    add_staff(services, "lmay")
    target = last_event(services).event_id - 1
    with writer(engine).begin() as conn:  # behind the product: tampering, as an attacker would
        conn.exec_driver_sql(f"UPDATE audit_event SET login = 'x' WHERE id = {target}")
    result = services.audit_log.verify()
    assert result.problem == f"event {target} was edited: its contents do not match its hash"
    with writer(engine).begin() as conn:
        conn.exec_driver_sql(f"DELETE FROM audit_event WHERE id = {target}")
    result = services.audit_log.verify()
    assert result.problem.startswith(f"event {target + 1} does not link to event {target - 1}")


def test_an_anchor_behind_the_chain_is_accepted(services: Services) -> None:
    """A writer may commit before the anchor moves: any event of the chain will do."""
    assert services.uow.anchor is not None
    old = services.uow.anchor.read()
    assert old is not None
    add_staff(services, "kross")
    assert services.uow.anchor.advance(old) is False  # never backwards
    services.uow.anchor.replace(old)  # as if the newest writer had not anchored yet
    result = services.audit_log.verify()
    assert result.ok and result.anchored_at == old.event_id < result.last_id


def test_eight_writers_leave_the_anchor_on_the_newest_event(
    services: Services, engine: sa.Engine, clock: FixedClock
) -> None:
    """Eight writers commit in whatever order they get the lock (each anchors on its own
    open file, as separate processes do): the anchor ends on the chain's last event."""
    logins = [f"w{n}" for n in range(8)]
    for login in logins:
        services.staff_admin.add(login, login, ["admin"])
    errors: list[BaseException] = []

    def write(login: str) -> None:
        try:
            mine = Services(engine, login=login, clock=clock)
            mine.identify()
            mine.uow.anchor = services.uow.anchor
            for n in range(6):
                mine.staff_admin.add(f"{login}-{n}", f"Writer {n}", ["reception"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(login,)) for login in logins]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    result = services.audit_log.verify()
    assert result.ok, result.problem
    assert services.uow.anchor is not None
    assert services.uow.anchor.read() == last_event(services)


def test_postgresql_anchors_in_the_state_dir(
    services: Services, db_url: str, tmp_path: Path, engine: sa.Engine
) -> None:
    state = tmp_path / "state"
    services.uow.anchor = anchor.for_database(db_url, state_dir=state)
    assert services.uow.anchor is not None and services.uow.anchor.path.parent == state
    services.audit_log.reanchor("first anchor for this database")
    add_staff(services, "kross")
    assert services.uow.anchor.read() == last_event(services)
    cut_tail(engine)
    assert "events were cut from the end" in services.audit_log.verify().problem


def test_the_anchor_follows_the_database_mode_and_group(tmp_path: Path) -> None:
    import grp

    group = grp.getgrgid(os.getgid()).gr_name
    engine = make_engine(tmp_path / "shared.db", group=group)
    from db.migrate import upgrade

    upgrade(engine)
    services = Services(engine, login="tester")
    services.identify()
    assert services.uow.anchor is not None
    path = services.uow.anchor.path
    assert path.stat().st_mode & 0o777 == 0o660
    assert path.stat().st_gid == (tmp_path / "shared.db").stat().st_gid
    engine.dispose()


@pytest.mark.parametrize("text", ["", "not an anchor", "12 short"])
def test_a_garbled_anchor_is_refused_clearly(services: Services, text: str) -> None:
    from console.services.anchor import AnchorError

    assert services.uow.anchor is not None
    services.uow.anchor.path.write_text(text)
    with pytest.raises(AnchorError, match="not readable as an anchor"):
        services.audit_log.verify()
