"""Care plan rules: goal fields, prompts, status history, change kinds."""

from __future__ import annotations

import pendulum
import pytest

from console.rules import careplan as rules
from console.rules.vocab import Domain

TODAY = pendulum.date(2026, 11, 23)


def test_goal_fields_clean_and_report_each_field() -> None:
    clean, errors = rules.goal_fields(
        {"domain": "housing", "words": "  Move   out ", "owner": "Jo", "target_date": "23/11/2026"},
        today=TODAY,
        new=True,
    )
    assert errors == {}
    assert clean["words"] == "Move out" and clean["target_date"] == TODAY
    _, errors = rules.goal_fields(
        {"domain": "x", "target_date": "31/02/2027"}, today=TODAY, new=True
    )
    assert set(errors) == {"domain", "words", "owner", "target_date"}
    assert errors["target_date"] == "no such date"


@pytest.mark.parametrize(
    ("text", "new", "message"),
    [
        ("22/11/2026", True, "cannot be before today"),
        ("2026-13-01", True, "no such date"),
        ("tomorrow", True, "DD/MM/YYYY"),
        ("01/01/2040", True, "within 10 years"),
    ],
)
def test_target_date_refusals(text: str, new: bool, message: str) -> None:
    with pytest.raises(rules.FieldError, match=message):
        rules.target_date(text, today=TODAY, new=new)


def test_an_existing_goal_may_keep_a_past_target() -> None:
    assert rules.target_date("01/01/2026", today=TODAY, new=False) == pendulum.date(2026, 1, 1)
    assert rules.target_date("", today=TODAY, new=True) is None


def test_agreed_on_is_required_and_not_in_the_future() -> None:
    with pytest.raises(rules.FieldError, match="required"):
        rules.agreed_on("", today=TODAY)
    with pytest.raises(rules.FieldError, match="future"):
        rules.agreed_on("24/11/2026", today=TODAY)
    assert rules.agreed_on("20/11/2026", today=TODAY) == pendulum.date(2026, 11, 20)


def test_prompts_for_mutual_aid_and_family_always() -> None:
    out = rules.prompts([Domain.SUBSTANCE_USE.value], None)
    assert [p.domain for p in out] == [Domain.FAMILY, Domain.MUTUAL_AID]
    assert rules.prompts([Domain.FAMILY, Domain.MUTUAL_AID], None) == ()


def test_prompts_for_housing_and_work_only_when_the_last_top_shows_problems() -> None:
    have = [Domain.FAMILY, Domain.MUTUAL_AID]
    assert rules.prompts(have, rules.LastTop(False, False, 3)) == ()
    assert rules.prompts(have, rules.LastTop(None, None, None)) == ()  # not answered
    out = rules.prompts(have, rules.LastTop(False, True, 0))
    assert [p.domain for p in out] == [Domain.HOUSING, Domain.EMPLOYMENT]
    assert "no paid work" in out[1].text
    assert (
        rules.prompts([*have, Domain.HOUSING, Domain.EMPLOYMENT], rules.LastTop(True, True, 0))
        == ()
    )


def test_status_at_takes_the_last_event_at_or_before() -> None:
    events = [
        ("2026-01-01T10:00:00+00:00", "in_progress"),
        ("2026-06-01T10:00:00+00:00", "achieved"),
    ]
    assert rules.status_at(events, "2025-12-31T23:59:59+00:00", "not_started") == "not_started"
    assert rules.status_at(events, "2026-01-01T10:00:00+00:00", "not_started") == "in_progress"
    assert rules.status_at(events, "2026-07-01T00:00:00+00:00", "not_started") == "achieved"


def test_change_kind() -> None:
    a = rules.GoalText("housing", "Move", "", "Jo", None)
    b = rules.GoalText("housing", "Move out", "", "Jo", None)
    assert rules.change_kind(None, b, "", "not_started") == "added"
    assert rules.change_kind(a, None, "in_progress", "") == "dropped"
    assert rules.change_kind(a, a, "in_progress", "dropped") == "dropped"
    assert rules.change_kind(a, a, "dropped", "dropped") == "same"
    assert rules.change_kind(a, b, "in_progress", "achieved") == "changed"


def test_live_substance_goal() -> None:
    assert rules.has_live_substance_goal([("substance_use", "in_progress")])
    assert not rules.has_live_substance_goal(
        [("substance_use", "dropped"), ("housing", "achieved")]
    )
