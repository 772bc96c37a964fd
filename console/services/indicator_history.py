"""Practice indicators as at a past date, from history: each patient's caches derived
from the source rows as they stood (`console.rules.caches.derive`, the one derivation
every write path uses), then the same definitions (`console.rules.indicators.membership`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pendulum
from sqlmodel import Session

from console.rules import caches as cache_rules
from console.rules import health as health_rules
from console.rules import history as history_rules
from console.rules import indicators as rules
from console.rules.careplan import has_live_substance_goal
from db.queries import indicator_history as hq


@dataclass(frozen=True)
class Members:
    """The patients behind one indicator: the denominator and the numerator."""

    denominator: frozenset[int]
    numerator: frozenset[int]


def derived(
    session: Session, day: dt.date, kw: int | None
) -> tuple[dict[str, Members], list[list[int]], rules.Outcomes]:
    """Every indicator's patients, the OST bands and the TOP outcomes, from history."""
    members, bands, changes = derive_patients(session, day, kw)
    return members, bands, rules.outcomes(changes)


def derive_patients(
    session: Session, day: dt.date, kw: int | None, only: set[int] | None = None
) -> tuple[dict[str, Members], list[list[int]], list[rules.Change]]:
    """`derived` for every patient (or `only` these), the start-TOP changes unsummed."""
    lim = rules.limits(day)
    hist = hq.history(session=session, as_at=day, keyworker_id=kw, only=only)
    den: dict[str, set[int]] = {k: set() for k in rules.KEYS}
    num: dict[str, set[int]] = {k: set() for k in rules.KEYS}
    bands = [[0, 0] for _ in rules.OST_BANDS]
    changes: list[rules.Change] = []
    for pat in hist["patients"]:
        facts = history_facts(pat, hist, day, lim)
        for key, (inn, meets) in rules.membership(facts, lim).items():
            if inn:
                den[key].add(pat["id"])
            if meets:
                num[key].add(pat["id"])
        place = rules.ost_position(facts, lim)
        if place is not None:
            bands[place[0]][0] += 1
            bands[place[0]][1] += place[1]
        change = rules.change_of(facts.caches)
        if change is not None and facts.open_episode and not facts.deceased:
            changes.append(change)
    members = {k: Members(frozenset(den[k]), frozenset(num[k])) for k in rules.KEYS}
    return members, bands, changes


def history_facts(pat: Any, hist: dict[str, Any], day: dt.date, lim: rules.Limits) -> rules.Facts:
    pid = pat["id"]
    all_eps = hist["episodes"].get(pid, [])
    eps = [
        cache_rules.Ep(
            e["id"],
            _date(e["start_date"]),
            _date(e["end_date"]) if e["end_date"] and _date(e["end_date"]) <= day else None,
            e["exit_reason"] if e["end_date"] and _date(e["end_date"]) <= day else "",
        )
        for e in all_eps
        if _date(e["start_date"]) <= day
    ]
    died = _date_or_none(pat["date_of_death"])
    deceased = (died is not None and died <= day) or (died is None and pat["status"] == "deceased")
    reviews = [_rev(m) for m in hist["reviews"].get(pid, [])]
    reviews = [r for r in reviews if r.date <= day]
    every = [
        cache_rules.Ep(e["id"], _date(e["start_date"]), _date_or_none(e["end_date"]), "")
        for e in all_eps
    ]
    status = history_rules.status_at(
        pat["status"],
        pat["status_before_death"],
        pat["checkups_planned"],
        every,
        eps,
        reviews,
        day,
        deceased,
    )
    rx = [
        cache_rules.Rx(
            m["medicine"], m["dose_mg"], _date(m["start_date"]), _date_or_none(m["end_date"])
        )
        for m in hist["rx"].get(pid, [])
    ]
    events = [
        health_rules.Event(m["kind"], _date(m["check_date"]), m["result"])
        for m in hist["health"].get(pid, [])
    ]
    plan = hist["plans"].get(pid)
    agreed_on: dt.date | None = None
    live = False
    if plan is not None:
        agreed_on = _date_or_none(plan["agreed_on"]) or dt.date(1900, 1, 1)
        goals = hist["goals"].get(plan["id"], [])
        live = has_live_substance_goal((g["domain"], g["status"]) for g in goals)
    src = cache_rules.Sources(
        status=status,
        checkups_planned=pat["checkups_planned"],
        children_under_16=pat["children_under_16"],
        safe_storage_discussed=_date_or_none(pat["safe_storage_discussed"]),
        episodes=eps,
        prescriptions=rx,
        reviews=reviews,
        health=events,
        agreed_on=agreed_on,
        agreed_substance_goal=live,
    )
    caches = cache_rules.derive(src, pendulum.date(day.year, day.month, day.day))
    hbv = health_rules.latest(events, "hep_b_status")
    in_window, completed = rules.completion(eps, lim)
    barcs = [r.date for r in reviews if r.barc10_total is not None]
    return rules.Facts(
        caches=caches,
        deceased=deceased,
        open_episode=caches.episode_start is not None,
        post_exit=status == rules.POST_EXIT,
        barc10_on=max(barcs) if barcs else None,
        mutual_aid_attended=pid in hist["attended"],
        family_considered=rules.family_considered_on(
            day,
            [_date_or_none(m["added_on"]) for m in hist["family"].get(pid, [])],
            pat["family_involvement"],
            _date_or_none(pat["family_involvement_on"]),
        ),
        hbv_immune=hbv is not None and hbv.result in rules.HBV_IMMUNE,
        in_window=in_window,
        completed=completed,
    )


def _rev(m: Any) -> cache_rules.Rev:
    return cache_rules.Rev(
        id=m["id"],
        kind=m["kind"],
        date=_date(m["review_date"]),
        episode_id=m["episode_id"],
        finalised_at=m["finalised_at"] or "",
        next_review_date=_date_or_none(m.get("next_review_date")),
        next_review_reason=m.get("next_review_reason") or "",
        ost_decision=m.get("ost_decision") or "",
        barc10_total=m["barc10_total"],
        opiates_days=m["opiates_days"],
        injected_days=m["injected_days"],
        shared=bool(m.get("shared_needle") or m.get("shared_paraphernalia")),
    )


def _plain(d: dt.date) -> dt.date:
    return dt.date(d.year, d.month, d.day)


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return _plain(value)
    return dt.date.fromisoformat(str(value))


def _date_or_none(value: object) -> dt.date | None:
    return None if value is None else _date(value)
