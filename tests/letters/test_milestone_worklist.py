"""The worklist lists recovery milestones coming up (six months, one, two, five, ten
years…), so the milestone letter can go on time; never one between milestones."""

from __future__ import annotations

from console.services.dto import PatientInput
from tests.conftest import StaffFactory
from tests.letters.conftest import Caseload


def _started(caseload: Caseload, nhs: str, family: str, start: str) -> int:
    services = caseload.services
    record = services.patients.register(
        PatientInput(nhs, family, "Sam", "01/01/1980", town="Wakefield", recovery_start=start)
    )
    return record.id


def test_milestones_coming_up_are_listed_with_their_day(caseload: Caseload) -> None:
    year = _started(caseload, "9434765838", "Yearling", "10/12/2025")  # one year on 10 Dec
    half = _started(caseload, "9434765811", "Halfway", "01/06/2026")  # six months on 1 Dec
    between = _started(caseload, "9434765803", "Between", "01/01/2023")  # four years: none
    later = _started(caseload, "9434765897", "Later", "30/01/2022")  # five years: 30 Jan
    found = {i.patient_id: i for i in caseload.services.worklist.items(28).items}
    assert "milestone: one year" in found[year].reasons
    assert str(found[year].due) == "2026-12-10"
    assert "milestone: six months" in found[half].reasons and str(found[half].due) == "2026-12-01"
    assert between not in found or not any("milestone" in r for r in found[between].reasons)
    assert later not in found  # beyond the 28 days asked for
    wider = {i.patient_id: i for i in caseload.services.worklist.items(70).items}
    assert "milestone: five years" in wider[later].reasons


def test_reception_sees_no_milestones(caseload: Caseload, as_staff: StaffFactory) -> None:
    _started(caseload, "9434765838", "Yearling", "10/12/2025")
    reception = as_staff("reception")
    items = reception.worklist.items(28).items
    assert not any("milestone" in r for i in items for r in i.reasons)
