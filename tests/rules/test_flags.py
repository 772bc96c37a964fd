from __future__ import annotations

import datetime as dt

import pendulum

from console.rules.caches import RowCaches
from console.rules.flags import FLAG_MEANING, drift_reasons, list_flags, shown

TODAY = pendulum.date(2026, 11, 23)


def caches(**changes: object) -> RowCaches:
    base: dict[str, object] = dict(
        status="in_treatment",
        episode_start=pendulum.date(2025, 6, 1),
        agreed_plan_on=pendulum.date(2026, 9, 1),
        hbv_course_completed=pendulum.date(2020, 1, 1),
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
    return RowCaches(**base)  # type: ignore[arg-type]


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


def test_flags_are_the_alert_letters_in_order_and_cut_to_four() -> None:
    every = caches(
        missed_doses_in_row=3,  # S
        last_unexpected_test=pendulum.date(2026, 11, 20),  # T
        next_review_due=pendulum.date(2026, 11, 1),  # R
        ost_continuous_start=pendulum.date(2019, 1, 1),
        last_ost_decision="",  # D
        last_naloxone=None,  # H
        next_linkage_followup=TODAY,  # L
    )
    assert list_flags(every, TODAY) == "STRDHL"
    assert shown("STRDHL") == "STR+"
    assert shown("SRDH") == "SRDH"
    assert set(FLAG_MEANING) == set("STRDHLCE")


def test_safety_and_test_letters_from_the_caches() -> None:
    assert list_flags(caches(sedatives="diazepam"), TODAY) == "S"
    assert list_flags(caches(current_dose_mg=120, ecg_date=None), TODAY) == "S"
    assert list_flags(caches(top_shared=pendulum.date(2026, 11, 1)), TODAY) == "S"
    assert list_flags(caches(last_barc10_total=30, barc10_previous=36), TODAY) == "S"
    assert list_flags(caches(last_barc10_total=30, barc10_previous=36), TODAY, 7) == ""
    assert list_flags(caches(last_unexpected_test=pendulum.date(2026, 1, 5)), TODAY) == "T"


def test_a_dose_change_dated_later_takes_effect_on_its_date() -> None:
    c = caches(
        current_dose_mg=120,
        ecg_date=pendulum.date(2024, 1, 10),
        dose_change_on=pendulum.date(2026, 11, 30),
        pending_medicine="methadone_oral",
        pending_dose_mg=90,
        pending_ost_start=pendulum.date(2025, 6, 1),
    )
    assert list_flags(c, TODAY) == "S"  # 120 mg today, no ECG since January 2024
    assert list_flags(c, pendulum.date(2026, 11, 30)) == ""  # 90 mg from the 30th


def test_a_result_row_reads_as_the_same_caches_in_any_column_order() -> None:
    """The list reads each page's caches by position (issue 19): whatever the query's
    column order, and with other columns between, the caches are the ones named."""
    import random
    from collections import namedtuple
    from dataclasses import fields, replace

    from console.rules.caches import ROW_FIELDS, RowCaches, from_row

    chosen = RowCaches(
        status="post_exit_checkups",
        children_under_16=2,
        next_review_due=dt.date(2027, 1, 2),
        current_medicine="buprenorphine_sublingual",
        current_dose_mg=12.5,
        dose_change_on=dt.date(2026, 12, 9),
        pending_medicine="methadone_oral",
        missed_doses_in_row=3,
        family_considered=True,
        completion_days="x",
    )
    values = {f.name: getattr(chosen, f.name) for f in fields(RowCaches) if f.name != "extra"}
    assert set(values) == set(ROW_FIELDS)
    names = [*values, "id", "nhs_number", "keyworker_name"]
    random.Random(7).shuffle(names)
    Row = namedtuple("Row", names)  # a result row: `_fields`, read by position
    row = Row(**values, id=1, nhs_number="9434765919", keyworker_name="")
    read = from_row(row)
    assert read == chosen and hash(read) == hash(chosen)
    assert replace(read, status="deceased").status == "deceased"
    assert {f.name: getattr(read, f.name) for f in fields(RowCaches)} == {
        **values,
        "extra": (),
    }
