"""The indicator history (console.rules.history): each patient's records read in bulk
(a chunk of patients per select, the same for one patient's refresh and for a rebuild),
and the kept steps summed for a past day. No commit here."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlmodel import Session

from console.rules import caches as cache_rules
from console.rules import health as health_rules
from console.rules.careplan import has_live_substance_goal
from console.rules.history import Plan, Record, Step
from console.rules.tallies import EVERYONE
from console.rules.vocab import MUTUAL_AID_KINDS
from db.models import IndicatorHistoryPatient, IndicatorHistoryStep, Patient, table_of

S, HP, P = table_of(IndicatorHistoryStep), table_of(IndicatorHistoryPatient), table_of(Patient)
KEY = ("keyworker_id", "name", "day")
CHUNK = 1_000


def _rows(conn: Connection, stmt: Any) -> Sequence[sa.RowMapping]:
    return conn.execute(stmt).mappings().all()


def _by_patient(rows: Sequence[Any]) -> dict[int, list[Any]]:
    out: dict[int, list[Any]] = defaultdict(list)
    for m in rows:
        out[m["patient_id"]].append(m)
    return out


@cache
def _selects() -> dict[str, Any]:
    """The records' selects, built once with the patients as one list parameter: for one
    patient's refresh, making a select costs more than running it."""
    from db.models import Goal, Linkage, Resource  # deferred: start-up's first page needs none
    from db.queries import record_selects as sel

    ids = sa.bindparam("ids", expanding=True)
    goal, link, res = table_of(Goal), table_of(Linkage), table_of(Resource)
    return {
        "patients": sa.select(
            P.c.id,
            P.c.keyworker_id,
            P.c.status,
            P.c.status_before_death,
            P.c.date_of_death,
            P.c.checkups_planned,
            P.c.family_involvement,
            P.c.family_involvement_on,
        ).where(P.c.id.in_(ids)),
        "episodes": sel.episodes(ids),
        "prescriptions": sel.prescriptions(ids),
        "reviews": sel.finalised_select(ids),
        "health": sel.health(ids),
        "plans": sel.agreed_plans(ids),
        "goals": sa.select(goal.c.care_plan_id, goal.c.domain, goal.c.status).where(
            goal.c.care_plan_id.in_(sa.bindparam("plans", expanding=True))
        ),
        "family": sel.family(ids),
        "aid": sa.select(
            link.c.patient_id,
            sa.func.min(sa.func.coalesce(link.c.first_attended, link.c.linked_on)),
        )
        .join(res, res.c.id == link.c.resource_id)
        .where(
            link.c.patient_id.in_(ids),
            link.c.outcome == "attended",
            res.c.kind.in_(sorted(MUTUAL_AID_KINDS)),
        )
        .group_by(link.c.patient_id),
    }


def records(session: Session, ids: Sequence[int]) -> dict[int, tuple[int | None, Record]]:
    """Each patient's keyworker and every record the indicators derive from."""
    from db.queries import record_selects as sel

    conn = session.connection()
    st = _selects()
    who = {"ids": sorted(ids)}
    pats = conn.execute(st["patients"], who).mappings().all()
    eps = _by_patient(conn.execute(st["episodes"], who).mappings().all())
    rxs = _by_patient(conn.execute(st["prescriptions"], who).mappings().all())
    revs = _by_patient(sel.corrected(session, conn.execute(st["reviews"], who)))
    checks = _by_patient(conn.execute(st["health"], who).mappings().all())
    plans = _by_patient(conn.execute(st["plans"], who).mappings().all())
    goals: dict[int, list[tuple[str, str]]] = defaultdict(list)
    plan_ids = sorted(m["id"] for ms in plans.values() for m in ms)
    for at in range(0, len(plan_ids), 5_000):
        chunk = {"plans": plan_ids[at : at + 5_000]}
        for m in conn.execute(st["goals"], chunk).mappings():
            goals[m["care_plan_id"]].append((m["domain"], m["status"]))
    family = _by_patient(conn.execute(st["family"], who).mappings().all())
    aid = {int(pid): _day(on) for pid, on in conn.execute(st["aid"], who)}
    out: dict[int, tuple[int | None, Record]] = {}
    for p in pats:
        pid = p["id"]
        rec = Record(
            status=p["status"],
            status_before_death=p["status_before_death"] or "",
            date_of_death=_day_or_none(p["date_of_death"]),
            checkups_planned=p["checkups_planned"] or 0,
            episodes=tuple(
                cache_rules.Ep(
                    m["id"],
                    _day(m["start_date"]),
                    _day_or_none(m["end_date"]),
                    m["exit_reason"] or "",
                )
                for m in eps.get(pid, [])
            ),
            prescriptions=tuple(
                cache_rules.Rx(
                    m["medicine"], m["dose_mg"], _day(m["start_date"]), _day_or_none(m["end_date"])
                )
                for m in rxs.get(pid, [])
            ),
            reviews=tuple(_review(m) for m in revs.get(pid, [])),
            health=tuple(
                health_rules.Event(m["kind"], _day(m["check_date"]), m["result"])
                for m in checks.get(pid, [])
            ),
            plans=tuple(
                Plan(
                    m["version_no"],
                    _day_or_none(m["agreed_on"]),
                    has_live_substance_goal(goals.get(m["id"], [])),
                )
                for m in plans.get(pid, [])
            ),
            family_added=tuple(_day_or_none(m["added_on"]) for m in family.get(pid, [])),
            family_answer=p["family_involvement"] or "",
            family_answer_on=_day_or_none(p["family_involvement_on"]),
            mutual_aid_on=aid.get(pid),
        )
        out[pid] = (p["keyworker_id"], rec)
    return out


def _review(m: dict[str, Any]) -> cache_rules.Rev:
    return cache_rules.Rev(
        id=m["id"],
        kind=m["kind"],
        date=_day(m["review_date"]),
        episode_id=m["episode_id"],
        finalised_at=str(m["finalised_at"] or ""),
        ost_decision=m["ost_decision"] or "",
        barc10_total=m["barc10_total"],
        opiates_days=m["opiates_days"],
        injected_days=m["injected_days"],
        shared=bool(m["shared_needle"] or m["shared_paraphernalia"]),
    )


def patient_chunks(conn: Connection) -> Iterator[list[int]]:
    """Every patient with an episode, in chunks (nobody else has a history to count)."""
    from db.models import Episode

    e = table_of(Episode)
    ids = [
        int(i)
        for i in conn.execute(
            sa.select(e.c.patient_id).distinct().order_by(e.c.patient_id)
        ).scalars()
    ]
    for at in range(0, len(ids), CHUNK):
        yield ids[at : at + CHUNK]


# -- what each patient holds ----------------------------------------------------------
def held(conn: Connection, patient_id: int) -> tuple[int, str, bytes] | None:
    """(keyworker id, digest, packed spans) the steps hold for the patient."""
    row = conn.execute(
        sa.select(HP.c.keyworker_id, HP.c.digest, HP.c.spans).where(HP.c.patient_id == patient_id)
    ).first()
    return None if row is None else (int(row[0]), str(row[1]), bytes(row[2] or b""))


_HOLD = (
    sa.update(HP)
    .where(HP.c.patient_id == sa.bindparam("pid"))
    .values(keyworker_id=sa.bindparam("kw"), digest=sa.bindparam("dg"), spans=sa.bindparam("sp"))
)


def hold(
    conn: Connection,
    patient_id: int,
    keyworker_id: int,
    digest: str,
    spans: bytes,
    *,
    held: bool = False,
) -> None:
    """What the steps now hold for the patient (no row for an empty history). `held`:
    the caller read the patient's row in this transaction, so one update replaces it."""
    if held and spans:
        conn.execute(_HOLD, {"pid": patient_id, "kw": keyworker_id, "dg": digest, "sp": spans})
        return
    conn.execute(sa.delete(HP).where(HP.c.patient_id == patient_id))
    if spans:
        conn.execute(
            sa.insert(HP).values(
                patient_id=patient_id, keyworker_id=keyworker_id, digest=digest, spans=spans
            )
        )


def held_all(conn: Connection, ids: Sequence[int]) -> dict[int, tuple[int, str, bytes]]:
    stmt = sa.select(HP.c.patient_id, HP.c.keyworker_id, HP.c.digest, HP.c.spans).where(
        HP.c.patient_id.in_(sorted(ids))
    )
    return {int(p): (int(k), str(d), bytes(s or b"")) for p, k, d, s in conn.execute(stmt)}


# -- the steps -------------------------------------------------------------------------
def _upsert(conn: Connection) -> Any:
    return _upsert_for(conn.dialect.name)


@cache
def _upsert_for(dialect: str) -> Any:
    """Built once per dialect: every write's refresh runs it."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(S)
    return stmt.on_conflict_do_update(index_elements=list(KEY), set_={"n": S.c.n + stmt.excluded.n})


_ZERO = sa.delete(S).where(*(S.c[k] == sa.bindparam(f"k_{k}") for k in KEY), S.c.n == 0)


def move(conn: Connection, steps: Sequence[tuple[Step, int]]) -> None:
    """Add each change to its step row (created at need), in the order given; a row that
    comes to nothing is removed."""
    if not steps:
        return
    rows = [{"keyworker_id": k[0], "name": k[1], "day": k[2], "n": n} for k, n in steps]
    for at in range(0, len(rows), 2_000):
        conn.execute(_upsert(conn), rows[at : at + 2_000])
    gone = [{f"k_{name}": v for name, v in zip(KEY, k, strict=True)} for k, _ in steps]
    for at in range(0, len(gone), 2_000):
        conn.execute(_ZERO, gone[at : at + 2_000])


def sums(conn: Connection, day: dt.date, keyworker_id: int | None) -> dict[str, int]:
    """Every count on `day` (one keyworker's, or the practice's): the changes up to it."""
    who = EVERYONE if keyworker_id is None else keyworker_id
    stmt = (
        sa.select(S.c.name, sa.func.sum(S.c.n))
        .where(S.c.keyworker_id == who, S.c.day <= sa.literal(day, sa.Date))
        .group_by(S.c.name)
    )
    return {str(name): int(n) for name, n in conn.execute(stmt)}


def stored(conn: Connection) -> Counter[Step]:
    rows = conn.execute(sa.select(S.c.keyworker_id, S.c.name, S.c.day, S.c.n))
    return Counter({(int(k), str(nm), _day(d)): int(n) for k, nm, d, n in rows})


def clear(conn: Connection) -> None:
    conn.execute(sa.delete(S))
    conn.execute(sa.delete(HP))


def hold_many(conn: Connection, rows: list[dict[str, object]]) -> None:
    for at in range(0, len(rows), 2_000):
        conn.execute(sa.insert(HP), rows[at : at + 2_000])


def insert_steps(conn: Connection, counts: Counter[Step]) -> None:
    rows = [
        {"keyworker_id": k[0], "name": k[1], "day": k[2], "n": n}
        for k, n in sorted(counts.items())
        if n
    ]
    for at in range(0, len(rows), 2_000):
        conn.execute(sa.insert(S), rows[at : at + 2_000])


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _day_or_none(value: object) -> dt.date | None:
    return None if value is None else _day(value)
