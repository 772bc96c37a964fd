"""The audit viewer at millions of events: generated events (a valid hash chain, bulk
inserted with sqlite3), then the first page, a patient's page and a rare action's page
through the service, the same keyset queries raw, and key → painted frame in the console.

    python -m bench.audit COPY EVENTS ROUNDS    # prints JSON (milliseconds)

Generation writes only the working copy; it is timed and reported, not a figure."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pendulum

from bench import data
from bench.frames import Done, Frames, settle

CHUNK = 50_000
RARE = "subject_access.export"  # one event in RARE_EVERY
RARE_EVERY = 20_000
BATCH_EVERY = 10_000  # a batch letter event naming BATCH_SIZE patients
BATCH_SIZE = 200
COMMON = (
    ("summary.open", 60),
    ("review.save_draft", 20),
    ("letters.produce", 10),
    ("patient.update", 10),
)


def generate(path: Path, events: int, seed: int = 1) -> float:
    """Append `events` chained events to the copy; seconds taken."""
    started = time.perf_counter()
    rng = random.Random(seed)
    db = sqlite3.connect(path)
    db.execute("PRAGMA synchronous=OFF")
    patients = [r[0] for r in db.execute("SELECT id FROM patient")]
    staff = db.execute("SELECT id, login FROM staff ORDER BY id LIMIT 1").fetchone()
    last_id, prev = db.execute("SELECT last_id, last_hash FROM audit_head WHERE id = 1").fetchone()
    names = [a for a, _ in COMMON]
    weights = [w for _, w in COMMON]
    start = data.TODAY.subtract(years=5).in_timezone("UTC")
    step = (5 * 365 * 86400) / max(events, 1)
    with db:
        for first in range(0, events, CHUNK):
            rows, links = [], []
            count = min(CHUNK, events - first)
            actions = rng.choices(names, weights, k=count)
            for i in range(count):
                n = first + i
                event_id = last_id + n + 1
                at = start.add(seconds=int(n * step)).isoformat()
                action = actions[i]
                pid: int | None = rng.choice(patients)
                ids = ""
                if n % RARE_EVERY == RARE_EVERY - 1:
                    action = RARE
                elif n % BATCH_EVERY == BATCH_EVERY - 1:
                    action, pid = "letters.batch", None
                    chosen = rng.sample(patients, min(BATCH_SIZE, len(patients)))
                    ids = json.dumps(chosen, separators=(",", ":"))
                    links += [(p, event_id) for p in chosen]
                if pid is not None:
                    links.append((pid, event_id))
                entity = "patient" if pid is not None else ""
                detail = ""
                fields = [at, staff[0], staff[1], action, entity, pid, pid, ids, detail, prev]
                text = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
                digest = hashlib.sha256(text.encode()).hexdigest()
                rows.append((event_id, *fields, digest))
                prev = digest
            db.executemany(
                "INSERT INTO audit_event (id, at, staff_id, login, action, entity, entity_id,"
                " patient_id, patient_ids, detail, prev_hash, hash)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                rows,
            )
            db.executemany(
                "INSERT OR IGNORE INTO audit_patient (patient_id, event_id) VALUES (?,?)", links
            )
        db.execute(
            "UPDATE audit_head SET last_id = ?, last_hash = ? WHERE id = 1",
            (last_id + events, prev),
        )
    db.close()
    return time.perf_counter() - started


def _patient_with_events(path: Path) -> tuple[int, str]:
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    pid = db.execute(
        "SELECT patient_id FROM audit_patient ORDER BY event_id DESC LIMIT 1"
    ).fetchone()[0]
    number = db.execute("SELECT nhs_number FROM patient WHERE id = ?", (pid,)).fetchone()[0]
    db.close()
    return pid, number


def _ms(call: Any, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        out.append((time.perf_counter() - started) * 1000)
    return out


def service(path: Path, rounds: int) -> dict[str, list[float]]:
    from console.services.audit_view import AuditFilter

    _, number = _patient_with_events(path)
    services = data.services_for(path)
    view = services.audit_view
    out = {
        "first": _ms(lambda: view.page(AuditFilter()), rounds),
        "patient": _ms(lambda: view.page(AuditFilter(nhs_number=number)), rounds),
        "rare": _ms(lambda: view.page(AuditFilter(action=RARE)), rounds),
    }
    services.engine.dispose()
    return out


RAW = {
    "first": "SELECT id, at, login, action FROM audit_event WHERE action != 'audit.view'"
    " ORDER BY id DESC LIMIT 51",
    # CROSS JOIN: SQLite then walks the patient's index range first, by primary key after
    "patient": "SELECT e.id, e.at, e.login, e.action FROM audit_patient p"
    " CROSS JOIN audit_event e ON e.id = p.event_id WHERE p.patient_id = ?"
    " ORDER BY p.event_id DESC LIMIT 51",
    "rare": "SELECT id, at, login, action FROM audit_event WHERE action = ?"
    " ORDER BY id DESC LIMIT 51",
}


def raw(path: Path, rounds: int) -> dict[str, list[float]]:
    """The same keyset queries with sqlite3, no service, no counts of patients."""
    pid, _ = _patient_with_events(path)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    args = {"first": (), "patient": (pid,), "rare": (RARE,)}
    out = {k: _ms(lambda k=k: db.execute(RAW[k], args[k]).fetchall(), rounds) for k in RAW}
    db.close()
    return out


async def _frames(path: Path, rounds: int) -> dict[str, list[float]]:
    """Key → painted: `n` (the next, older page) unfiltered, then ctrl+s in the filter
    dialog (patient, then the rare action) until the table shows the page."""
    from console.app import RecoveryConsole
    from console.services.audit_view import AuditFilter

    _, number = _patient_with_events(path)
    frames = Frames()
    paged = Done("AuditScreen", "on_audit_screen_paged")
    services = data.services_for(path)
    app = RecoveryConsole(services)
    out: dict[str, list[float]] = {"first": [], "patient": [], "rare": []}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        from screens.admin.audit import AuditScreen

        app.push_screen(AuditScreen())
        await settle(app, pilot)
        screen = app.screen
        for _ in range(rounds):
            out["first"].append(await frames.press(app, "n", paged.after(app)))
            await settle(app, pilot)
        for key, chosen in (
            ("patient", AuditFilter(nhs_number=number)),
            ("rare", AuditFilter(action=RARE)),
        ):
            for _ in range(rounds):
                screen.chosen = chosen  # the dialog opens with these parts filled in
                await pilot.press("f")
                await settle(app, pilot)
                out[key].append(await frames.press(app, "ctrl+s", paged.after(app)))
                await settle(app, pilot)
    services.engine.dispose()
    return out


def measure(path: Path, events: int, rounds: int) -> dict[str, Any]:
    made = generate(path, events)
    when = pendulum.now("UTC").isoformat()
    return {
        "events": events,
        "generated_s": made,
        "at": when,
        "service": service(path, rounds),
        "raw": raw(path, rounds),
        "frame": asyncio.run(_frames(path, max(rounds // 2, 3))),
    }


def main(argv: list[str]) -> int:
    path, events, rounds = Path(argv[0]), int(argv[1]), int(argv[2])
    print(json.dumps(measure(path, events, rounds)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
