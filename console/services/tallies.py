"""The kept indicator tallies (issue 17): moved by the one cache refresh in its own
transaction, rebuilt whole by the bulk paths (demo, `check --repair`, migration 0017),
and recounted from the caches by `recovery-console check`.

The keys a patient held before a write are those of the row as it was first read in the
transaction (a load event keeps a copy of its caches, status and keyworker): services
set the status, a keyworker or even a cache (a death clears the review dates) before
they call the refresh, so the row as it stands then no longer says what was added.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlmodel import Session

from console.rules import caches as cache_rules
from console.rules import tallies as rules
from db.models import Patient
from db.queries import tallies as q

HELD = "indicator_tallies.held"  # session.info: patient id -> the row as first read
FIELDS = ("keyworker_id", *cache_rules.ROW_FIELDS)


def _copy(row: object) -> tuple[object, ...]:
    return tuple(getattr(row, f) for f in FIELDS)


def _keys(values: tuple[object, ...]) -> frozenset[rules.Key]:
    kw, *rest = values
    row = cache_rules.RowCaches(**dict(zip(cache_rules.ROW_FIELDS, rest, strict=True)))
    return rules.contribution(row, kw)  # type: ignore[arg-type]


@event.listens_for(Patient, "load")
def _loaded(target: Patient, context: Any) -> None:
    context.session.info.setdefault(HELD, {}).setdefault(target.id, _copy(target))


@event.listens_for(Patient, "refresh")
def _reloaded(target: Patient, context: Any, attrs: object) -> None:
    _loaded(target, context)


def keys_now(patient: object) -> frozenset[rules.Key]:
    """The keys of a patient row (ORM or result row) as it stands."""
    return _keys(_copy(patient))


def keys_held(session: Session, patient: Patient) -> frozenset[rules.Key]:
    """The keys the tallies hold for this patient: those of the row as first read in
    this transaction (none for a row created in it)."""
    first = session.info.get(HELD, {}).get(patient.id)
    return frozenset() if first is None else _keys(first)


def move(session: Session, patient: Patient, held: frozenset[rules.Key]) -> None:
    """Move the patient's keys from `held` to those of the row as it now stands."""
    now = _copy(patient)
    q.move(session.connection(), rules.delta(held, _keys(now)))
    if patient.id is not None:
        session.info.setdefault(HELD, {})[patient.id] = now


def recount(conn: Connection) -> Counter[rules.Key]:
    """The tallies as the stored caches say they should be."""
    counts: Counter[rules.Key] = Counter()
    for row in q.patient_rows(conn):
        counts.update(keys_now(row))
    return counts


def rebuild(session: Session) -> None:
    """Every tally from the caches as stored (after a bulk write of caches)."""
    session.flush()
    q.replace_all(session.connection(), recount(session.connection()))
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
    want, have = recount(conn), q.stored(conn)
    out = []
    for key in sorted(set(want) | set(have)):
        if want[key] != have[key]:
            kw, name, lo, hi = key
            out.append(TallyMismatch(name, kw, _day(lo), _day(hi), have[key], want[key]))
    return out


def _day(d: object) -> str:
    text = str(d)
    return {"0001-01-01": "", "9999-12-31": ""}.get(text, text)
