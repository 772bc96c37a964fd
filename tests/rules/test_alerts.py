"""Each alert of SPEC §4 on hand-built patients: raised with its reason, and cleared."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pendulum
import pytest

from console.rules.alerts import AlertFacts, alerts
from console.rules.drug_tests import unexpected

TODAY = pendulum.date(2026, 11, 23)
RECENT = dt.date(2026, 9, 1)
OLD = dt.date(2025, 11, 22)  # one year and a day ago

# A patient on methadone with everything in order: no alerts at all.
WELL = AlertFacts(
    status="in_treatment",
    next_review_due=dt.date(2027, 3, 1),
    last_strategic_review=RECENT,
    has_open_episode=True,
    agreed_plan=True,
    drug_test_date=RECENT,
    medicine="methadone_oral",
    dose_mg=60,
    last_naloxone=RECENT,
    hbv_course_completed=dt.date(2020, 1, 1),
    barc_latest=40,
    barc_previous=42,
)


def texts(facts: AlertFacts) -> list[str]:
    return [a.text for a in alerts(facts, TODAY)]


def test_a_patient_in_good_order_has_no_alerts() -> None:
    assert texts(WELL) == []


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"next_review_due": dt.date(2026, 11, 11)}, "Strategic review overdue by 12 days (last 1 Sep 2026)"),
        ({"agreed_plan": False}, "No agreed care plan"),
        ({"drift": ("the latest strategic review has no recorded OST decision",)}, "On OST two years or more: the latest strategic review has no recorded OST decision"),
        ({"drug_problems": ("methadone negative while prescribed",)}, "Unexpected drug test result: methadone negative while prescribed (1 Sep 2026)"),
        ({"drug_problems": ("fentanyl positive, not prescribed",)}, "Unexpected drug test result: fentanyl positive, not prescribed (1 Sep 2026)"),
        ({"next_review_due": dt.date(2026, 11, 11), "start_review_due": True}, "Start review overdue by 12 days"),
        ({"last_naloxone": OLD}, "Naloxone not supplied in 12 months (last supplied 22 Nov 2025)"),
        ({"last_naloxone": None}, "Naloxone not supplied in 12 months (never supplied)"),
        ({"injecting": True}, "Hepatitis C not tested in 12 months while injecting (never tested)"),
        ({"injecting": True, "last_hcv_test": OLD}, "Hepatitis C not tested in 12 months while injecting (last 22 Nov 2025)"),
        ({"hbv_course_completed": None}, "Hepatitis B vaccination course incomplete"),
        ({"barc_latest": 36}, "BARC-10 fell by 6 (from 42 to 36)"),
        ({"latest_top_shared": True}, "Latest TOP: injecting with shared equipment"),
        ({"missed_doses_in_row": 3}, "3 doses missed in a row: reassess tolerance before the next dose"),
        ({"dose_mg": 110}, "Methadone 110 mg a day with no ECG in 12 months"),
        ({"sedatives": ("diazepam",)}, "Co-prescribed sedative: diazepam"),
        ({"children_under_16": 2}, "Children in the household: safe storage not discussed in 12 months"),
        ({"next_linkage_followup": TODAY}, "Linkage follow-up due (23 Nov 2026)"),
        ({"next_checkup_due": dt.date(2026, 11, 1)}, "Post-exit check-up due (1 Nov 2026)"),
        ({"unsuccessful_exit": dt.date(2026, 6, 1)}, "Re-engage: left treatment unsuccessfully on 1 Jun 2026"),
    ],
)  # fmt: skip
def test_each_alert_with_its_reason(change: dict[str, object], expected: str) -> None:
    assert texts(replace(WELL, **change)) == [expected]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "change",
    [
        {"next_review_due": TODAY},  # due today is not yet overdue
        {"barc_latest": 37},  # fell by 5: under the threshold of 6
        {"dose_mg": 110, "ecg_date": dt.date(2026, 1, 1)},
        {"dose_mg": 100},  # over 100 mg only
        {"children_under_16": 1, "safe_storage_discussed": dt.date(2026, 1, 5)},
        {"next_linkage_followup": dt.date(2026, 11, 24)},
        {"unsuccessful_exit": dt.date(2026, 5, 22)},  # more than six months ago
        {"missed_doses_in_row": 2},
        {"hbv_course_completed": None, "hbv_not_needed": True},
        {
            "medicine": "",
            "dose_mg": None,
            "last_naloxone": None,
        },  # not on OST, no opiates
    ],
)
def test_alerts_clear_when_put_right(change: dict[str, object]) -> None:
    assert texts(replace(WELL, **change)) == []  # type: ignore[arg-type]


def test_threshold_is_the_practices_setting() -> None:
    assert texts(replace(WELL, barc_latest=38, barc_threshold=4)) == [
        "BARC-10 fell by 4 (from 42 to 38)"
    ]


def test_illicit_opiate_use_needs_naloxone_without_ost() -> None:
    facts = replace(
        WELL,
        medicine="",
        dose_mg=None,
        last_naloxone=None,
        latest_top_opioid_use=True,
    )
    assert texts(facts) == ["Naloxone not supplied in 12 months (never supplied)"]


def test_deceased_patient_has_no_alerts() -> None:
    assert (
        texts(
            replace(WELL, status="deceased", next_review_due=dt.date(2020, 1, 1), agreed_plan=False)
        )
        == []
    )


def test_buprenorphine_expected_and_morphine_unexpected() -> None:
    results = {"buprenorphine": "positive", "opiates": "positive", "methadone": "negative"}
    assert unexpected(results, "buprenorphine_sublingual") == ["opiates positive, not prescribed"]
    assert unexpected({"buprenorphine": "negative"}, "buprenorphine_prolonged_release") == [
        "buprenorphine negative while prescribed"
    ]
    assert unexpected({"methadone": "not_tested"}, "methadone_oral") == []


def test_the_facts_of_any_caches_are_every_field_of_the_facts() -> None:
    """`facts` fills the frozen facts without their `__init__`: every field, no other."""
    from dataclasses import fields

    from console.rules.alerts import facts
    from console.rules.caches import RowCaches

    for caches in (
        RowCaches(),
        RowCaches(
            status="deceased", sedatives="diazepam, ", last_unexpected_test=dt.date(2026, 1, 2)
        ),
        RowCaches(current_medicine="methadone_oral", barc10_previous=30, last_barc10_total=20),
    ):
        made = facts(caches, pendulum.date(2026, 12, 8), threshold=4)
        assert set(vars(made)) == {f.name for f in fields(AlertFacts)}
        assert made == AlertFacts(**vars(made))
        assert replace(made, status="x").status == "x"
