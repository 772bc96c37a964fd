"""The kept indicator tallies (issue 17): moved by the one cache refresh in its own
transaction, rebuilt whole by the bulk paths (demo, `check --repair`, migration 0017),
and recounted from the caches by `recovery-console check`.

The keys a patient held before a write are those of the row as it was first read in the
transaction (a load event keeps a copy of its caches, status and keyworker): services
set the status, a keyworker or even a cache (a death clears the review dates) before
they call the refresh, so the row as it stands then no longer says what was added.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlmodel import Session

from console.rules import caches as cache_rules
from console.rules import completion
from console.rules import tallies as rules
from db.engine import WRITE_OPTION
from db.models import Patient
from db.queries import tallies as q

HELD = "indicator_tallies.held"  # session.info: patient id -> the row as first read
FIELDS = ("keyworker_id", *cache_rules.ROW_FIELDS)


def _copy(row: object) -> tuple[object, ...]:
    return tuple(getattr(row, f) for f in FIELDS)


def _keys(values: tuple[object, ...], floor: dt.date) -> frozenset[rules.Key]:
    kw, *rest = values
    row = cache_rules.RowCaches(**dict(zip(cache_rules.ROW_FIELDS, rest, strict=True)))
    return rules.contribution(row, kw, floor)  # type: ignore[arg-type]


UNTRACKED = "indicator_tallies.untracked"  # session.info: a bulk path rebuilds instead


def untracked(session: Session) -> None:
    """This write keeps no copies of the rows it reads (a bulk path that rebuilds the
    tallies after: demo, `check --repair`), so its memory stays flat."""
    session.info[UNTRACKED] = True


@event.listens_for(Patient, "load")
def _loaded(target: Patient, context: Any) -> None:
    session = context.session
    if session.info.get(UNTRACKED):
        return
    bind = session.bind
    if bind is None or not bind.get_execution_options().get(WRITE_OPTION):
        return  # a read: nothing will be moved, and a scan of every row stays small
    session.info.setdefault(HELD, {}).setdefault(target.id, _copy(target))


@event.listens_for(Patient, "refresh")
def _reloaded(target: Patient, context: Any, attrs: object) -> None:
    _loaded(target, context)


def keys_now(patient: object, floor: dt.date) -> frozenset[rules.Key]:
    """The keys of a patient row (ORM or result row) as it stands."""
    return _keys(_copy(patient), floor)


Held = tuple[object, ...] | None


def held_row(session: Session, patient: Patient) -> Held:
    """The patient row as first read in this transaction (None: created in it), whose
    keys the tallies hold."""
    return session.info.get(HELD, {}).get(patient.id)  # type: ignore[no-any-return]


def move(session: Session, patient: Patient, held: Held) -> None:
    """Move the patient's keys from those of `held` to those of the row as it stands."""
    conn = session.connection()
    floor = q.floor(conn)
    now = _copy(patient)
    before = frozenset() if held is None else _keys(held, floor)
    q.move(conn, rules.delta(before, _keys(now, floor)))
    if patient.id is not None:
        session.info.setdefault(HELD, {})[patient.id] = now


def recount(conn: Connection, floor: dt.date) -> Counter[rules.Key]:
    """The tallies as the stored caches say they should be, from `floor` on."""
    counts: Counter[rules.Key] = Counter()
    for row in q.patient_rows(conn):
        counts.update(keys_now(row, floor))
    return counts


def fill_completion(conn: Connection) -> None:
    """Every patient's `completion_days` cache from their episodes (migration 0017: the
    rule itself, as `derive` computes it)."""
    batch: list[dict[str, object]] = []
    for pid, eps in q.episodes_by_patient(conn):
        text = completion.as_text(completion.days(eps))
        if text:
            batch.append({"pid": pid, "days": text})
        if len(batch) >= q.CHUNK:
            q.set_completion_days(conn, batch)
            batch = []
    if batch:
        q.set_completion_days(conn, batch)


def fill(conn: Connection, today: dt.date) -> None:
    """Every tally from the caches as stored, the floor moved up to `today`'s (an empty
    database keeps every day: there is nothing to fold, and a clock may start anywhere)."""
    floor = rules.floor_for(today) if q.any_patient(conn) else rules.FIRST
    q.replace_all(conn, recount(conn, floor), floor)


def rebuild(session: Session, today: dt.date) -> None:
    """`fill` inside a session (after a bulk write of caches)."""
    session.flush()
    fill(session.connection(), today)
    if session.info.get(UNTRACKED):
        return
    # what is held is now every row as it stands
    session.info[HELD] = {
        obj.id: _copy(obj) for obj in session.identity_map.values() if isinstance(obj, Patient)
    }


@dataclass(frozen=True)
class TallyMismatch:
    name: str
    keyworker_id: int
    lo: str
    hi: str
    stored: int
    expected: int

    def __str__(self) -> str:
        days = f"{self.lo}..{self.hi}"
        return (
            f"indicator tally {self.name} (keyworker {self.keyworker_id}, {days}): "
            f"{self.stored} → {self.expected}"
        )


def mismatches(conn: Connection) -> list[TallyMismatch]:
    """Every tally row that differs from a recount of the caches (no patient detail)."""
    want, have = recount(conn, q.floor(conn)), q.stored(conn)
    out = []
    for key in sorted(set(want) | set(have)):
        if want[key] != have[key]:
            kw, name, lo, hi = key
            out.append(TallyMismatch(name, kw, _day(lo), _day(hi), have[key], want[key]))
    return out


def _day(d: object) -> str:
    text = str(d)
    return {"0001-01-01": "", "9999-12-31": ""}.get(text, text)
