"""The demo generator's groundwork: which columns each table's rows carry (in insert
order, parents first), id counters, buffered rows, dates as the driver takes them, and
the random helpers every step shares."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from functools import cache
from typing import Any

import pendulum
import sqlalchemy as sa

from console.rules import top
from console.rules.vocab import DRUG_PANEL
from db import bulk
from db.models import (
    Barc10,
    CarePlan,
    Corroboration,
    DrugTest,
    Episode,
    FamilyMember,
    Goal,
    GoalReview,
    GoalStatusEvent,
    HealthCheck,
    Linkage,
    Patient,
    Prescription,
    Review,
    TopScore,
    table_of,
)

TOP_ITEMS = tuple(col for item in top.ITEMS for col in top.column_names(item))
TOTALS_AT = tuple(i for i, name in enumerate(TOP_ITEMS) if name[-3:-1] != "_w")
TOP_TOTALS = tuple(TOP_ITEMS[i] for i in TOTALS_AT)  # every column but the weekly ones
# Surgery hours, UTC, as the services stamp finalisations and decisions.
TIMES = tuple(f"T{h:02d}:{m:02d}:00+00:00" for h in range(9, 17) for m in range(0, 60, 5))


@cache
def iso(ordinal: int) -> str:
    return dt.date.fromordinal(ordinal).isoformat()


@cache
def add_months(ordinal: int, months: int) -> int:
    d = dt.date.fromordinal(ordinal)
    return pendulum.date(d.year, d.month, d.day).add(months=months).toordinal()


def _columns(text: str) -> tuple[str, ...]:
    return tuple(text.split())


# Each table with the column order its tuples use; parents before children for flushing.
SPECS: tuple[tuple[Any, tuple[str, ...]], ...] = (
    (Patient, _columns("""
        id nhs_number family_name given_name family_key given_key date_of_birth sex
        address_line_1 address_line_2 town postcode phone email preferred_contact
        consent_letters_home consent_family_contact consent_share_specialist keyworker_id
        status recovery_start children_under_16 safe_storage_discussed family_involvement
        injecting_status next_review_due last_strategic_review last_ost_decision episode_start
        ost_continuous_start current_medicine current_dose_mg last_barc10_total last_naloxone
        last_hcv_test hbv_course_completed injecting_recorded next_checkup_due checkups_planned
        next_linkage_followup agreed_plan_substance_goal is_demo""")),
    (Episode, _columns("""
        id patient_id start_date referral_source problem_substances end_date exit_reason""")),
    (Prescription, _columns("""
        id patient_id medicine dose_mg interval dispensing pharmacy start_date end_date
        missed_doses_in_row ecg_date qtc_ms sedatives product pickup_days supervised_days
        pharmacy_id""")),
    (FamilyMember, _columns("""
        id patient_id name relationship contact consent_involvement support_offered""")),
    (HealthCheck, _columns("id patient_id kind check_date result detail recorded_by")),
    (CarePlan, _columns("""
        id patient_id version_no status agreed_on agreed_with agreed_by created_by created_at""")),
    (Goal, _columns("""
        id care_plan_id goal_key domain position words actions owner target_date status
        drop_reason""")),
    (GoalStatusEvent, _columns("id patient_id goal_key status note at by_staff")),
    (Review, _columns("""
        id patient_id episode_id kind review_date held_by status finalised_at ost_decision
        ost_rationale ost_decided_by ost_decided_at new_dose_mg new_dose_from next_review_date
        need_weekly_use need_problems need_help_now""")),
    (TopScore, ("id", "review_id", *TOP_ITEMS)),  # the latest review: with weekly detail
    (TopScore, ("id", "review_id", *TOP_TOTALS)),  # the others: totals only, half the binds
    (Barc10, ("id", "review_id", *(f"q{i}" for i in range(1, 11)), "total")),
    (DrugTest, ("id", "review_id", "specimen", "test_date", *DRUG_PANEL)),
    (Corroboration, ("id", "review_id", "source", "said")),
    (GoalReview, ("id", "review_id", "goal_key", "new_status", "note")),
    (Linkage, _columns("""
        id patient_id resource_id linked_on method follow_up_date outcome first_attended
        linked_by""")),
)  # fmt: skip
TABLES: tuple[sa.Table, ...] = tuple(dict.fromkeys(table_of(model) for model, _ in SPECS))
PATIENT_COLUMNS = SPECS[0][1]


class Records:
    """Id counters, buffered rows and the random helpers every generator step shares."""

    def __init__(self, conn: sa.Connection, rnd: random.Random, today: pendulum.Date) -> None:
        self.rnd = rnd
        self.r = rnd.random
        self.T = today.toordinal()
        # Dates go to the driver ready-made (ISO text on SQLite), one conversion per day.
        self.out = bulk.Buffers(
            conn, [(table_of(model), cols) for model, cols in SPECS], driver_dates=True
        )
        self.top_totals = self.out.extra["top_score"][0]
        self._encode = bulk.date_encoder(conn)
        self._days: dict[int, Any] = {}
        self.ids = {t.name: bulk.next_id(conn, t) for t in TABLES}
        self.goal_key = bulk.next_id(conn, table_of(Goal), "goal_key")

    def day(self, ordinal: int) -> Any:
        """A day ordinal as the driver takes it for a Date column."""
        value = self._days.get(ordinal)
        if value is None:
            value = self._days[ordinal] = self._encode(dt.date.fromordinal(ordinal))
        return value

    def day_or_none(self, ordinal: int | None) -> Any:
        return None if ordinal is None else self.day(ordinal)

    def ri(self, low: int, high: int) -> int:
        return low + int(self.r() * (high - low + 1))

    def pick(self, seq: Sequence[Any]) -> Any:
        return seq[int(self.r() * len(seq))]

    def choose(self, *options: tuple[float, Any]) -> Any:
        """One of the values, each with its chance; the last takes what is left."""
        u = self.r()
        for chance, value in options[:-1]:
            if u < chance:
                return value
            u -= chance
        return options[-1][1]

    def next_id(self, table: str) -> int:
        value = self.ids[table]
        self.ids[table] = value + 1
        return value

    def stamp(self, ordinal: int) -> str:
        """A UTC ISO timestamp in surgery hours on that day, as the services write them."""
        return iso(ordinal) + TIMES[int(self.r() * len(TIMES))]

    def flush(self) -> None:
        self.out.flush()
