"""Care plan rules (SPEC §2, §3.3): goal fields, gentle prompts, comparisons. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pendulum

from console.rules.vocab import DOMAIN_LABEL, Domain, GoalStatus

WORDS_LIMIT = 300
ACTIONS_LIMIT = 500
OWNER_LIMIT = 120
REASON_LIMIT = 200
NOTE_LIMIT = 300
AGREED_WITH_LIMIT = 120
COMMENT_LIMIT = 500

STATUS_LABEL = {
    GoalStatus.NOT_STARTED: "not started",
    GoalStatus.IN_PROGRESS: "in progress",
    GoalStatus.ACHIEVED: "achieved",
    GoalStatus.DROPPED: "dropped",
}
# A sign beside each status so that colour is never the only one (SPEC §3).
STATUS_MARK = {
    GoalStatus.NOT_STARTED: "○",
    GoalStatus.IN_PROGRESS: "●",
    GoalStatus.ACHIEVED: "✓",
    GoalStatus.DROPPED: "×",
}


class FieldError(ValueError):
    pass


# -- fields -------------------------------------------------------------------------------
def text_field(value: str, *, label: str, limit: int, required: bool) -> str:
    clean = " ".join(value.split())
    if required and not clean:
        raise FieldError(f"{label} is required")
    if len(clean) > limit:
        raise FieldError(f"{label}: at most {limit} characters")
    return clean


def words(value: str) -> str:
    return text_field(
        value, label="the goal in the patient's words", limit=WORDS_LIMIT, required=True
    )


def actions(value: str) -> str:
    return text_field(value, label="actions", limit=ACTIONS_LIMIT, required=False)


def owner(value: str) -> str:
    return text_field(value, label="who", limit=OWNER_LIMIT, required=True)


def domain(value: str) -> Domain:
    try:
        return Domain(value)
    except ValueError as exc:
        raise FieldError("choose one of the ten domains") from exc


def parse_date(text: str) -> pendulum.Date | None:
    """`DD/MM/YYYY` or `YYYY-MM-DD`; blank is None."""
    value = text.strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return pendulum.from_format(value, "YYYY-MM-DD").date()
        if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            day, month, year = (int(p) for p in value.split("/"))
            return pendulum.date(year, month, day)
    except ValueError as exc:
        raise FieldError("no such date") from exc
    raise FieldError("date must be DD/MM/YYYY")


def target_date(text: str, *, today: pendulum.Date, new: bool) -> pendulum.Date | None:
    """Optional; a new goal's target is today or later (an old goal keeps its date)."""
    parsed = parse_date(text)
    if parsed is not None:
        if new and parsed < today:
            raise FieldError("target date cannot be before today")
        if parsed.year > today.year + 10:
            raise FieldError("target date within 10 years")
    return parsed


def agreed_on(text: str, *, today: pendulum.Date) -> pendulum.Date:
    parsed = parse_date(text)
    if parsed is None:
        raise FieldError("date agreed is required (DD/MM/YYYY)")
    if parsed > today:
        raise FieldError("date agreed cannot be in the future")
    if parsed < today.subtract(years=1):
        raise FieldError("date agreed within the last year")
    return parsed


def goal_fields(
    values: Mapping[str, str], *, today: pendulum.Date, new: bool
) -> tuple[dict[str, object], dict[str, str]]:
    """Check a goal form: (clean values, field → message)."""
    clean: dict[str, object] = {}
    errors: dict[str, str] = {}
    checks = {
        "domain": domain,
        "words": words,
        "actions": actions,
        "owner": owner,
        "target_date": lambda v: target_date(v, today=today, new=new),
    }
    for key, check in checks.items():
        try:
            clean[key] = check(values.get(key, ""))
        except FieldError as exc:
            errors[key] = str(exc)
    return clean, errors


# -- prompts ------------------------------------------------------------------------------
@dataclass(frozen=True)
class LastTop:
    """What the prompts need from the latest TOP (None = not answered)."""

    acute_housing: bool | None = None
    eviction_risk: bool | None = None
    paid_work_days: int | None = None


@dataclass(frozen=True)
class Prompt:
    domain: Domain
    text: str


def prompts(live_domains: Iterable[str], top: LastTop | None) -> tuple[Prompt, ...]:
    """Gentle prompts for domains a recovery plan usually covers; never a block."""
    have = set(live_domains)
    out: list[Prompt] = []
    if Domain.MUTUAL_AID not in have:
        out.append(
            Prompt(Domain.MUTUAL_AID, "no goal yet: consider one for mutual aid or peer support")
        )
    if Domain.FAMILY not in have:
        out.append(Prompt(Domain.FAMILY, "no goal yet: consider one for family and relationships"))
    if top is not None:
        if Domain.HOUSING not in have and (top.acute_housing or top.eviction_risk):
            out.append(
                Prompt(
                    Domain.HOUSING, "no goal: the last TOP shows a housing problem, consider one"
                )
            )
        if Domain.EMPLOYMENT not in have and top.paid_work_days == 0:
            out.append(
                Prompt(Domain.EMPLOYMENT, "no goal: the last TOP shows no paid work, consider one")
            )
    return tuple(sorted(out, key=lambda p: list(Domain).index(p.domain)))


# -- status history and comparison ------------------------------------------------------
def status_at(events: Sequence[tuple[str, str]], at: str, default: str) -> str:
    """A goal's status as it stood at `at` (UTC ISO), from (at, status) events in order."""
    status = default
    for when, value in events:
        if when <= at:
            status = value
    return status


@dataclass(frozen=True)
class GoalText:
    domain: str
    words: str
    actions: str
    owner: str
    target_date: object


def change_kind(a: GoalText | None, b: GoalText | None, status_a: str, status_b: str) -> str:
    """How a goal moved from version A to version B: added, dropped, changed or same."""
    if a is None:
        return "added"
    if b is None or (status_b == GoalStatus.DROPPED and status_a != GoalStatus.DROPPED):
        return "dropped"
    return "same" if a == b else "changed"


def has_live_substance_goal(goals: Iterable[tuple[str, str]]) -> bool:
    """(domain, status) pairs: the drift guard's (c) clears with a live substance goal."""
    return any(d == Domain.SUBSTANCE_USE and s != GoalStatus.DROPPED for d, s in goals)


def domain_label(value: str) -> str:
    try:
        return DOMAIN_LABEL[Domain(value)]
    except ValueError:
        return value
