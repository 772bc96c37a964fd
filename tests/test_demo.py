"""The demo caseload: deterministic for a seed, valid, and with patient-row caches that
agree with the history they summarise (recomputed here independently, patient by patient)."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import defaultdict
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pendulum
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from console.clock import FixedClock
from console.demo import DemoSummary, generate
from console.rules import validate
from console.rules.names import fold_key
from console.rules.nhs_number import is_valid
from console.rules.ost import continuous_start
from console.services import Services
from db.engine import make_engine, writer
from db.models import Episode, Resource, Staff, table_of

TODAY = pendulum.date(2026, 11, 23)
AT = pendulum.datetime(2026, 11, 23, 10, tz="Europe/London")
PATIENTS = 500
STATUSES = ("in_treatment", "post_exit_checkups", "discharged", "deceased")


def build(template: Path, folder: Path, *, patients: int, seed: int) -> tuple[Engine, DemoSummary]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"demo-{seed}-{patients}.db"
    shutil.copyfile(template, path)
    path.chmod(0o600)
    engine = make_engine(path, create=False)
    owner = _owner(engine, "admin", "clinician")
    with writer(engine).begin() as conn:
        summary = generate(conn, patients=patients, seed=seed, today=TODAY, owner_staff_id=owner)
    return engine, summary


def _owner(engine: Engine, *roles: str) -> int:
    """The practice's first account (its admin), made as the console makes it."""
    services = Services(engine, login="owner", clock=FixedClock(AT))
    services.identify()
    if set(roles) != {"admin"}:
        services.staff_admin.set("owner", roles=list(roles))
    return services.staff.id


def rows(engine: Engine, sql: str) -> list[Any]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text(sql)).all())


def d(value: Any) -> dt.date | None:
    """SQLite hands dates back as text through a raw query."""
    return None if value is None else dt.date.fromisoformat(str(value))


def months(value: dt.date, n: int) -> dt.date:
    return pendulum.date(value.year, value.month, value.day).add(months=n)


@pytest.fixture(scope="module")
def demo(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, DemoSummary]]:
    engine, summary = build(
        sqlite_template, tmp_path_factory.mktemp("demo"), patients=PATIENTS, seed=3
    )
    yield engine, summary
    engine.dispose()


TABLES = ("patient", "episode", "prescription", "review", "top_score", "barc10", "goal",
          "goal_status_event", "health_check", "linkage", "family_member")  # fmt: skip


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(
    sqlite_template: Path, tmp_path: Path
) -> None:
    first, _ = build(sqlite_template, tmp_path / "a", patients=120, seed=11)
    again, _ = build(sqlite_template, tmp_path / "b", patients=120, seed=11)
    other, _ = build(sqlite_template, tmp_path / "c", patients=120, seed=12)
    for table in TABLES:
        sql = f"SELECT * FROM {table} ORDER BY id"
        assert rows(first, sql) == rows(again, sql), table
    sql = "SELECT nhs_number, family_name, date_of_birth FROM patient ORDER BY id"
    assert rows(first, sql) != rows(other, sql)
    for engine in (first, again, other):
        engine.dispose()


def test_summary_counts_what_was_written(demo: tuple[Engine, DemoSummary]) -> None:
    engine, summary = demo
    assert summary.patients == PATIENTS == rows(engine, "SELECT count(*) FROM patient")[0][0]
    assert summary.reviews == rows(engine, "SELECT count(*) FROM review")[0][0]
    assert summary.staff == rows(engine, "SELECT count(*) FROM staff")[0][0] - 1
    assert summary.resources == rows(engine, "SELECT count(*) FROM resource")[0][0] >= 8
    # Roughly 7.7 reviews a patient, so 260,000 patients make about 2,000,000 reviews.
    assert 6.8 <= summary.reviews / summary.patients <= 8.6


def test_practice_staff_and_resources(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    [(name, ods, demo_flag, phone, address)] = rows(
        engine, "SELECT name, ods_code, is_demo, phone, address FROM practice_settings"
    )
    assert (name, ods, demo_flag) == ("Moorside Surgery (DEMO)", "B86001", 1)
    assert phone and address
    staff = rows(engine, "SELECT login, roles FROM staff WHERE id > 1")
    assert {roles for _, roles in staff} == {"clinician", "recovery_worker", "reception"}
    assert all(login.startswith("demo.") for login, _ in staff)
    resources = rows(engine, 'SELECT kind, name, name_key, "where", "when", contact FROM resource')
    kinds = {kind for kind, *_ in resources}
    assert {"smart_recovery", "narcotics_anonymous", "cocaine_anonymous"} <= kinds
    assert {"alcoholics_anonymous", "family_support", "recovery_community"} <= kinds
    assert {"housing", "employment_training"} <= kinds
    for _, name, key, where, when, contact in resources:
        assert key == fold_key(name)[:120] and where and when and contact


def test_an_existing_practice_row_is_updated(sqlite_template: Path, tmp_path: Path) -> None:
    path = tmp_path / "named.db"
    shutil.copyfile(sqlite_template, path)
    path.chmod(0o600)
    engine = make_engine(path, create=False)
    owner = _owner(engine, "admin")
    # Named at first run, before any demonstration data.
    Services(engine, login="owner", clock=FixedClock(AT)).practice.set_up("Old name")
    with writer(engine).begin() as conn:
        generate(conn, patients=5, seed=1, today=TODAY, owner_staff_id=owner)
    assert rows(engine, "SELECT id, name, is_demo, version FROM practice_settings") == [
        (1, "Moorside Surgery (DEMO)", 1, 2)
    ]
    engine.dispose()


def test_patients_are_valid_and_marked_demo(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    patients = rows(
        engine,
        "SELECT nhs_number, family_name, given_name, family_key, given_key, date_of_birth, "
        "postcode, phone, email, status, is_demo, injecting_status FROM patient",
    )
    numbers = [p.nhs_number for p in patients]
    assert len(set(numbers)) == len(numbers)
    assert all(n.startswith("999") and is_valid(n) for n in numbers)
    for p in patients:
        assert p.family_key == fold_key(p.family_name) and p.given_key == fold_key(p.given_name)
        assert dt.date(1955, 1, 1) <= d(p.date_of_birth) <= dt.date(2002, 12, 31)  # type: ignore[operator]
        assert validate.postcode(p.postcode) == p.postcode
        assert validate.phone(p.phone) == p.phone and validate.email(p.email) == p.email
        assert p.is_demo == 1
        assert p.injecting_status in {"never", "previously", "currently", "declined"}
    statuses = {status: sum(p.status == status for p in patients) for status in STATUSES}
    assert statuses["in_treatment"] > 0.75 * PATIENTS
    assert statuses["post_exit_checkups"] and statuses["discharged"]
    names = [f"{p.given_name} {p.family_name}" for p in patients]
    assert any(not name.isascii() for name in names) and any("'" in name for name in names)


def test_one_open_episode_for_each_patient_in_treatment(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    found = rows(
        engine,
        "SELECT p.status, (SELECT count(*) FROM episode e "
        "WHERE e.patient_id = p.id AND e.end_date IS NULL) FROM patient p",
    )
    for status, open_episodes in found:
        assert open_episodes == (1 if status == "in_treatment" else 0)
    exits = rows(
        engine,
        "SELECT p.status, e.exit_reason FROM episode e JOIN patient p ON p.id = e.patient_id "
        "WHERE e.end_date IS NOT NULL AND e.id = (SELECT max(id) FROM episode x "
        "WHERE x.patient_id = p.id)",
    )
    for status, reason in exits:
        if status == "post_exit_checkups":
            assert reason in {"80", "81", "82"}
        if status == "deceased":
            assert reason == "89"


def test_reviews_are_finalised_with_their_measures(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    reviews = rows(
        engine,
        "SELECT r.kind, r.review_date, r.next_review_date, r.status, r.ost_decision, "
        "r.ost_rationale, b.total, b.q1 + b.q2 + b.q3 + b.q4 + b.q5 + b.q6 + b.q7 + b.q8 + "
        "b.q9 + b.q10, t.id FROM review r JOIN barc10 b ON b.review_id = r.id "
        "JOIN top_score t ON t.review_id = r.id",
    )
    assert len(reviews) == rows(engine, "SELECT count(*) FROM review")[0][0]
    for kind, date, next_date, status, decision, rationale, total, summed, _ in reviews:
        assert status == "finalised" and total == summed and 10 <= total <= 60
        if kind in ("start", "strategic"):
            assert d(next_date) == months(d(date), 6)  # type: ignore[arg-type]
        if decision == "continue_maintenance":
            assert rationale
    tested = rows(engine, "SELECT count(*) FROM drug_test")[0][0]
    assert 0.3 * len(reviews) < tested < 0.6 * len(reviews)
    drift = rows(
        engine,
        "SELECT count(*) FROM patient WHERE current_medicine != '' AND "
        "ost_continuous_start <= '2024-11-23' AND last_ost_decision IN ('', 'pending')",
    )
    assert drift[0][0] > 0


def test_dose_history_is_a_chain(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    by_patient: dict[int, list[Any]] = defaultdict(list)
    for row in rows(
        engine,
        "SELECT patient_id, medicine, dose_mg, interval, start_date, end_date FROM prescription "
        "ORDER BY patient_id, start_date",
    ):
        by_patient[row[0]].append(row)
    limits = {"methadone_oral": (20, 120), "buprenorphine_sublingual": (4, 24)}
    for history in by_patient.values():
        assert 1 <= len(history) <= 5
        assert sum(1 for row in history if row[5] is None) <= 1
        for before, after in pairwise(history):
            assert before[5] is not None and d(before[5]) <= d(after[4])  # type: ignore[operator]
        for _, medicine, dose, interval, *_ in history:
            low, high = limits.get(medicine, (8, 160))
            assert low <= dose <= high
            assert (interval == "daily") == (medicine != "buprenorphine_prolonged_release")


def test_caches_agree_with_history(demo: tuple[Engine, DemoSummary]) -> None:
    engine, _ = demo
    assert_caches_agree(engine, PATIENTS)


def test_every_backend_and_ids_carry_on_after_it(engine: Engine) -> None:
    """SQLite, and PostgreSQL when TEST_DATABASE_URL is set: the same rows go in, and a
    row added afterwards without an id gets a fresh one (the sequences were moved on)."""
    owner = _owner(engine, "admin")
    with writer(engine).begin() as conn:
        summary = generate(conn, patients=80, seed=5, today=TODAY, owner_staff_id=owner)
    assert summary.patients == 80 and summary.reviews > 400
    assert_caches_agree(engine, 80)
    # Plain inserts without an id are the check here (the sequences), not a state set up.
    with writer(engine).begin() as conn:
        for model, values in (
            (Staff, {"login": "later", "name": "Later", "roles": "reception"}),
            (Resource, {"kind": "other", "name": "Later", "name_key": "later"}),
            (Episode, {"patient_id": 1, "start_date": dt.date(2026, 11, 1), "end_date": TODAY}),
        ):
            table = table_of(model)
            highest = conn.execute(sa.select(sa.func.max(table.c.id))).scalar()
            added = conn.execute(table.insert().values(**values)).inserted_primary_key
            assert added[0] == highest + 1


def assert_caches_agree(engine: Engine, patients: int) -> None:
    expected = recompute(engine)
    columns = list(next(iter(expected.values())))
    stored = rows(engine, f"SELECT id, {', '.join(columns)} FROM patient")
    assert len(stored) == len(expected) == patients
    for pid, *values in stored:
        found = {
            name: (d(v) if name not in TEXT_CACHES else v)
            for name, v in zip(columns, values, strict=True)
        }
        assert found == expected[pid], pid


TEXT_CACHES = {"last_ost_decision", "current_medicine", "current_dose_mg", "last_barc10_total"}


def recompute(engine: Engine) -> dict[int, dict[str, Any]]:
    """Every cache from the history tables, with the product's own rules where they exist."""
    queries = {
        "episode": "SELECT patient_id, id, start_date, end_date FROM episode ORDER BY start_date",
        "review": "SELECT r.patient_id, r.kind, r.review_date, r.episode_id, r.ost_decision, "
        "b.total FROM review r LEFT JOIN barc10 b ON b.review_id = r.id "
        "WHERE r.status = 'finalised' ORDER BY r.review_date, r.id",
        "rx": "SELECT patient_id, medicine, dose_mg, start_date, end_date FROM prescription "
        "ORDER BY start_date",
        "health": "SELECT patient_id, kind, check_date, result FROM health_check "
        "ORDER BY check_date, id",
        "link": "SELECT patient_id, follow_up_date, outcome FROM linkage",
        "plan": "SELECT c.patient_id, c.agreed_on, g.domain, g.status FROM care_plan c "
        "JOIN goal g ON g.care_plan_id = c.id WHERE c.status = 'agreed'",
    }
    group: dict[str, dict[int, list[Any]]] = {}
    for name, sql in queries.items():
        group[name] = defaultdict(list)
        for row in rows(engine, sql):
            group[name][row[0]].append(row[1:])
    return {
        pid: caches(status, *(group[name][pid] for name in queries))
        for pid, status in rows(engine, "SELECT id, status FROM patient")
    }


def caches(
    status: str, eps: list[Any], reviews: list[Any], rx: list[Any], health: list[Any],
    links: list[Any], plan: list[Any],
) -> dict[str, Any]:  # fmt: skip
    open_ep = next((e for e in eps if e[2] is None), None)
    due = None
    if status == "in_treatment":  # six months after the latest start/strategic review
        assert open_ep is not None
        kinds = ("start", "strategic")
        anchors = [d(r[1]) for r in reviews if r[2] == open_ep[0] and r[0] in kinds]
        start = d(open_ep[1])
        assert start is not None
        due = months(anchors[-1], 6) if anchors else start + dt.timedelta(days=28)  # type: ignore[arg-type]
    strategic = [r for r in reviews if r[0] == "strategic"]
    current = [x for x in rx if x[3] is None]
    periods = [(d(x[2]), d(x[3])) for x in rx]
    checkup = None
    if status == "post_exit_checkups":  # the first of exit + 3, 6 … 24 months not yet held
        end = d(eps[-1][2])
        assert end is not None
        held = {d(r[1]) for r in reviews if r[0] == "post_exit_checkup"}
        checkup = next(months(end, 3 * k) for k in range(1, 9) if months(end, 3 * k) not in held)
    open_links = [d(f) for f, outcome in links if outcome in ("", "not_yet")]
    live = [x for x in plan if x[1] == "substance_use" and x[2] != "dropped"]
    totals = [r[4] for r in reviews if r[4] is not None]
    injecting = [x for x in health if x[0] == "injecting_status"]

    def last(kinds: set[str], results: set[str] | None = None) -> dt.date | None:
        dates = [x[1] for x in health if x[0] in kinds and (results is None or x[2] in results)]
        return d(dates[-1]) if dates else None

    if status in ("discharged", "deceased"):
        assert not current and not open_links
    return {
        "next_review_due": due,
        "last_strategic_review": d(strategic[-1][1]) if strategic else None,
        "last_ost_decision": strategic[-1][3] if strategic else "",
        "episode_start": d(open_ep[1]) if open_ep else None,
        "ost_continuous_start": continuous_start(periods, TODAY),  # type: ignore[arg-type]
        "current_medicine": current[0][0] if current else "",
        "current_dose_mg": current[0][1] if current else None,
        "last_barc10_total": totals[-1] if totals else None,
        "last_naloxone": last({"naloxone"}),
        "last_hcv_test": last({"hcv_antibody", "hcv_rna"}),
        "hbv_course_completed": last({"hep_b_dose"}, {"3"}),
        "injecting_recorded": d(injecting[-1][1]) if injecting[-1][2] == "currently" else None,
        "next_checkup_due": checkup,
        "next_linkage_followup": min(open_links) if open_links else None,
        "agreed_plan_substance_goal": d(plan[0][0]) if live else None,
    }
