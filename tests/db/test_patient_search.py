"""The list's search at the query level: order, paging across both name branches, no repeats."""

from __future__ import annotations

from console.services import Services
from console.services.dto import PatientInput
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
