"""The kept indicator tallies (console.rules.tallies): moving a patient's keys, summing
today's counts, and reading every row for the check and a rebuild. No commit here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from console.rules.caches import ROW_FIELDS, Ep
from console.rules.tallies import EVERYONE, FIRST, Key
from db.models import Patient, table_of

# the tally tables alone (no foreign keys): an import's one move loads no record tables
from db.models.tally import IndicatorTally, IndicatorTallyFloor

T, P, F = table_of(IndicatorTally), table_of(Patient), table_of(IndicatorTallyFloor)
KEY = ("keyworker_id", "name", "lo", "hi")
CHUNK = 2_000


def _params(key: Key, n: int) -> dict[str, object]:
    return {"keyworker_id": key[0], "name": key[1], "lo": key[2], "hi": key[3], "n": n}


def _upsert(conn: Connection) -> Any:
    return _upsert_for(conn.dialect.name)


@cache
def _upsert_for(dialect: str) -> Any:
    """Built once per dialect: every write's refresh runs it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(T)
    return stmt.on_conflict_do_update(index_elements=list(KEY), set_={"n": T.c.n + stmt.excluded.n})


_ZERO = sa.delete(T).where(
    *(T.c[k] == sa.bindparam(f"k_{k}") for k in KEY),
    T.c.n <= 0,
)


def move(conn: Connection, moves: Sequence[tuple[Key, int]]) -> None:
    """Add each move's count to its key's row (created at need), in the order given; a
    row that falls to nothing is removed, so the table holds only live counts."""
    if not moves:
        return
    conn.execute(_upsert(conn), [_params(k, n) for k, n in moves])
    gone = [{f"k_{name}": v for name, v in zip(KEY, k, strict=True)} for k, n in moves if n < 0]
    if gone:
        conn.execute(_ZERO, gone)


def sums(conn: Connection, day: dt.date, keyworker_id: int | None) -> dict[str, int]:
    """Every count for `day` (one keyworker's, or the practice's): the rows whose days
    include it, summed by name."""
    d = sa.literal(day, sa.Date)
    who = EVERYONE if keyworker_id is None else keyworker_id
    stmt = (
        sa.select(T.c.name, sa.func.sum(T.c.n))
        .where(T.c.keyworker_id == who, T.c.hi >= d, T.c.lo <= d)
        .group_by(T.c.name)
    )
    return {str(name): int(n) for name, n in conn.execute(stmt)}


def stored(conn: Connection) -> Counter[Key]:
    rows = conn.execute(sa.select(T.c.keyworker_id, T.c.name, T.c.lo, T.c.hi, T.c.n))
    return Counter({(int(k), str(nm), _date(lo), _date(hi)): int(n) for k, nm, lo, hi, n in rows})


def patient_rows(conn: Connection) -> Iterator[sa.Row[Any]]:
    """Every patient's stored caches, status and keyworker, streamed."""
    cols = [P.c.id, P.c.keyworker_id, *(P.c[n] for n in ROW_FIELDS)]
    # on the statement: a connection's own options would stay on it (server-side cursors)
    stmt = sa.select(*cols).order_by(P.c.id).execution_options(yield_per=CHUNK)
    result = conn.execute(stmt)
    yield from result


def episodes_by_patient(conn: Connection) -> Iterator[tuple[int, list[Ep]]]:
    """Every patient's episodes (those with any), streamed in patient order."""
    from db.models import Episode  # deferred: start-up's first page needs no episodes

    e = table_of(Episode)
    stmt = (
        sa.select(e.c.patient_id, e.c.id, e.c.start_date, e.c.end_date, e.c.exit_reason)
        .order_by(e.c.patient_id, e.c.id)
        .execution_options(yield_per=CHUNK)
    )
    pid, eps = None, []
    for row in conn.execute(stmt):
        if row[0] != pid and pid is not None:
            yield pid, eps
            eps = []
        pid = row[0]
        end = None if row[3] is None else _date(row[3])
        eps.append(Ep(int(row[1]), _date(row[2]), end, row[4] or ""))
    if pid is not None:
        yield pid, eps


def set_completion_days(conn: Connection, values: list[dict[str, object]]) -> None:
    """Write `completion_days` of these patients (`pid`, `days`)."""
    stmt = (
        sa.update(P)
        .where(P.c.id == sa.bindparam("pid"))
        .values(completion_days=sa.bindparam("days"))
    )
    conn.execute(stmt, values)


def any_patient(conn: Connection) -> bool:
    return conn.execute(sa.select(P.c.id).limit(1)).first() is not None


def floor(conn: Connection) -> dt.date:
    """The first day the tallies hold counts for."""
    found = conn.execute(sa.select(F.c.day)).scalar()
    return FIRST if found is None else _date(found)


def replace_all(conn: Connection, counts: Counter[Key], day: dt.date) -> None:
    """Every tally row from scratch, holding counts from `day` (the floor)."""
    conn.execute(sa.delete(F))
    conn.execute(sa.insert(F).values(day=day))
    conn.execute(sa.delete(T))
    rows = [_params(k, n) for k, n in sorted(counts.items()) if n]
    for at in range(0, len(rows), CHUNK):
        conn.execute(sa.insert(T), rows[at : at + CHUNK])


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
