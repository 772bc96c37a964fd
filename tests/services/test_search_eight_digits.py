"""Eight digits typed in the list's search that form a valid date are searched as a date
of birth and as an NHS-number prefix, and both kinds of match are listed (issue 13)."""

from __future__ import annotations

from console.services import Services
from console.services.dto import PatientInput


def test_eight_digits_find_a_birthday_and_an_nhs_prefix(services: Services) -> None:
    born = services.patients.register(PatientInput("943 476 5919", "Born", "Jo", "10/11/1980"))
    prefix = services.patients.register(PatientInput("101 119 8002", "Prefix", "Al", "01/02/1970"))
    other = services.patients.register(PatientInput("401 023 2137", "Other", "Bo", "02/02/1972"))
    found = {r.id for r in services.patients.search("10111980").rows}
    assert born.id in found and other.id not in found
    assert prefix.id in found  # NHS number 101 119 80…: its prefix
    assert {r.id for r in services.patients.search("10/11/1980").rows} == {born.id}
