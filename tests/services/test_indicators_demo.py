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


@pytest.fixture
def demo(services: Services) -> Services:
    services.demo.load(80, seed=3)
    return services


def test_cache_and_history_paths_agree_for_today_patient_by_patient(demo: Services) -> None:
    ind = IndicatorService(demo)
    members = ind.history_members()
    board = ind.dashboard()
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
    assert denominator > 0
    assert list(rules.KEYS)[:5] == list(RAW)


def _plain(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)
