"""The summary's lines, built from a PatientSummary (no widgets here): what the line view
draws, section by section, with a role for each piece of text (its style) and a key
naming what it is ("treatment", "f-status", "alert"), so a test reads one section.

The wording comes from `summary_sections`; this only lays it out at 80 columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from console import format as fmt
from console.services.dto import PatientRecord
from console.services.summary_dto import PatientSummary
from screens.patients import summary_sections as text
from screens.widgets.trend import trend_text, worse

# (text, role, key): role picks the style ("" is body text), key what the text is.
Span = tuple[str, str, str]


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...] = ()
    indent: int = 0  # continuation lines of a long value hang under this column


class History:
    """Where the review history's window goes among the lines."""


HISTORY = History()
LABEL_WIDTH = 17  # the demographics' label column

FIELDS = (
    ("address", "Address"),
    ("phone", "Phone"),
    ("email", "Email"),
    ("letters", "Letters to home"),
    ("sex", "Sex"),
    ("status", "Status"),
    ("keyworker", "Keyworker"),
    ("next-review", "Next review"),
)

# Headings name the key that opens the section's own screen.
SECTIONS = (
    ("treatment", "Treatment"),
    ("alerts", "Alerts"),
    ("progress", "Progress"),
    ("history", "Review history (v, then enter opens one)"),
    ("support", "Recovery support (k)"),
    ("family", "Family and supporters (f)"),
    ("health", "Health checks (h)"),
    ("letters-sent", "Letters sent (l)"),
    ("episodes", "Earlier episodes"),
)

# Sparklines in grid order (two columns): id, label, ReviewPoint field, range, "/N", better.
TRENDS: tuple[tuple[str, str, str, int, int, int | None, bool], ...] = (
    ("barc", "BARC-10", "barc10_total", 10, 60, None, True),
    ("qol", "Quality life", "quality_of_life", 0, 20, 20, True),
    ("opiates", "Opiate days", "opiates_days", 0, 28, 28, False),
    ("psych", "Psych health", "psych_health", 0, 20, 20, True),
    ("alcohol", "Alcohol days", "alcohol_days", 0, 28, 28, False),
    ("physical", "Phys health", "physical_health", 0, 20, 20, True),
)

# The letter, and its name, say what an alert is: colour is only an extra.
ALERT_ROLE = {"R": "red", "T": "red", "S": "red", "D": "amber", "H": "amber", "E": "amber"}

BLANK = Line()


def heading(words: str, key: str) -> Line:
    return Line(((words, "heading", f"h-{key}"),))


def body(words: str, key: str, role: str = "") -> list[Line]:
    return [Line(((part, role, key),)) for part in words.split("\n")]


def opening() -> list[Line | History]:
    """Before the record arrives: the title line is already there; this says why not more."""
    return [BLANK, heading("Demographics", "demographics"), *body("Opening…", "", "muted")]


def refused(message: str) -> list[Line | History]:
    """A refusal (or a failure): its words alone, no clinical section."""
    return [BLANK, *body(message, "message", "error")]


def demographics(summary: PatientSummary, today: dt.date) -> list[Line]:
    record: PatientRecord = summary.record
    values = {
        "address": fmt.address_text(
            record.address_line_1,
            record.address_line_2,
            f"{record.town} {record.postcode}",
        )
        or "not recorded",
        "phone": record.phone or "not recorded",
        "email": record.email or "not recorded",
        "letters": "yes, consented" if record.consent_letters_home else "no consent",
        "sex": record.sex.capitalize(),
        "status": fmt.status_text(record.status)
        + (f" ({fmt.date_text(record.date_of_death)})" if record.date_of_death else ""),
        "keyworker": summary.keyworker or "none assigned",
    }
    labels = dict(FIELDS)
    labels["next-review"], values["next-review"], due = text.next_due_text(summary, today)
    roles = {
        "letters": "" if record.consent_letters_home else "warning",
        "next-review": "overdue" if fmt.due_class(due, today) == "overdue" else "",
    }
    return [
        Line(
            (
                (labels[key], "muted", f"l-{key}"),
                (values[key], roles.get(key, ""), f"f-{key}"),
            ),
            indent=LABEL_WIDTH,
        )
        for key, _label in FIELDS
    ]


def alerts(summary: PatientSummary) -> list[Line]:
    if not summary.alerts:
        return body("No alerts.", "alert-none", "muted")
    return [
        Line(
            (
                (
                    f"{a.letter} {text.ALERT_NAMES.get(a.letter, ''):<9} {a.text}",
                    ALERT_ROLE.get(a.letter, ""),
                    "alert",
                ),
            )
        )
        for a in summary.alerts
    ]


def progress(summary: PatientSummary, width: int = 38) -> list[Line]:
    """The six trends two to a line, each column `width` wide (half of 76)."""
    reviews = summary.reviews
    if not reviews:
        return body("No finalised reviews yet.", "progress", "muted")
    spans: list[Span] = []
    for name, label, field, low, high, out_of, better in TRENDS:
        values = [getattr(r, field) for r in reviews]
        words = trend_text(label, values, low=low, high=high, out_of=out_of)
        role = "warning" if worse(values, better) else ""
        spans.append((words, role, f"t-{name}"))
    lines = []
    for left, right in zip(spans[::2], spans[1::2], strict=True):
        pad = (" " * max(width - len(left[0]), 1), "", "")
        lines.append(Line((left, pad, right)))
    return lines


def summary_lines(summary: PatientSummary, today: dt.date) -> list[Line | History]:
    """Every section, in the order of SPEC §3.2, with a blank line before each heading."""
    out: list[Line | History] = [BLANK, heading("Demographics", "demographics")]
    out += demographics(summary, today)
    out += body(text.recovery_text(summary, today), "recovery")
    texts = {
        "treatment": lambda: text.treatment_text(summary, today),
        "support": lambda: text.links_text(summary),
        "family": lambda: text.family_text(summary),
        "health": lambda: text.health_text(summary),
        "letters-sent": lambda: text.letters_text(summary),
        "episodes": lambda: text.past_episodes_text(summary),
    }
    for key, words in SECTIONS:
        out.append(BLANK)
        if key == "alerts":
            n = len(summary.alerts)
            out += [heading(f"Alerts ({n})" if n else "Alerts", key), *alerts(summary)]
        elif key == "progress":
            n = len(summary.reviews)
            out.append(heading(f"Progress ({n} review{'' if n == 1 else 's'})", key))
            out += progress(summary)
        elif key == "history":
            n = len(summary.history)
            out.append(heading(f"Review history ({n}; v, then enter opens one)", key) if n
                       else heading("Review history", key))  # fmt: skip
            out += [HISTORY] if n else body("No reviews recorded.", "history-none", "muted")
        else:
            out += [heading(words, key), *body(texts[key](), key)]
    return out
