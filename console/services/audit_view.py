"""The audit viewer (admin): events newest first, paged by id (keyset, never OFFSET, so a
page is instant at millions of events), filtered by patient, member of staff, action and
date range. Opening the viewer is itself audited, once per opening; the viewer's own
events are hidden unless asked for."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa
from sqlmodel import Session

from console.rules.nhs_number import NhsNumberError, is_valid, normalise
from console.services.errors import Invalid, NotFound
from console.services.roles import Action
from console.services.validated import validated
from db.models import AuditEvent, AuditPatient, Patient, Staff, table_of

if TYPE_CHECKING:
    from console.services import Services

PAGE = 50
PATIENT_CHUNK = 500  # a patient's event ids read at a time
VIEWER_ACTION = "audit.view"
EVENTS = table_of(AuditEvent)
LINKS = table_of(AuditPatient)


@dataclass(frozen=True)
class AuditFilter:
    """As typed in the viewer's filter line; the service checks every part."""

    nhs_number: str = ""
    login: str = ""
    action: str = ""  # an action, or its start ("letters." for every letter event)
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    show_viewer: bool = False  # the viewer's own "audit.view" events


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: str  # "2 Dec 2026 09:14" in the practice's zone
    login: str
    action: str
    patients: int  # how many patients the event concerns


@dataclass(frozen=True)
class AuditPage:
    lines: tuple[AuditLine, ...]
    older: int | None  # the id to pass as `before` for the next (older) page


@dataclass(frozen=True)
class AuditDetail:
    line: AuditLine
    staff_name: str
    entity: str
    entity_id: int | None
    detail: str  # the recorded fields, as JSON text (no free text from the record)
    patients: tuple[tuple[str, str], ...]  # (NHS number, "FAMILY, Given"), at most 50
    more_patients: int


def _utc(day: dt.date, tz: str) -> str:
    start = pendulum.datetime(day.year, day.month, day.day, tz=tz)
    return start.in_timezone("UTC").isoformat()


@validated
class AuditViewService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def open(self) -> None:
        """One audited event per opening of the viewer (not one per page or filter)."""
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            tx.audit(VIEWER_ACTION)

    def _when(self, at: str) -> str:
        return pendulum.parse(at).in_timezone(self._s.clock.tz).format("D MMM YYYY HH:mm")  # type: ignore[union-attr]

    def _where(
        self, session: Session, chosen: AuditFilter
    ) -> tuple[list[sa.ColumnElement[bool]], int | None]:
        """The conditions on events, and the patient's id when filtering by patient."""
        if not isinstance(chosen, AuditFilter):
            raise Invalid({"filter": "an audit filter is required"})
        errors: dict[str, str] = {}
        where: list[sa.ColumnElement[bool]] = []
        patient: int | None = None
        tz = self._s.clock.tz
        if chosen.nhs_number.strip():
            try:
                number = normalise(chosen.nhs_number)
            except NhsNumberError:
                number = ""
            if not number or not is_valid(number):
                errors["nhs_number"] = "a valid NHS number (10 digits)"
            else:
                patient_id = session.execute(
                    sa.select(table_of(Patient).c.id).where(
                        table_of(Patient).c.nhs_number == number
                    )
                ).scalar()
                # An unknown patient has no events: an impossible id keeps the page empty.
                patient = patient_id or -1
        if chosen.login.strip():
            staff_id = session.execute(
                sa.select(table_of(Staff).c.id).where(
                    table_of(Staff).c.login == chosen.login.strip()
                )
            ).scalar()
            if staff_id is None:
                errors["login"] = "no member of staff has that login"
            else:
                where.append(EVENTS.c.staff_id == staff_id)
        action = chosen.action.strip()
        if action:
            if len(action) > 60:
                errors["action"] = "at most 60 characters"
            elif action.endswith("."):  # a family of actions: an index range
                where.append(EVENTS.c.action >= action)
                where.append(EVENTS.c.action < action + "\U0010ffff")
            else:
                where.append(EVENTS.c.action == action)
        for key, day in (("date_from", chosen.date_from), ("date_to", chosen.date_to)):
            if day is not None and not isinstance(day, dt.date):
                errors[key] = "a date"
        if chosen.date_from and chosen.date_to and chosen.date_from > chosen.date_to:
            errors["date_to"] = "the end is before the start"
        if errors:
            raise Invalid(errors)
        if chosen.date_from:
            where.append(EVENTS.c.at >= _utc(chosen.date_from, tz))
        if chosen.date_to:
            where.append(EVENTS.c.at < _utc(chosen.date_to + dt.timedelta(days=1), tz))
        # The viewer's openings concern no patient, so a patient's filter leaves them out
        # already; testing the action there too led SQLite to scan events by action.
        if not chosen.show_viewer and action != VIEWER_ACTION and not chosen.nhs_number.strip():
            where.append(EVENTS.c.action != VIEWER_ACTION)
        return where, patient

    def page(
        self, chosen: AuditFilter = AuditFilter(), *, before: int | None = None, limit: int = PAGE
    ) -> AuditPage:
        """A page of events, newest first, older than `before` (an event id)."""
        if before is not None and (not isinstance(before, int) or isinstance(before, bool)):
            raise Invalid({"before": "an event id"})
        if not isinstance(limit, int) or not 1 <= limit <= 500:
            raise Invalid({"limit": "from 1 to 500 events"})
        with self._s.uow.read(self._s.staff, Action.ADMINISTER) as session:
            where, patient = self._where(session, chosen)
            mine = LINKS.alias("mine")
            count = (
                sa.select(sa.func.count())
                .select_from(mine)
                .where(mine.c.event_id == EVENTS.c.id)
                .scalar_subquery()
            )
            stmt = sa.select(EVENTS.c.id, EVENTS.c.at, EVENTS.c.login, EVENTS.c.action, count)
            if patient is not None:
                rows = self._patient_rows(session, stmt, where, patient, before, limit + 1)
            else:
                if before is not None:
                    where.append(EVENTS.c.id < before)
                rows = session.execute(
                    stmt.where(*where).order_by(EVENTS.c.id.desc()).limit(limit + 1)
                ).all()
        lines = tuple(
            AuditLine(int(r[0]), self._when(r[1]), r[2], r[3], int(r[4])) for r in rows[:limit]
        )
        older = lines[-1].id if len(rows) > limit else None
        return AuditPage(lines, older)

    @staticmethod
    def _patient_rows(
        session: Session,
        stmt: sa.Select[tuple[object, ...]],
        where: list[sa.ColumnElement[bool]],
        patient: int,
        before: int | None,
        wanted: int,
    ) -> list[sa.Row[tuple[object, ...]]]:
        """A patient's events newest first: their event ids a chunk at a time from the
        (patient, event) index, then each event by primary key. Never a join or an id
        list, which SQLite's planner (on missing or stale statistics) ran as a scan of
        every event."""
        rows: list[sa.Row[tuple[object, ...]]] = []
        cursor = before
        while len(rows) < wanted:
            ids_stmt = sa.select(LINKS.c.event_id).where(LINKS.c.patient_id == patient)
            if cursor is not None:
                ids_stmt = ids_stmt.where(LINKS.c.event_id < cursor)
            ids = list(
                session.execute(
                    ids_stmt.order_by(LINKS.c.event_id.desc()).limit(PATIENT_CHUNK)
                ).scalars()
            )
            if not ids:
                break
            for event_id in ids:  # by primary key, one at a time: no plan can scan
                row = session.execute(stmt.where(EVENTS.c.id == event_id, *where)).first()
                if row is not None:
                    rows.append(row)
                    if len(rows) == wanted:
                        return rows
            if len(ids) < PATIENT_CHUNK:
                break
            cursor = ids[-1]
        return rows[:wanted]

    def event(self, event_id: int) -> AuditDetail:
        """One event with its detail and the patients it concerns."""
        if not isinstance(event_id, int) or isinstance(event_id, bool):
            raise Invalid({"event": "an event id"})
        with self._s.uow.read(self._s.staff, Action.ADMINISTER) as session:
            row = session.get(AuditEvent, event_id)
            if row is None:
                raise NotFound("no audit event with that number")
            assert row.id is not None
            staff = session.get(Staff, row.staff_id) if row.staff_id else None
            patients = table_of(Patient)
            found = session.execute(
                sa.select(patients.c.nhs_number, patients.c.family_name, patients.c.given_name)
                .join(LINKS, LINKS.c.patient_id == patients.c.id)
                .where(LINKS.c.event_id == row.id)
                .order_by(patients.c.family_key, patients.c.given_key)
                .limit(51)
            ).all()
            total = session.execute(
                sa.select(sa.func.count()).select_from(LINKS).where(LINKS.c.event_id == row.id)
            ).scalar_one()
        detail = json.dumps(json.loads(row.detail), sort_keys=True) if row.detail else ""
        return AuditDetail(
            AuditLine(row.id, self._when(row.at), row.login, row.action, int(total)),
            staff.name if staff else row.login,
            row.entity,
            row.entity_id,
            detail,
            tuple((n, f"{f.upper()}, {g}") for n, f, g in found[:50]),
            max(int(total) - 50, 0),
        )
