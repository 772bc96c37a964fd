"""Save a review (SPEC §8: validation, transaction, audit, under 10 ms): the service's
save_draft and finalise, beside raw SQLite inserts of the same rows in one transaction.
A service figure by definition (SPEC §8 names the save, not a screen); it runs on the
run's working copy, never on the cached database."""

from __future__ import annotations

import gc
import sqlite3
import time
from pathlib import Path

from bench import data
from console.rules import top
from console.services.review_dto import GoalReviewInput, ReviewInput
from db.engine import make_engine

ROUNDS = 30


def _input(goal_keys: list[int]) -> ReviewInput:
    values: dict[str, int | float | bool | None] = {}
    for item in top.ITEMS:
        if item.kind is top.ItemKind.DAYS:
            values.update({f"{item.key}_w{w}": w % 3 for w in range(1, 5)})
        elif item.kind is top.ItemKind.YES_NO:
            values[item.key] = False
        else:
            values[item.key] = 12
    return ReviewInput(
        top=values,
        barc10=(4, 5, 4, 3, 5, 4, 4, 5, 4, 4),
        goals={k: GoalReviewInput("in_progress", "steady") for k in goal_keys},
        ost_decision="continue_maintenance",
        ost_rationale="stable; wants to stay on this dose",
        next_review_date=data.TODAY.date().add(months=6),
    )


def _raw(conn: sqlite3.Connection, patient_id: int, goals: int) -> float:
    """The same rows by hand: review, TOP, BARC-10, goal reviews, patient caches, an event."""
    cols = list(top.COLUMNS)
    started = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    cur = conn.execute(
        "INSERT INTO review (patient_id, kind, review_date, status, finalised_at, ost_decision,"
        " ost_rationale, ost_decided_at, next_review_date, next_review_reason, barc10_declined,"
        " version) VALUES (?, 'strategic', ?, 'finalised', 'x', 'continue_maintenance', 'r', 'x',"
        " ?, '', 0, 2)",
        (patient_id, "2026-11-23", "2027-05-23"),
    )
    rid = cur.lastrowid
    conn.execute(
        f"INSERT INTO top_score (review_id, other_substance_name, {', '.join(cols)}) "
        f"VALUES (?, ''{', ?' * len(cols)})",
        (rid, *[1] * len(cols)),
    )
    conn.execute(
        "INSERT INTO barc10 (review_id, q1, q2, q3, q4, q5, q6, q7, q8, q9, q10, total) "
        "VALUES (?, 4, 5, 4, 3, 5, 4, 4, 5, 4, 4, 42)",
        (rid,),
    )
    for key in range(goals):
        conn.execute(
            "INSERT INTO goal_review (review_id, goal_key, new_status, note) VALUES (?, ?, ?, ?)",
            (rid, key, "in_progress", "steady"),
        )
    conn.execute(
        "UPDATE patient SET next_review_due = ?, last_strategic_review = ?, last_barc10_total = 42,"
        " version = version + 1 WHERE id = ?",
        ("2027-05-23", "2026-11-23", patient_id),
    )
    conn.execute(
        "INSERT INTO audit_event (at, login, action, entity, patient_ids, detail, prev_hash, hash)"
        " VALUES ('x', 'bench', 'review.finalise', 'review', '', '', ?, ?)",
        ("0" * 64, f"{rid:064d}"),
    )
    conn.execute("COMMIT")
    return (time.perf_counter() - started) * 1000


def measure(copy: Path) -> dict[str, list[float]]:
    """On the run's working copy: a clinician saves and finalises ROUNDS reviews. The raw
    baseline writes its rows, and an event outside the hash chain, into a copy of its
    own: in the run's copy that event would break the chain `backup` then verifies."""
    raw_copy = data.copy_database(copy, copy.with_name("reviews-raw.db"))
    services = data.services_for(copy)
    services.staff_admin.add("bench-gp", "Bench GP", ["clinician"])
    from console.services import Services

    gp = Services(make_engine(copy, create=False), login="bench-gp", clock=services.clock)
    gp.identify()
    # As in the console (console/app.py): every table loaded and the mappers configured
    # after start-up, then what start-up made frozen out of the collector's sight, so a
    # full collection does not walk every imported module in the middle of a save.
    gp.warm_up()
    gc.freeze()
    raw = sqlite3.connect(raw_copy, isolation_level=None)
    raw.execute("PRAGMA synchronous=FULL")
    raw.execute("PRAGMA foreign_keys=ON")
    saves: list[float] = []
    finals: list[float] = []
    base: list[float] = []
    # Reviews other than check-ups are for patients in treatment (an open episode); the
    # first 60 in the list are left to the screens' figures.
    rows = gp.patients.search("", statuses=("in_treatment",), limit=ROUNDS * 2 + 60).rows
    patients = [r.id for r in rows[60:]]
    for patient_id in patients[:ROUNDS]:
        draft = gp.reviews.start(patient_id, "strategic")
        data_in = _input([g.goal_key for g in draft.goals])
        started = time.perf_counter()
        saved = gp.reviews.save_draft(draft.id, draft.version, data_in)
        saves.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        gp.reviews.finalise(draft.id, saved.version, data_in)
        finals.append((time.perf_counter() - started) * 1000)
    for patient_id in patients[ROUNDS:]:
        base.append(_raw(raw, patient_id, 4))
    raw.close()
    raw_copy.unlink()
    gc.unfreeze()  # the figures after this one see the collector as they did before
    return {"save_draft": saves, "finalise": finals, "save_raw": base}
