"""Administration through the services: practice details (checked, audited, the time zone
really used by the clock) and staff (titles, last activity, never without an admin)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pendulum
import pytest
from sqlalchemy.engine import Engine

from console.clock import FixedClock
from console.services import Services
from console.services.dto import PatientInput, PracticeInput
from console.services.errors import Forbidden, Invalid, Stale

DETAILS = PracticeInput(
    name="Moorside Surgery",
    address="12 Moor Lane\nWakefield\nWF1 2AB",
    phone="01924 000111",
    email="reception@moorside.example.nhs.uk",
    ods_code="b86001",
    signature="Dr A Rahman\nGP partner",
    accessibility="This letter is available in large print, easy read or another language.",
    barc10_fall_threshold="6",
    idle_minutes="10",
    timezone="Europe/London",
)


def details(engine: Engine, action: str) -> list[str]:
    """What the audit log recorded for an action (read only, to check it)."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT detail FROM audit_event WHERE action = %s ORDER BY id"
            if engine.dialect.name == "postgresql"
            else "SELECT detail FROM audit_event WHERE action = ? ORDER BY id",
            (action,),
        )
        return [str(r[0]) for r in rows]


def test_practice_details_are_checked_then_saved_and_audited(
    services: Services, engine: Engine
) -> None:
    services.practice.set_up("Moorside")
    version = services.practice.get().version
    saved = services.practice.update(DETAILS, version)
    assert saved.ods_code == "B86001"  # upper-cased
    assert saved.address == "12 Moor Lane\nWakefield\nWF1 2AB"
    assert saved.accessibility.startswith("This letter is available")
    assert services.practice.get() == saved
    [detail] = details(engine, "practice.update")
    assert "ods_code" in detail and "Moor Lane" not in detail  # fields named, no values


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("ods_code", "B8600", "a letter then five digits"),
        ("ods_code", "886001", "a letter then five digits"),
        ("email", "reception-at-moorside", "an email address"),
        ("phone", "call us", "digits and spaces"),
        ("timezone", "Europe/Londn", "IANA time zone"),
        ("timezone", "", "IANA time zone"),
        ("barc10_fall_threshold", "0", "from 1 to 50"),
        ("idle_minutes", "1e3", "from 1 to 240"),
        ("idle_minutes", "241", "from 1 to 240"),
        ("name", "   ", "name is required"),
        ("name", "x" * 121, "at most 120"),
        ("address", "1 Lane\x00", "control character"),
    ],
)
def test_bad_practice_details_are_refused_beside_the_field(
    services: Services, field: str, value: str, message: str
) -> None:
    services.practice.set_up("Moorside")
    before = services.practice.get()
    with pytest.raises(Invalid) as refused:
        services.practice.update(replace(DETAILS, **{field: value}), before.version)
    assert message in refused.value.errors[field]
    assert services.practice.get() == before  # nothing half-written


def test_practice_details_need_an_admin_and_a_current_version(
    services: Services, engine: Engine, clock: FixedClock
) -> None:
    services.practice.set_up("Moorside")
    services.staff_admin.add("nurse", "Nia Nurse", ["clinician"])
    nurse = Services(engine, login="nurse", clock=clock)
    nurse.identify()
    with pytest.raises(Forbidden, match="admin"):
        nurse.practice.update(DETAILS, nurse.practice.get().version)
    version = services.practice.get().version
    services.practice.update(DETAILS, version)
    with pytest.raises(Stale):
        services.practice.update(replace(DETAILS, phone="01924 999999"), version)


def test_the_clock_keeps_the_practice_time_zone(engine: Engine) -> None:
    # 03:00 on 2 Dec in London is still 1 Dec in New York.
    at = pendulum.datetime(2026, 12, 2, 3, 0, tz="UTC")
    admin = Services(engine, login="tester", clock=FixedClock(at))
    admin.identify()
    admin.practice.set_up("Moorside")
    assert admin.clock.today() == dt.date(2026, 12, 2)
    version = admin.practice.get().version
    admin.practice.update(replace(DETAILS, timezone="America/New_York"), version)
    assert admin.clock.today() == dt.date(2026, 12, 1)
    # A console started afterwards reads the zone at start-up.
    admin.staff_admin.add("gp1", "Dr Aisha Rahman", ["clinician"], title="GP")
    later = Services(engine, login="gp1", clock=FixedClock(at))
    later.identify()
    assert later.clock.today() == dt.date(2026, 12, 1)
    patient = later.patients.register(
        PatientInput("943 476 5919", "Quarrington", "Leah", "12/03/1980")
    )
    with pytest.raises(Invalid, match="future"):
        later.episodes.start(patient.id, dt.date(2026, 12, 2))
    later.episodes.start(patient.id, dt.date(2026, 12, 1))
    draft = later.reviews.start(patient.id, "start")
    assert draft.rule_next_due == dt.date(2027, 6, 1)  # six months from New York's today


def test_staff_titles_and_last_activity(services: Services) -> None:
    member = services.staff_admin.add("gp1", "Dr Aisha Rahman", ["clinician"], title="GP")
    assert member.title == "GP"
    services.staff_admin.set("gp1", title="GP partner")
    listing = {row.member.login: row for row in services.staff_admin.listing()}
    assert listing["gp1"].member.title == "GP partner"
    assert listing["gp1"].last_active == ""  # never used the console
    assert listing["tester"].last_active.startswith("23 Nov 2026")
    with pytest.raises(Invalid) as refused:
        services.staff_admin.add("x", "X", ["clinician"], title="t" * 61)
    assert "at most 60" in refused.value.errors["title"]


def test_the_last_active_admin_cannot_be_demoted_or_deactivated(services: Services) -> None:
    services.staff_admin.add("nurse", "Nia Nurse", ["clinician", "admin"])
    services.staff_admin.set("nurse", active=False)  # an inactive admin does not count
    with pytest.raises(Invalid, match="last active admin"):
        services.staff_admin.set("tester", roles=["clinician"])
    with pytest.raises(Invalid, match="last active admin"):
        services.staff_admin.set("tester", active=False)
    assert services.refresh_staff().roles_text == "admin"
    services.staff_admin.add("pm", "Pat Manager", ["admin"], title="Practice manager")
    services.staff_admin.set("tester", roles=["clinician"])  # another admin remains
    assert services.refresh_staff().roles_text == "clinician"
