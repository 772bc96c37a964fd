"""Deterministic synthetic caseload for demonstrations and benchmarks (`recovery-console demo`).

One `random.Random(seed)` drives everything and every date is counted from `today`, so the
same seed and day give the same rows. Rows go in through db.bulk with ids assigned here,
patient by patient in batches, parents before children; no ORM objects, no audit events
(the service adds one event for the whole load).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pendulum
import sqlalchemy as sa

from console.demo import data as demo_data
from console.demo.history import TABLES, Caseload, Team
from console.rules.names import fold_key
from console.rules.nhs_number import check_digit
from console.rules.vocab import Role
from db import bulk
from db.models import Pharmacy, PracticeSettings, Resource, Staff, table_of

BATCH = 2_000  # patients per flush: ~15,000 reviews, the size of one executemany chunk
# The 999 test range holds 909,091 valid numbers; leave room for rejection sampling.
MAX_PATIENTS = 900_000


@dataclass(frozen=True)
class DemoSummary:
    patients: int
    reviews: int
    staff: int  # members of staff added (the loading account already existed)
    resources: int


def generate(
    conn: sa.Connection,
    *,
    patients: int,
    seed: int,
    today: pendulum.Date,
    owner_staff_id: int,
) -> DemoSummary:
    """Fill an EMPTY database (already migrated, inside the caller's write transaction;
    never commit) with a practice, its staff, its resources directory and `patients`
    patients with their whole recovery history up to `today`.

    `owner_staff_id` is the loading account's existing staff row; it is left as it is
    (the service gives it `clinician`) and demo work goes to the demo staff.
    """
    if not 0 <= patients <= MAX_PATIENTS:
        raise ValueError(f"patients must be between 0 and {MAX_PATIENTS:,}")
    rnd = random.Random(seed)
    team, added = _staff(conn)
    _practice(conn)
    resources = _resources(conn)
    _pharmacies(conn)
    caseload = Caseload(conn, rnd, today, team, resources)
    for index, number in enumerate(nhs_numbers(rnd, patients), start=1):
        caseload.patient(number)
        if index % BATCH == 0:
            caseload.flush()
    caseload.flush()
    bulk.reset_sequences(conn, [table_of(Staff), table_of(Resource), table_of(Pharmacy), *TABLES])
    return DemoSummary(
        patients=patients, reviews=caseload.reviews, staff=added, resources=len(resources)
    )


def nhs_numbers(rnd: random.Random, count: int) -> list[str]:
    """`count` distinct valid NHS numbers from the test range 999 000 0000–999 999 9999."""
    seen: set[int] = set()
    numbers: list[str] = []
    while len(numbers) < count:
        stem = rnd.randrange(1_000_000)
        if stem in seen:
            continue
        seen.add(stem)
        nine = f"999{stem:06d}"
        digit = check_digit(nine)
        if digit is not None:  # 10 means no valid number ends these nine digits
            numbers.append(f"{nine}{digit}")
    return numbers


def _staff(conn: sa.Connection) -> tuple[Team, int]:
    """The demo team (an existing login is reused), and how many rows were added."""
    table = table_of(Staff)
    existing = dict(conn.execute(sa.select(table.c.login, table.c.id)).all())
    next_id = bulk.next_id(conn, table)
    rows = []
    ids: dict[Role, list[int]] = {role: [] for role in Role}
    for login, name, role in demo_data.STAFF:
        staff_id = existing.get(login)
        if staff_id is None:
            staff_id = next_id
            next_id += 1
            rows.append((staff_id, login, name, role.value))
        ids[role].append(staff_id)
    bulk.insert_many(conn, table, ("id", "login", "name", "roles"), rows)
    team = Team(
        clinicians=tuple(ids[Role.CLINICIAN]),
        workers=tuple(ids[Role.RECOVERY_WORKER]),
    )
    return team, len(rows)


def _practice(conn: sa.Connection) -> None:
    table = table_of(PracticeSettings)
    values = {**demo_data.PRACTICE, "is_demo": True}
    if conn.execute(sa.select(table.c.id).where(table.c.id == 1)).first():
        conn.execute(
            table.update().where(table.c.id == 1).values(**values, version=table.c.version + 1)
        )
    else:
        conn.execute(table.insert().values(id=1, **values))


def _resources(conn: sa.Connection) -> list[tuple[int, str]]:
    """The directory, as (id, kind) pairs for linking patients."""
    table = table_of(Resource)
    first = bulk.next_id(conn, table)
    rows = [
        (first + i, kind.value, name, fold_key(name)[:120], where, when, contact)
        for i, (kind, name, where, when, contact) in enumerate(demo_data.RESOURCES)
    ]
    columns = ("id", "kind", "name", "name_key", "where", "when", "contact")
    bulk.insert_many(conn, table, columns, rows)
    return [(row[0], row[1]) for row in rows]


def _pharmacies(conn: sa.Connection) -> None:
    """The pharmacy directory: ids 1… in the order of `PHARMACIES` (an empty database)."""
    table = table_of(Pharmacy)
    rows = [
        (n, name, fold_key(name)[:80], line, "", town, postcode, phone)
        for n, (name, (line, town, postcode, phone)) in enumerate(
            zip(demo_data.PHARMACIES, demo_data.PHARMACY_ADDRESSES, strict=True), start=1
        )
    ]
    columns = ("id", "name", "name_key", "address_line_1", "address_line_2", "town")
    bulk.insert_many(conn, table, (*columns, "postcode", "phone"), rows)
