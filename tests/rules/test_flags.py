from __future__ import annotations

import pendulum

from console.rules.flags import ListCaches, drift_reasons, list_flags

TODAY = pendulum.date(2026, 11, 23)


def caches(**changes: object) -> ListCaches:
    base: dict[str, object] = dict(
        status="in_treatment",
        next_review_due=pendulum.date(2027, 3, 1),
        current_medicine="methadone_oral",
        ost_continuous_start=pendulum.date(2025, 6, 1),
        last_strategic_review=pendulum.date(2026, 9, 1),
        last_ost_decision="reduce",
        agreed_plan_substance_goal=pendulum.date(2026, 9, 1),
        last_naloxone=pendulum.date(2026, 5, 1),
        last_hcv_test=None,
        injecting_recorded=None,
        next_checkup_due=None,
        next_linkage_followup=None,
    )
    base.update(changes)
    return ListCaches(**base)  # type: ignore[arg-type]


def test_a_patient_with_everything_in_order_has_no_flags() -> None:
    assert list_flags(caches(), TODAY) == ""


def test_overdue_review_flag_moves_with_today() -> None:
    c = caches(next_review_due=pendulum.date(2026, 11, 22))
    assert list_flags(c, TODAY) == "R"
    assert list_flags(c, pendulum.date(2026, 11, 22)) == ""


def test_drift_needs_two_years_of_ost() -> None:
    short = caches(last_ost_decision="", ost_continuous_start=pendulum.date(2024, 11, 24))
    assert drift_reasons(short, TODAY) == []
    long = caches(last_ost_decision="", ost_continuous_start=pendulum.date(2024, 11, 23))
    assert drift_reasons(long, TODAY) == [
        "the latest strategic review has no recorded OST decision"
    ]


def test_drift_reasons_each_named_and_pending_does_not_count() -> None:
    c = caches(
        ost_continuous_start=pendulum.date(2019, 1, 1),
        last_ost_decision="pending",
        last_strategic_review=pendulum.date(2026, 5, 22),
        agreed_plan_substance_goal=None,
    )
    assert len(drift_reasons(c, TODAY)) == 3
    assert "D" in list_flags(c, TODAY)


def test_deceased_patients_have_no_flags() -> None:
    assert (
        list_flags(caches(status="deceased", next_review_due=pendulum.date(2020, 1, 1)), TODAY)
        == ""
    )


def test_health_flag_for_naloxone_on_ost() -> None:
    assert list_flags(caches(last_naloxone=pendulum.date(2025, 11, 22)), TODAY) == "H"
