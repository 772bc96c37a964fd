"""Issue 17 on the demonstration caseload: the cache path and the history path agree for
today, patient by patient, and the numbers equal an independent count written in plain
SQL over the source tables (reading SQL to check; nothing is written behind the product)."""

from __future__ import annotations

import datetime as dt

import pendulum
import pytest
import sqlalchemy as sa

from console.rules import indicators as rules
from console.services import Services
from console.services.indicators import IndicatorService

ACTIVE = """
  p.status <> 'deceased'
  AND EXISTS (SELECT 1 FROM episode e WHERE e.patient_id = p.id AND e.end_date IS NULL)
"""
RAW = {
    "strategic_review_6m": """
      EXISTS (SELECT 1 FROM review r WHERE r.patient_id = p.id AND r.status = 'finalised'
              AND r.kind IN ('start', 'strategic')
              AND r.review_date = (SELECT MAX(r2.review_date) FROM review r2
                                   WHERE r2.patient_id = p.id AND r2.status = 'finalised'
                                   AND r2.kind IN ('start', 'strategic'))
              AND r.review_date >= :six AND r.review_date <= :today)""",
    "agreed_care_plan": """
      EXISTS (SELECT 1 FROM care_plan c WHERE c.patient_id = p.id AND c.status = 'agreed')""",
    "barc10_6m": """
      EXISTS (SELECT 1 FROM review r JOIN barc10 b ON b.review_id = r.id
              WHERE r.patient_id = p.id AND r.status = 'finalised' AND b.total IS NOT NULL
              AND r.review_date >= :six AND r.review_date <= :today)""",
    "mutual_aid_attended": """
      EXISTS (SELECT 1 FROM linkage l JOIN resource s ON s.id = l.resource_id
              WHERE l.patient_id = p.id AND l.outcome = 'attended'
              AND s.kind IN ('smart_recovery', 'narcotics_anonymous',
                             'cocaine_anonymous', 'alcoholics_anonymous'))""",
    "family_considered": """
      (p.family_involvement IN ('none_to_involve', 'declines')
       OR EXISTS (SELECT 1 FROM family_member f WHERE f.patient_id = p.id))""",
}


# The rest: each with its own denominator, written from SPEC §4 over the source tables.
ON_OST_OR_USING = """
  (EXISTS (SELECT 1 FROM prescription x WHERE x.patient_id = p.id
           AND x.start_date <= :today AND (x.end_date IS NULL OR x.end_date > :today))
   OR (SELECT t.opiates_days FROM review r JOIN top_score t ON t.review_id = r.id
       WHERE r.patient_id = p.id AND r.status = 'finalised'
       AND (t.opiates_days IS NOT NULL OR t.injected_days IS NOT NULL)
       ORDER BY r.review_date DESC, r.finalised_at DESC, r.id DESC LIMIT 1) > 0)
"""
OTHERS = {
    "naloxone_12m": (
        ON_OST_OR_USING,
        """EXISTS (SELECT 1 FROM health_check h WHERE h.patient_id = p.id
                   AND h.kind = 'naloxone' AND h.check_date >= :year
                   AND h.check_date <= :today)""",
    ),
    "hepb_completed": (
        "1 = 1",
        """(EXISTS (SELECT 1 FROM health_check h WHERE h.patient_id = p.id
                    AND h.kind = 'hep_b_dose' AND h.result IN ('3', 'completed'))
            OR (SELECT h.result FROM health_check h WHERE h.patient_id = p.id
                AND h.kind = 'hep_b_status'
                ORDER BY h.check_date DESC, h.id DESC LIMIT 1)
               IN ('already_immunised', 'acquired_immunity'))""",
    ),
}


@pytest.fixture
def demo(services: Services) -> Services:
    services.demo.load(80, seed=3)
    return services


def test_cache_and_history_paths_agree_for_today_patient_by_patient(demo: Services) -> None:
    ind = IndicatorService(demo)
    members = ind.history_members()
    board = ind.dashboard()
    assert board == ind.scan_dashboard()  # the kept tallies: the one pass's numbers
    for c in board.counts:
        m = members[c.key]
        assert (c.numerator, c.denominator) == (len(m.numerator), len(m.denominator)), c.key
        gap = {r.id for r in ind.patients(c.key)}
        assert gap == set(m.denominator - m.numerator), c.key
    assert sum(c.denominator for c in board.counts) > 0
    # a past date: the history path alone, and nobody counted twice or out of the list
    past = ind.dashboard(dt.date(2026, 5, 31))
    assert past.from_history
    for c in past.counts:
        assert 0 <= c.numerator <= c.denominator


def test_the_numbers_equal_an_independent_sql_count(demo: Services) -> None:
    today = demo.clock.today()
    params = {
        "today": dt.date(today.year, today.month, today.day),
        "six": _plain(pendulum.date(today.year, today.month, today.day).subtract(months=6)),
        "year": _plain(pendulum.date(today.year, today.month, today.day).subtract(months=12)),
    }
    board = IndicatorService(demo).dashboard()
    with demo.engine.connect() as conn:
        denominator = conn.execute(
            sa.text(f"SELECT COUNT(*) FROM patient p WHERE {ACTIVE}")
        ).scalar_one()
        for key, cond in RAW.items():
            found = conn.execute(
                sa.text(f"SELECT COUNT(*) FROM patient p WHERE {ACTIVE} AND {cond}"), params
            ).scalar_one()
            c = board.count(key)
            assert (c.numerator, c.denominator) == (found, denominator), key
        for key, (among, cond) in OTHERS.items():
            den, num = (
                conn.execute(
                    sa.text(f"SELECT COUNT(*) FROM patient p WHERE {ACTIVE} AND {where}"), params
                ).scalar_one()
                for where in (among, f"{among} AND {cond}")
            )
            c = board.count(key)
            assert (c.numerator, c.denominator) == (num, den), key
            assert 0 < num < den, key  # the demonstration caseload has a gap in each
    assert denominator > 0
    assert list(rules.KEYS)[:5] == list(RAW)


def _plain(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)
