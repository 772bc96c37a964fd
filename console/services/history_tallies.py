"""The kept indicator history (issue 17): every patient's counts on every past day
(console.rules.history), kept as the changes of each count by day, so a past date's
dashboard is one indexed sum rather than a pass over every patient's records.

Moved by the one cache refresh in its own transaction (`move`: the patient's records
read again, their history's keys against those the steps hold for them), rebuilt whole by
the bulk paths (demo, `check --repair`, migration 0019), and recounted from the records
by `recovery-console check`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from types import ModuleType

from sqlmodel import Session

from console.rules import history as rules
from console.rules import tallies as tally_rules
from console.rules.history import Record, Step
from console.rules.tallies import EVERYONE, NO_KEYWORKER, Key

Span = tuple[str, dt.date, dt.date]  # (name, lo, hi): a patient's key without keyworker
FLUSH = 200_000  # step rows a rebuild gathers before writing them (flat memory)


def _queries() -> ModuleType:
    """The records' query loads every record table: not before the first page (issue 19)."""
    from db.queries import history_tally

    return history_tally


def digest(keyworker_id: int, rec: Record) -> str:
    """What the patient's history came from: the same records, the same history."""
    return hashlib.sha256(repr((keyworker_id, rec)).encode()).hexdigest()


def spans_of(rec: Record) -> frozenset[Span]:
    return frozenset(
        (name, lo, hi) for name, days in rules.history_days(rec).items() for lo, hi in days
    )


def pack(spans: Iterable[Span]) -> bytes:
    text = "\n".join(f"{n}\t{lo.toordinal()}\t{hi.toordinal()}" for n, lo, hi in sorted(spans))
    return zlib.compress(text.encode()) if text else b""


def unpack(data: bytes) -> frozenset[Span]:
    if not data:
        return frozenset()
    out = []
    for line in zlib.decompress(data).decode().split("\n"):
        name, lo, hi = line.split("\t")
        out.append((name, dt.date.fromordinal(int(lo)), dt.date.fromordinal(int(hi))))
    return frozenset(out)


def _keys(kw: int, spans: Iterable[Span]) -> frozenset[Key]:
    return frozenset((who, n, lo, hi) for n, lo, hi in spans for who in (kw, EVERYONE))


def _kw(keyworker_id: int | None) -> int:
    return NO_KEYWORKER if keyworker_id is None else keyworker_id


def move(session: Session, patient_id: int) -> None:
    """Bring the steps to the patient's records as they stand in this transaction."""
    q = _queries()
    session.flush()
    conn = session.connection()
    found = q.records(session, [patient_id]).get(patient_id)
    kw, rec = (NO_KEYWORKER, None) if found is None else (_kw(found[0]), found[1])
    held = q.held(conn, patient_id)
    mark = "" if rec is None else digest(kw, rec)
    if held is not None and held[0] == kw and held[1] == mark:
        return
    now = frozenset() if rec is None else spans_of(rec)
    before = frozenset() if held is None else _keys(held[0], unpack(held[2]))
    q.move(conn, rules.steps(tally_rules.delta(before, _keys(kw, now))))
    q.hold(conn, patient_id, kw, mark, pack(now), held=held is not None)


def _each(session: Session) -> Iterable[tuple[int, int, Record]]:
    q = _queries()
    for chunk in q.patient_chunks(session.connection()):
        for pid, (kw, rec) in sorted(q.records(session, chunk).items()):
            yield pid, _kw(kw), rec


def _steps_of(kw: int, spans: Iterable[Span]) -> list[tuple[Step, int]]:
    return rules.steps((k, 1) for k in _keys(kw, spans))


def rebuild(session: Session) -> None:
    """Every patient's history from their records, the steps from scratch."""
    q = _queries()
    session.flush()
    conn = session.connection()
    q.clear(conn)
    counts: Counter[Step] = Counter()
    held: list[dict[str, object]] = []
    for pid, kw, rec in _each(session):
        spans = spans_of(rec)
        if not spans:
            continue
        for step, n in _steps_of(kw, spans):
            counts[step] += n
        held.append(
            {"patient_id": pid, "keyworker_id": kw, "digest": digest(kw, rec), "spans": pack(spans)}
        )
        if len(held) >= q.CHUNK:
            q.hold_many(conn, held)
            held = []
        if len(counts) >= FLUSH:
            q.move(conn, sorted(counts.items()))
            counts.clear()
    q.hold_many(conn, held)
    q.move(conn, sorted(counts.items()))


@dataclass(frozen=True)
class HistoryMismatch:
    name: str
    keyworker_id: int
    day: str
    stored: int
    expected: int

    def __str__(self) -> str:
        return (
            f"indicator history {self.name} (keyworker {self.keyworker_id}, from {self.day}): "
            f"{self.stored} → {self.expected}"
        )


def mismatches(session: Session) -> list[HistoryMismatch]:
    """Every step that differs from a recount of the records, and every patient whose
    held history is not their records' (counted, no patient detail)."""
    q = _queries()
    conn = session.connection()
    want: Counter[Step] = Counter()
    stale = 0
    for chunk in q.patient_chunks(conn):
        held = q.held_all(conn, chunk)
        for pid, (keyworker_id, rec) in q.records(session, chunk).items():
            kw, spans = _kw(keyworker_id), spans_of(rec)
            for step, n in _steps_of(kw, spans):
                want[step] += n
            mine = held.get(pid)
            if mine is None:
                stale += bool(spans)
            elif mine[0] != kw or unpack(mine[2]) != spans:
                stale += 1
    have = q.stored(conn)
    out = [
        HistoryMismatch(k[1], k[0], k[2].isoformat(), have[k], want[k])
        for k in sorted(set(want) | set(have))
        if want[k] != have[k]
    ]
    if stale:
        out.append(HistoryMismatch("patients held", EVERYONE, "", stale, 0))
    return out


def sums(session: Session, day: dt.date, keyworker_id: int | None) -> dict[str, int]:
    q = _queries()
    return q.sums(session.connection(), day, keyworker_id)
