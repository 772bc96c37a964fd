"""What the review form's fields accept: text in, a value or a message out (with the
allowed range in every message), checked against the same rules the service uses."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from console.rules import barc10, top
from console.rules.vocab import (
    CorroborationSource,
    Dispensing,
    DoseInterval,
    GoalStatus,
    Medicine,
    OstDecision,
    Specimen,
)

NA = "NA"


class Unset:
    """A blank field."""


BLANK = Unset()
Parsed = object  # a value, BLANK, or NA


@dataclass(frozen=True)
class FieldSpec:
    label: str
    hint: str  # the allowed range, shown while the field has focus
    parse: Callable[[str], Parsed]  # raises ValueError with the message
    mask: str = ""  # "date": formatted as typed (screens/widgets/masked.py)
    # A field with a closed set of answers: a regex every text typed must match, so a
    # character outside the set is refused as it is typed.
    restrict: str | None = None

    def problem(self, text: str) -> str | None:
        """Why the text is wrong, or None: a masked field's check as it is typed."""
        try:
            self.parse(text)
        except ValueError as error:
            return str(error)
        return None


def closed(*words: str) -> str:
    """A restrict regex taking any beginning of one of these words (any case), so a
    character outside the set is refused while backspace still works."""
    prefixes = sorted({w[:n] for w in words for n in range(1, len(w) + 1)}, key=len)
    return "(?i)(" + "|".join(re.escape(p) for p in reversed(prefixes)) + ")?"


NUMBER_OR_NA = r"(?i)(\d*|n|na)"
AMOUNT_OR_NA = r"(?i)(\d*\.?\d*|n|na)"


def _int(text: str, low: int, high: int, what: str, na: bool = True) -> int:
    message = f"{what} {low}–{high}" + (", or NA" if na else "")
    try:
        value = int(text)
    except ValueError:
        raise ValueError(message) from None
    if not low <= value <= high:
        raise ValueError(message)
    return value


def _na_or(text: str, parse: Callable[[str], object]) -> Parsed:
    text = text.strip()
    if not text:
        return BLANK
    if text.upper() == NA:
        return NA
    return parse(text)


def top_field(column: str) -> FieldSpec:
    item, part = top.COLUMNS[column]
    if item.kind is top.ItemKind.YES_NO:

        def yes_no(text: str) -> object:
            low = text.lower()
            if low in ("y", "yes"):
                return True
            if low in ("n", "no"):
                return False
            raise ValueError("y (yes), n (no), or NA")

        return FieldSpec(
            item.label,
            f"{item.label}: y yes · n no · NA not answered",
            lambda t: _na_or(t, yes_no),
            restrict=closed("yes", "no", "na"),
        )
    if item.kind is top.ItemKind.RATING:
        return FieldSpec(
            item.label,
            f"{item.label}: 0 (poor) – 20 (good) · NA not answered",
            lambda t: _na_or(t, lambda s: _int(s, 0, 20, "rating")),
            restrict=NUMBER_OR_NA,
        )
    if part == "amount":

        def amount(text: str) -> float:
            try:
                value = float(text)
            except ValueError:
                raise ValueError(f"{item.amount_unit} a day, 0 or more") from None
            if value < 0:
                raise ValueError(f"{item.amount_unit} a day, 0 or more")
            return value

        return FieldSpec(
            f"{item.label} amount",
            f"{item.label}: average {item.amount_unit} on a using day (0 or more) · NA",
            lambda t: _na_or(t, amount),
            restrict=AMOUNT_OR_NA,
        )
    if part == "days":
        return FieldSpec(
            f"{item.label} total",
            f"{item.label}: days in the past 28, 0–28 (only if weeks unknown) · NA",
            lambda t: _na_or(t, lambda s: _int(s, 0, 28, "total days")),
            restrict=NUMBER_OR_NA,
        )
    week = part.removeprefix("w")
    return FieldSpec(
        f"{item.label} week {week}",
        f"{item.label}, week {week}: days used 0–7 · NA = not answered (not 0)",
        lambda t: _na_or(t, lambda s: _int(s, 0, 7, "days a week")),
        restrict=NUMBER_OR_NA,
    )


def barc_field(n: int) -> FieldSpec:
    scale = " · ".join(f"{k} {v}" for k, v in barc10.SCALE.items())
    return FieldSpec(
        f"BARC-10 item {n}",
        f"{n}: 1–6 ({scale})",
        lambda t: BLANK if not t.strip() else _int(t.strip(), 1, 6, "answer", na=False),
        restrict=r"\d*",
    )


def _choice(options: dict[str, str], what: str) -> Callable[[str], Parsed]:
    def parse(text: str) -> Parsed:
        low = text.strip().lower().replace(" ", "_")
        if not low:
            return BLANK
        if low in options:
            return options[low]
        if low in options.values():
            return low
        raise ValueError(what)

    return parse


SPECIMENS = {"u": Specimen.URINE.value, "o": Specimen.ORAL_FLUID.value, "oral": "oral_fluid"}
RESULTS = {"+": "positive", "p": "positive", "-": "negative", "n": "negative", "x": "not_tested"}
SOURCES = {
    "p": CorroborationSource.PHARMACY.value,
    "k": CorroborationSource.KEYWORKER.value,
    "f": CorroborationSource.FAMILY.value,
    "s": CorroborationSource.SPECIALIST.value,
    "o": CorroborationSource.OTHER.value,
}
GOAL_STATUSES = {
    "n": GoalStatus.NOT_STARTED.value,
    "p": GoalStatus.IN_PROGRESS.value,
    "a": GoalStatus.ACHIEVED.value,
    "d": GoalStatus.DROPPED.value,
}
DECISIONS = {
    "c": OstDecision.CONTINUE_MAINTENANCE.value,
    "r": OstDecision.REDUCE.value,
    "d": OstDecision.DETOXIFY.value,
    "i": OstDecision.INCREASE.value,
    "s": OstDecision.START.value,
    "x": OstDecision.STOP.value,
    "n": OstDecision.NOT_ON_OST.value,
    "p": OstDecision.PENDING.value,
}

SPECIMEN = FieldSpec(
    "Specimen",
    "Specimen: u urine · o oral fluid",
    _choice(SPECIMENS, "u urine or o oral fluid"),
    restrict=closed(*SPECIMENS, *SPECIMENS.values(), "oral fluid"),
)
RESULT = FieldSpec(
    "Result",
    "Result: + positive · - negative · blank not tested",
    _choice(RESULTS, "+, - or blank"),
    restrict=closed(*RESULTS, *RESULTS.values(), "not tested"),
)
SOURCE = FieldSpec(
    "Source",
    "Source: p pharmacy · k keyworker · f family · s specialist service · o other",
    _choice(SOURCES, "p, k, f, s or o"),
    restrict=closed(*SOURCES, *SOURCES.values()),
)
GOAL = FieldSpec(
    "New status",
    "Status: n not started · p in progress · a achieved · d dropped",
    _choice(GOAL_STATUSES, "n, p, a or d"),
    restrict=closed(
        *GOAL_STATUSES,
        *GOAL_STATUSES.values(),
        *(v.replace("_", " ") for v in GOAL_STATUSES.values()),
    ),
)


def goal_field(words: str) -> FieldSpec:
    """A goal's new status; the hint line carries the goal's words."""
    words = " ".join(words.split())
    codes = " · n p a d"
    room = 78 - len(codes)
    shown = words if len(words) <= room else words[: room - 1] + "…"
    return FieldSpec(f"Goal “{words[:30]}”", f"{shown}{codes}", GOAL.parse, restrict=GOAL.restrict)


DECISION = FieldSpec(
    "OST decision",
    "c continue, r reduce, d detox, i increase, s start, x stop, n none, p pending",
    _choice(DECISIONS, "one of c r d i s x n p"),
    restrict=closed(
        *DECISIONS, *DECISIONS.values(), *(v.replace("_", " ") for v in DECISIONS.values())
    ),
)


def parse_date(text: str) -> Parsed:
    text = text.strip()
    if not text:
        return BLANK
    try:
        day, month, year = (int(p) for p in text.split("/"))
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError("a date dd/mm/yyyy") from None


def parse_dose(text: str) -> Parsed:
    text = text.strip()
    if not text:
        return BLANK
    try:
        value = float(text)
    except ValueError:
        raise ValueError("a dose in mg, more than 0") from None
    if value <= 0:
        raise ValueError("a dose in mg, more than 0")
    return value


def _declined(text: str) -> Parsed:
    low = text.strip().lower()
    if low not in ("", "y", "yes", "n", "no"):
        raise ValueError("y (declined) or n")
    return low in ("y", "yes")


DECLINED = FieldSpec(
    "BARC-10 declined",
    "y = the patient declined the BARC-10 · blank or n = not declined",
    _declined,
    restrict=closed("yes", "no"),
)
DATE = FieldSpec("Date", "A date, dd/mm/yyyy", parse_date, mask="date")
NEXT_DATE = FieldSpec(
    "Next review",
    "Next review, dd/mm/yyyy: a date later than the rule gives needs a reason",
    parse_date,
    mask="date",
)


def review_date_field(today: dt.date) -> FieldSpec:
    def parse(text: str) -> Parsed:
        got = parse_date(text)
        if isinstance(got, dt.date) and got > today:
            raise ValueError("not in the future (today or earlier)")
        return got

    return FieldSpec(
        "Review date",
        "The date the review was held, dd/mm/yyyy, today or earlier",
        parse,
        mask="date",
    )


def _name(text: str) -> Parsed:
    text = text.strip()
    if len(text) > NAME_LIMIT:
        raise ValueError(f"at most {NAME_LIMIT} characters")
    return text or BLANK


NAME_LIMIT = 60
OTHER_NAME = FieldSpec(
    "Other substance name", f"Name the other problem substance (up to {NAME_LIMIT})", _name
)


def _picked(what: str, allowed: frozenset[str]) -> Callable[[str], Parsed]:
    """A Select's value as text: blank, or one of its options."""

    def parse(text: str) -> Parsed:
        if not text:
            return BLANK
        if text not in allowed:
            raise ValueError(what)
        return text

    return parse


def _yes_no_answer(text: str) -> Parsed:
    if not text:
        return BLANK
    if text not in ("yes", "no"):
        raise ValueError("yes or no")
    return text == "yes"


MEDICINE = FieldSpec(
    "Medicine",
    "The medicine to start: enter opens the list",
    _picked("choose a medicine", frozenset(m.value for m in Medicine)),
)
INTERVAL = FieldSpec(
    "Interval",
    "Daily for oral medicines; weekly or monthly for the injection",
    _picked("daily, weekly or monthly", frozenset(i.value for i in DoseInterval)),
)
DISPENSING = FieldSpec(
    "Dispensing",
    "Supervised, daily, multi-day or weekly pick-up (oral); none for the injection",
    _picked("choose how it is dispensed", frozenset(d.value for d in Dispensing)),
)
NEED = FieldSpec("Answer", "Yes or No: press y or n (enter opens the list)", _yes_no_answer)
DOSE = FieldSpec("New dose", "New dose in mg (more than 0)", parse_dose, restrict=r"\d*\.?\d*")
TEXT = FieldSpec("Text", "Free text", lambda t: t.strip() or BLANK)


def date_text(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def value_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def short(value: object) -> str:
    """A previous value beside a field: NA when not answered."""
    return NA if value is None else value_text(value)
