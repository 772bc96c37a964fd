"""The list's search at the query level: order, paging across both name branches, no repeats."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from console.services import Services
from console.services.careplan_dto import AgreeInput, GoalInput
from console.services.dto import PatientInput, PatientRow, PrescriptionInput
from console.services.errors import Forbidden
from console.services.health_dto import HealthInput
from db.queries import patients as queries
from tests.conftest import StaffFactory
from tests.services.concurrent_writer import nhs_for

PEOPLE = [
    ("Smith", "Jo"),
    ("Smith", "Adam"),
    ("Smithson", "Leah"),
    ("Jones", "Smita"),  # given name matches "smi"
    ("Ahmed", "Smilla"),
    ("Smart", "Kieran"),
    ("Brown", "Sam"),
]


def register_all(services: Services) -> None:
    for n, (family, given) in enumerate(PEOPLE):
        services.patients.register(PatientInput(nhs_for(n), family, given, "01/01/1980"))


def names(rows: tuple[object, ...]) -> list[str]:
    return [f"{r.family_name}, {r.given_name}" for r in rows]  # type: ignore[attr-defined]


def test_one_word_lists_family_matches_then_given_matches(services: Services) -> None:
    register_all(services)
    page = services.patients.search("smi")
    assert names(page.rows) == [
        "Smith, Adam",
        "Smith, Jo",
        "Smithson, Leah",
        "Ahmed, Smilla",
        "Jones, Smita",
    ]


def test_paging_walks_both_branches_without_repeats_or_gaps(services: Services) -> None:
    register_all(services)
    seen: list[str] = []
    after = None
    while True:
        page = services.patients.search("sm", limit=2, after=after)
        seen += names(page.rows)
        if not page.more:
            break
        after = page.rows[-1].sort_key
    assert seen == [
        "Smart, Kieran",
        "Smith, Adam",
        "Smith, Jo",
        "Smithson, Leah",
        "Ahmed, Smilla",
        "Jones, Smita",
    ]


def test_paging_a_date_of_birth_search_ends(services: Services) -> None:
    register_all(services)
    first = services.patients.search("01/01/1980", limit=4)
    rest = services.patients.search("01/01/1980", limit=4, after=first.rows[-1].sort_key)
    assert len(first.rows) == 4 and first.more
    assert len(rest.rows) == 3 and not rest.more
    assert not set(names(first.rows)) & set(names(rest.rows))


def test_filters_combine_with_search(services: Services) -> None:
    register_all(services)
    assert services.patients.search("smi", statuses=("discharged",)).rows == ()
    assert len(services.patients.search("smi", statuses=("in_treatment",)).rows) == 5


# -- filters and the next-review order --------------------------------------------------
TODAY = dt.date(2026, 11, 23)  # the FixedClock's day


def _plan(gp: Services, pid: int) -> None:
    view = gp.careplans.open(pid)
    view = gp.careplans.add_goal(
        pid, view.plan_id, view.row_version, GoalInput("housing", "a home", owner="them")
    )
    gp.careplans.agree(pid, view.plan_id, view.row_version, AgreeInput("01/11/2026", "them"))


@pytest.fixture
def caseload(services: Services, as_staff: StaffFactory) -> Services:
    """PEOPLE with review dates, keyworkers and one flag of each kind on some of them, each
    recorded as staff would (a start review is due 28 days after the episode starts)."""
    me = services.staff.id
    mine = {("Smith", "Jo"), ("Jones", "Smita"), ("Smart", "Kieran")}
    ids = {}
    for n, (family, given) in enumerate(PEOPLE):
        worker = me if (family, given) in mine else None
        data = PatientInput(nhs_for(n), family, given, "01/01/1980", keyworker_id=worker)
        ids[family, given] = services.patients.register(data).id
    gp = as_staff("clinician", login="gp")
    for pid in ids.values():  # hepatitis B immune, so H means only what is set below
        gp.health.record(pid, HealthInput("hep_b_status", dt.date(2020, 1, 1), "already_immunised"))
    for who, start in (
        (("Smith", "Jo"), TODAY - dt.timedelta(days=40)),  # overdue 12 days
        (("Smith", "Adam"), TODAY),  # due in 28 days
        (("Smithson", "Leah"), TODAY - dt.timedelta(days=25)),  # due in 3 days
        (("Jones", "Smita"), TODAY - dt.timedelta(days=29)),  # overdue 1 day
    ):
        gp.episodes.start(ids[who], start)
        _plan(gp, ids[who])  # no "no agreed care plan" R flag
    kieran = ids["Smart", "Kieran"]  # C: completed treatment three months ago today
    gp.episodes.start(kieran, dt.date(2026, 1, 5))
    gp.episodes.end(kieran, dt.date(2026, 8, 23), "80")
    sam = ids["Brown", "Sam"]  # H: on OST, no naloxone
    gp.episodes.change_prescription(
        sam, PrescriptionInput("methadone_oral", 40, dispensing="supervised")
    )
    return services


def test_keyworker_filter_alone_and_with_a_search(caseload: Services) -> None:
    me = caseload.staff.id
    assert names(caseload.patients.search("", keyworker_id=me).rows) == [
        "Jones, Smita",
        "Smart, Kieran",
        "Smith, Jo",
    ]
    assert names(caseload.patients.search("smit", keyworker_id=me).rows) == [
        "Smith, Jo",
        "Jones, Smita",
    ]
    row = caseload.patients.search("smith jo").rows[0]
    assert row.keyworker == caseload.staff.name  # the wide list's keyworker column


def test_overdue_filter_alone_and_with_a_search(caseload: Services) -> None:
    assert names(caseload.patients.search("", overdue=True).rows) == [
        "Jones, Smita",
        "Smith, Jo",
    ]
    assert names(caseload.patients.search("smith", overdue=True).rows) == ["Smith, Jo"]
    soon = caseload.patients.search("", due_within_days=28, overdue=True)
    assert names(soon.rows) == ["Jones, Smita", "Smith, Jo"]  # overdue narrows "due soon"


def test_flagged_filter_alone_and_combined(caseload: Services) -> None:
    flagged = caseload.patients.search("", flagged=True)
    assert names(flagged.rows) == [
        "Brown, Sam",  # H: on OST, no naloxone
        "Jones, Smita",  # R
        "Smart, Kieran",  # C
        "Smith, Jo",  # R
    ]
    assert all(r.flags for r in flagged.rows)
    assert names(caseload.patients.search("sm", flagged=True).rows) == [
        "Smart, Kieran",
        "Smith, Jo",
        "Jones, Smita",
    ]
    me = caseload.staff.id
    both = caseload.patients.search("smi", flagged=True, keyworker_id=me, by_review=True)
    assert names(both.rows) == ["Smith, Jo", "Jones, Smita"]


def test_flagged_in_sql_agrees_with_the_flag_rules(populated_db: Services) -> None:
    """The SQL twin of list_flags picks exactly the patients the list shows a flag for."""
    everyone = _walk(populated_db, limit=500)
    with_flag = {r.id for r in everyone if r.flags}
    assert 0 < len(with_flag) < len(everyone)
    assert {r.id for r in _walk(populated_db, flagged=True, limit=7)} == with_flag


def test_deceased_patients_are_never_flagged(caseload: Services, as_staff: StaffFactory) -> None:
    (jo,) = [r.id for r in caseload.patients.search("smith jo").rows]
    as_staff("clinician").deaths.record(jo, TODAY - dt.timedelta(days=2))
    assert "Smith, Jo" not in names(caseload.patients.search("", flagged=True).rows)


def test_next_review_order_pages_through_dated_then_undated(caseload: Services) -> None:
    seen = _walk(caseload, by_review=True, limit=2)
    assert names(tuple(seen)) == [
        "Smith, Jo",  # overdue 12 days
        "Jones, Smita",  # overdue 1 day
        "Smithson, Leah",  # in 3 days
        "Smith, Adam",  # in 28 days
        "Ahmed, Smilla",  # no date: by name
        "Brown, Sam",
        "Smart, Kieran",
    ]


@pytest.mark.parametrize("scan_from", [4000, 1], ids=["sorted-matches", "date-index-walk"])
def test_next_review_order_with_one_word_matches_family_or_given(
    caseload: Services, monkeypatch: pytest.MonkeyPatch, scan_from: int
) -> None:
    """Both plans (sort the name matches; walk the date index) give the same pages."""
    monkeypatch.setattr(queries, "SCAN_FROM", scan_from)
    seen = _walk(caseload, "smi", by_review=True, limit=2)
    assert names(tuple(seen)) == [
        "Smith, Jo",
        "Jones, Smita",  # a given-name match, in date order among the family matches
        "Smithson, Leah",
        "Smith, Adam",
        "Ahmed, Smilla",
    ]


def test_the_date_index_walk_is_chosen_for_common_prefixes(
    caseload: Services, monkeypatch: pytest.MonkeyPatch, engine: Engine
) -> None:
    with engine.connect() as conn:
        session = Session(bind=conn)
        params = {"either": "smi", "either_end": "smi" + queries.TOP}
        assert not queries._many_name_matches(session, params)  # type: ignore[arg-type]
        monkeypatch.setattr(queries, "SCAN_FROM", 3)
        assert queries._many_name_matches(session, params)  # type: ignore[arg-type]
        family = {"family": "smith", "family_end": "smith" + queries.TOP}
        assert queries._many_name_matches(session, family)  # type: ignore[arg-type]
        both = {**family, "given": "j", "given_end": "j" + queries.TOP}
        assert not queries._many_name_matches(session, both)  # type: ignore[arg-type]


def test_next_review_order_is_indexed(services: Services, engine: Engine) -> None:
    """No temporary sort of the register for a page in next-review order."""
    if engine.dialect.name != "sqlite":
        pytest.skip("query plans checked on SQLite")
    for shape, values in ((("limit",), {}), (("limit", "statuses"), {"statuses": ["x"]})):
        stmt = queries._statement(shape, "due", True)
        compiled = stmt.compile(engine)
        params = compiled.construct_params(dict(values, limit=61, k1=TODAY, k2=1))
        flat: list[object] = []
        for name in compiled.positiontup or ():
            value = params[name]
            flat += value if isinstance(value, list) else [value]
        sql = str(compiled).replace("(__[POSTCOMPILE_statuses])", "(?)")
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, tuple(flat)).all()
        text = " ".join(str(r[-1]) for r in plan)
        assert "TEMP B-TREE" not in text, text
        assert "next_review" in text, text


def test_reception_cannot_filter_by_flags_and_sees_no_ost(
    caseload: Services, as_staff: StaffFactory
) -> None:
    reception = as_staff("reception")
    with pytest.raises(Forbidden):
        reception.patients.search("", flagged=True)
    rows = reception.patients.search("brown").rows
    assert rows[0].medicine is None and rows[0].dose_mg is None
    assert rows[0].flags == ""  # H is clinical; reception sees only R
    smith = reception.patients.search("smith jo").rows[0]
    assert smith.flags == "R"


def _walk(services: Services, text: str = "", *, limit: int, **filters: object) -> list[PatientRow]:
    seen: list[PatientRow] = []
    after = None
    while True:
        page = services.patients.search(text, limit=limit, after=after, **filters)  # type: ignore[arg-type]
        seen += page.rows
        if not page.more:
            break
        after = page.rows[-1].sort_key
    assert len({r.id for r in seen}) == len(seen), "a row repeated across pages"
    return seen


@pytest.fixture
def populated_db(services: Services) -> Services:
    services.demo.load(60, seed=1)
    return services
