"""A review's pure checks: ranges, the next review date, the OST decision, completeness."""

from __future__ import annotations

import datetime as dt

from console.rules import review as rules
from console.rules import top

REVIEWED = dt.date(2026, 8, 31)


def test_top_ranges_and_weeks_against_total() -> None:
    assert rules.check_top({"alcohol_w1": 7, "alcohol_days": 28, "psych_health": 20}) == {}
    errors = rules.check_top({"alcohol_w1": 8, "crack_days": -1, "quality_of_life": 21})
    assert errors == {
        "alcohol_w1": "days must be 0–7 a week",
        "crack_days": "total days must be 0–28",
        "quality_of_life": "rating 0–20",
    }
    weeks = {f"opiates_w{w}": 1 for w in range(1, 5)}
    assert rules.check_top({**weeks, "opiates_days": 5}) == {
        "opiates_days": "total 5 is not the weeks' sum 4"
    }


def test_barc10_answers() -> None:
    assert rules.check_barc10([1, 6, None] + [None] * 7) == {}
    assert rules.check_barc10([0, 7] + [None] * 8).keys() == {"barc10_q1", "barc10_q2"}


def test_next_review_rule_and_reason() -> None:
    rule = rules.rule_next_due("strategic", REVIEWED, None)
    assert rule == dt.date(2027, 2, 28)  # 31 Aug + 6 calendar months
    # Every kind: six months after the latest finalised start or strategic review (an
    # interim review's rule is not the stored due date, issue 12 defect 4).
    last = dt.date(2026, 6, 10)
    assert rules.rule_next_due("interim", REVIEWED, last) == dt.date(2026, 12, 10)
    assert rules.rule_next_due("exit", REVIEWED, last, dt.date(2026, 1, 5)) == dt.date(2026, 12, 10)
    # None in this episode yet (the last was before it): the start review's 28 days.
    started = dt.date(2026, 8, 1)
    assert rules.rule_next_due("interim", REVIEWED, last, started) == dt.date(2026, 8, 29)
    assert rules.rule_next_due("interim", REVIEWED, None) == dt.date(2027, 2, 28)
    assert rules.check_next_review(dt.date(2027, 1, 1), "", rule, REVIEWED) == {}
    later = rules.check_next_review(dt.date(2027, 3, 1), "", rule, REVIEWED)
    assert later == {"next_review_reason": "later than the rule's 28/02/2027: give a reason"}
    assert rules.check_next_review(dt.date(2027, 3, 1), "abroad", rule, REVIEWED) == {}
    assert rules.check_next_review(dt.date(2026, 8, 1), "", rule, REVIEWED)


def test_ost_decision_rules() -> None:
    def check(decision: str, rationale: str = "", dose: float | None = None) -> dict[str, str]:
        choice = rules.OstChoice(decision, rationale, dose, REVIEWED if dose else None)
        return rules.check_ost(choice, REVIEWED)

    assert check("continue_maintenance") == {
        "ost_rationale": "a rationale is required to continue maintenance"
    }
    assert check("continue_maintenance", "stable") == {}
    assert check("reduce").keys() == {"new_dose_mg", "new_dose_from"}
    assert check("reduce", dose=30) == {}
    assert check("pending") == {} and check("") == {}
    assert check("sideways") == {"ost_decision": "choose one of the listed decisions"}


def test_completeness() -> None:
    answered = {c: 0 for c in top.COLUMNS if not top.COLUMNS[c][1]}
    for item in top.ITEMS:
        if item.kind is top.ItemKind.DAYS:
            answered[f"{item.key}_days"] = 0
        elif item.kind is top.ItemKind.YES_NO:
            answered[item.key] = False
    args = dict(
        top_values=answered,
        top_not_answered=frozenset(),
        barc_answers=[3] * 10,
        barc_declined=False,
        goal_keys=[1, 2],
        reviewed_goals=frozenset({1, 2}),
        next_review_date=REVIEWED,
        ost_decision="pending",
    )
    assert rules.missing_for_finalise(**args) == {}  # type: ignore[arg-type]
    gaps = dict(args, top_values={}, barc_answers=[3] * 9 + [None], reviewed_goals=frozenset())
    gaps |= {"next_review_date": None, "ost_decision": ""}
    missing = rules.missing_for_finalise(**gaps)  # type: ignore[arg-type]
    assert len([k for k in missing if k.startswith("top.")]) == len(top.ITEMS)
    assert {"barc10", "goal.1", "goal.2", "next_review_date", "ost_decision"} <= missing.keys()
    marked = dict(gaps, top_not_answered=frozenset(i.key for i in top.ITEMS), barc_declined=True)
    assert not [k for k in rules.missing_for_finalise(**marked) if k.startswith(("top", "barc"))]  # type: ignore[arg-type]


def test_checkup_completeness_is_the_short_form() -> None:
    substance = {f"{item.key}_days": 0 for item in top.ITEMS if item.section == top.SUBSTANCE}
    needs = {"need_weekly_use": False, "need_problems": True, "need_help_now": None}
    missing = rules.missing_for_checkup(
        top_values=substance,
        top_not_answered=frozenset(),
        barc_answers=(None,) * 10,
        barc_declined=False,
        needs=needs,
    )
    # Injecting, crime and health items are not asked; no goals, OST or review date.
    assert missing == {
        "barc10": "BARC-10: all ten items, or recorded as declined",
        "need_help_now": "need for treatment: answer yes or no",
    }
    without_alcohol = {k: v for k, v in substance.items() if k != "alcohol_days"}
    assert "top.alcohol" in rules.missing_for_checkup(
        top_values=without_alcohol,
        top_not_answered=frozenset(),
        barc_answers=(4,) * 10,
        barc_declined=False,
        needs={**needs, "need_help_now": False},
    )


def test_any_yes_offers_reentry() -> None:
    no = {"need_weekly_use": False, "need_problems": False, "need_help_now": False}
    assert not rules.offers_reentry(no)
    assert not rules.offers_reentry({})
    for key in no:
        assert rules.offers_reentry({**no, key: True})
