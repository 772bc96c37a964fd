"""A review as the form sends it and receives it: frozen dataclasses only."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

TopValue = int | float | bool | None


def _empty() -> Mapping[str, TopValue]:
    return MappingProxyType({})


@dataclass(frozen=True)
class DrugTestInput:
    specimen: str = ""
    test_date: dt.date | None = None
    results: Mapping[str, str] = field(default_factory=dict)  # substance → result


@dataclass(frozen=True)
class CorroborationInput:
    source: str
    said: str


@dataclass(frozen=True)
class GoalReviewInput:
    status: str
    note: str = ""


@dataclass(frozen=True)
class ReviewInput:
    """The whole form: a draft may be incomplete; finalise needs it complete (SPEC §2)."""

    review_date: dt.date | None = None
    top: Mapping[str, TopValue] = field(default_factory=_empty)  # TOP column → value
    top_not_answered: frozenset[str] = frozenset()  # TOP item keys marked NA
    other_substance_name: str = ""
    drug_test: DrugTestInput | None = None
    corroborations: tuple[CorroborationInput, ...] = ()
    barc10: tuple[int | None, ...] = (None,) * 10
    barc10_declined: bool = False
    goals: Mapping[int, GoalReviewInput] = field(default_factory=dict)  # goal_key → review
    ost_decision: str = ""
    ost_rationale: str = ""
    new_dose_mg: float | None = None
    new_dose_from: dt.date | None = None
    next_review_date: dt.date | None = None
    next_review_reason: str = ""
    # Post-exit check-up: the three need-for-treatment questions (None = not answered).
    need_weekly_use: bool | None = None
    need_problems: bool | None = None
    need_help_now: bool | None = None
    # The medicine a `start` OST decision prescribes when there is no current prescription.
    new_medicine: str = ""
    new_interval: str = ""  # daily for oral medicines; weekly or monthly for the injection
    new_dispensing: str = ""  # oral medicines: supervised, daily pick-up …
    # Texts the form could not turn into values (an out-of-range 9 days in a week, a
    # half-typed date), by value name (a TOP column, barc10_q3, next_review_date …): a
    # draft keeps them as typed; finalise refuses while any is left.
    raw: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class GoalLine:
    goal_key: int
    domain: str
    words: str
    status: str  # as it stands now


@dataclass(frozen=True)
class PlanReviewed:
    """Which care plan version's goals a review reviews: the agreed one, or (with none
    agreed yet, as at a start review) the draft; and a newer draft version, if any."""

    version_no: int
    agreed: bool
    agreed_on: dt.date | None = None
    newer_draft: int | None = None  # a later version's number, not yet agreed


@dataclass(frozen=True)
class Previous:
    """The previous finalised review's values, shown beside the form for comparison."""

    review_date: dt.date
    kind: str
    top: Mapping[str, TopValue]
    barc10: tuple[int | None, ...]
    barc10_total: int | None
    drug_results: Mapping[str, str]
    ost_decision: str
    # A previous check-up's need-for-treatment answers, and whether re-entry was
    # "accepted" or "declined" (a decline is followed up at the next check-up).
    need_weekly_use: bool | None = None
    need_problems: bool | None = None
    need_help_now: bool | None = None
    reentry: str = ""


@dataclass(frozen=True)
class Addendum:
    at: str
    by: str
    field: str
    old_value: str
    new_value: str
    reason: str


@dataclass(frozen=True)
class ReviewDraft:
    id: int
    patient_id: int
    patient_name: str
    nhs_number: str
    kind: str
    status: str
    version: int
    held_by: str
    values: ReviewInput
    previous: Previous | None
    goals: tuple[GoalLine, ...]
    medicine: str  # current prescription, for expected drug-test results
    dose_mg: float | None
    expected_positive: frozenset[str]
    rule_next_due: dt.date
    ost_decided_by: str
    ost_decided_at: str
    finalised_at: str
    addenda: tuple[Addendum, ...]
    can_decide_ost: bool  # a hint for the form; the service enforces the role
    # Post-exit check-ups: which one this is ("3 of 8") and the substances the first
    # need-for-treatment question names.
    checkup_number: int | None = None
    checkups_planned: int = 0
    problem_substances: str = ""
    reentry: str = ""
    # A draft's values kept as text and why (value name → message), shown marked.
    marks: Mapping[str, str] = field(default_factory=dict)
    plan: PlanReviewed | None = None  # whose goals `goals` are; None: no plan

    @property
    def finalised(self) -> bool:
        return self.status == "finalised"


@dataclass(frozen=True)
class SavedReview:
    """What a save or finalise returns: enough for the form, without re-reading it all."""

    id: int
    version: int
    status: str
    ost_decision: str
    ost_decided_by: str
    finalised_at: str
    # A finalised check-up that answered yes to a need-for-treatment question.
    offers_reentry: bool = False
    # A draft's values kept as text, not yet values, and why (value name → message).
    marks: Mapping[str, str] = field(default_factory=dict)

    @property
    def finalised(self) -> bool:
        return self.status == "finalised"
