"""TOP and BARC-10 ranges item by item, and the review schedule's calendar arithmetic."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest

from console.rules import barc10, schedule, top
from console.rules.schedule import DueState

TODAY = pendulum.date(2026, 11, 23)

DAY_ITEMS = [i for i in top.ITEMS if i.kind is top.ItemKind.DAYS]
YES_NO_ITEMS = [i for i in top.ITEMS if i.kind is top.ItemKind.YES_NO]
RATING_ITEMS = [i for i in top.ITEMS if i.kind is top.ItemKind.RATING]


def test_top_has_every_item_of_the_reference() -> None:
    assert [i.key for i in DAY_ITEMS] == [
        "alcohol", "opiates", "crack", "cocaine", "amphetamines", "cannabis", "other_substance",
        "tobacco", "injected", "shoplifting", "drug_selling", "paid_work", "education",
    ]  # fmt: skip
    assert [i.key for i in YES_NO_ITEMS] == [
        "shared_needle", "shared_paraphernalia", "vehicle_theft", "property_theft", "fraud",
        "assault", "acute_housing", "eviction_risk",
    ]  # fmt: skip
    assert [i.key for i in RATING_ITEMS] == ["psych_health", "physical_health", "quality_of_life"]
    substance_amounts = {i.key: i.amount_unit for i in DAY_ITEMS if i.section == top.SUBSTANCE}
    assert substance_amounts["alcohol"] == "units" and substance_amounts["cannabis"] == "spliffs"
    assert substance_amounts["tobacco"] == ""  # days only


@pytest.mark.parametrize("item", DAY_ITEMS, ids=lambda i: i.key)
def test_day_items_weeks_0_to_7_total_0_to_28(item: top.TopItem) -> None:
    for week in range(1, 5):
        column = f"{item.key}_w{week}"
        assert top.check_value(column, 0) is None and top.check_value(column, 7) is None
        assert top.check_value(column, 8) == "days must be 0–7 a week"
        assert top.check_value(column, -1) == "days must be 0–7 a week"
    assert top.check_value(f"{item.key}_days", 28) is None
    assert top.check_value(f"{item.key}_days", 29) == "total days must be 0–28"
    assert top.check_value(f"{item.key}_days", None) is None  # not answered is allowed


@pytest.mark.parametrize("item", RATING_ITEMS, ids=lambda i: i.key)
def test_ratings_0_to_20(item: top.TopItem) -> None:
    assert top.check_value(item.key, 0) is None and top.check_value(item.key, 20) is None
    assert top.check_value(item.key, 21) == "rating 0–20"
    assert top.check_value(item.key, -1) == "rating 0–20"


@pytest.mark.parametrize("item", YES_NO_ITEMS, ids=lambda i: i.key)
def test_yes_no_items(item: top.TopItem) -> None:
    assert top.check_value(item.key, True) is None and top.check_value(item.key, False) is None
    assert top.check_value(item.key, 1) == "answer yes or no"


def test_weekly_total_and_sharing() -> None:
    assert top.weeks_total([2, 1, 0, 2]) == 5
    assert top.weeks_total([2, None, 0, 2]) is None
    assert top.sharing(False, True) and not top.sharing(None, False)


def test_barc10_items_scale_total() -> None:
    assert len(barc10.ITEMS) == 10
    assert barc10.check_answer(1) is None and barc10.check_answer(6) is None
    assert barc10.check_answer(0) and barc10.check_answer(7)
    assert barc10.total([6] * 10) == 60 and barc10.total([1] * 10) == 10
    assert barc10.total([5] * 9 + [None]) is None  # partly answered has no total
    assert barc10.change(49, 45) == 4
    assert barc10.fell_by_threshold(40, 46, 6) and not barc10.fell_by_threshold(41, 46, 6)


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28)),
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29)),  # leap year
        (dt.date(2026, 3, 31), dt.date(2026, 9, 30)),
        (dt.date(2026, 5, 23), dt.date(2026, 11, 23)),
    ],
)
def test_next_strategic_review_six_calendar_months_on(last: dt.date, due: dt.date) -> None:
    assert schedule.next_strategic_due(last) == due


def test_start_review_within_28_days() -> None:
    assert schedule.start_review_due(dt.date(2026, 11, 1)) == dt.date(2026, 11, 29)


@pytest.mark.parametrize(
    ("due", "state"),
    [
        (None, DueState.NONE),
        (dt.date(2026, 11, 22), DueState.OVERDUE),
        (dt.date(2026, 11, 23), DueState.TODAY),
        (dt.date(2026, 12, 21), DueState.SOON),
        (dt.date(2026, 12, 22), DueState.LATER),
    ],
)
def test_due_states(due: dt.date | None, state: DueState) -> None:
    assert schedule.due_state(due, TODAY) is state


def test_checkups_counted_from_the_exit_date() -> None:
    dates = schedule.checkup_dates(dt.date(2026, 8, 31))
    assert len(dates) == 8
    assert dates[0] == dt.date(2026, 11, 30)
    assert dates[1] == dt.date(2027, 2, 28)
    assert dates[3] == dt.date(2027, 8, 31)  # chained from 28 Feb it would be 28 Aug
    assert dates[-1] == dt.date(2028, 8, 31)


def test_clock_change_does_not_move_dates() -> None:
    # The clocks go back on 25 Oct 2026: a review at 00:30 BST is still that calendar day.
    moment = pendulum.datetime(2026, 4, 25, 0, 30, tz="Europe/London")
    assert moment.date() == dt.date(2026, 4, 25)
    assert schedule.next_strategic_due(moment.date()) == dt.date(2026, 10, 25)
    assert moment.in_timezone("UTC").date() == dt.date(2026, 4, 24)  # why we use local dates


def test_later_date_needs_reason() -> None:
    assert schedule.later_date_needs_reason(dt.date(2027, 6, 1), dt.date(2027, 5, 23))
    assert not schedule.later_date_needs_reason(dt.date(2027, 5, 1), dt.date(2027, 5, 23))


def test_checkup_due_after_counts_done_checkups() -> None:
    exit_date = dt.date(2024, 8, 31)
    assert schedule.checkup_due_after(exit_date, 8, 0) == dt.date(2024, 11, 30)
    assert schedule.checkup_due_after(exit_date, 8, 1) == dt.date(2025, 2, 28)
    assert schedule.checkup_due_after(exit_date, 8, 7) == dt.date(2026, 8, 31)
    assert schedule.checkup_due_after(exit_date, 8, 8) is None  # the schedule ends
    renewed = 8 + schedule.CHECKUPS_PER_RENEWAL
    assert schedule.checkup_due_after(exit_date, renewed, 8) == dt.date(2026, 11, 30)
    assert schedule.checkup_due_after(exit_date, renewed, 11) == dt.date(2027, 8, 31)
