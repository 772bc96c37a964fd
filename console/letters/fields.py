"""Named fields in letter templates: an allow-list, checked when a template is saved.

A template is plain text. `{patient.given_name}` stands for a value from the allow-list
below; a line holding only `{care_plan.goals_table}` or `{prescription.table}` stands for
a table. Substitution is a dictionary look-up on these names, never Python formatting
over live objects, so a template cannot reach anything it was not given.
A shipped template file starts with a small header (`title:`, `to:`) and a `---` line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

FIELDS: dict[str, str] = {
    "patient.given_name": "the patient's given name",
    "patient.family_name": "the patient's family name",
    "patient.full_name": "given and family name",
    "patient.nhs_number": "NHS number, 943 476 5919",
    "patient.date_of_birth": "date of birth, 12 March 1980",
    "review.due_date": "next review due, 23 November 2026",
    "checkup.due_date": "next post-exit check-up due",
    "recovery.start_date": "the date the patient counts their recovery from",
    "recovery.duration": "time in recovery, e.g. 2 years, 3 months",
    "recovery.milestone": (
        "a recovery milestone reached in the last 3 months, in words "
        "(six months, one, two, five, ten years…)"
    ),
    "recovery.milestone_date": "the day that milestone was reached",
    "care_plan.version": "the agreed care plan's version number",
    "care_plan.agreed_on": "the day the care plan was agreed",
    "resource.name": "mutual aid group or service",
    "resource.where": "where it meets",
    "resource.when": "when it meets",
    "resource.contact": "how to contact it",
    "prescription.medicine": "current OST medicine",
    "prescription.product": "its form and strength, e.g. Methadone oral solution 1 mg/ml",
    "prescription.dose": "current dose, e.g. 60 mg (60 ml) daily",
    "prescription.pharmacy": "the dispensing pharmacy",
    "prescription.advice": (
        "what the pharmacy should tell the surgery (missed doses, for daily doses only)"
    ),
    "practice.name": "the practice's name",
    "practice.phone": "the practice's phone number",
    "practice.email": "the practice's email address",
    "staff.name": "the member of staff signing the letter",
    "letter.date": "the letter's date",
}
TABLES: dict[str, str] = {
    "care_plan.goals_table": "the agreed care plan's goals (goal, actions, who, target, status)",
    "prescription.table": (
        "the patient and current prescription: medicine with form and strength, dose, "
        "instalment days, supervised days"
    ),
}

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_EXAMPLE = re.compile(r", (?:e\.g\. |\d)")
# Recall and invitation letters are made in batches from names, addresses and dates
# alone (no clinical data is read), so they can fill no clinical field or table.
BATCH_KEYS = ("review_invitation", "review_recall", "checkup_invitation")
CLINICAL = ("care_plan.", "resource.", "prescription.")


class TemplateError(ValueError):
    """A template names a field that does not exist, or has a stray brace."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class MissingValues(TemplateError):
    """The patient's record cannot supply fields the template uses: no letter, no blank."""

    def __init__(self, names: list[str]) -> None:
        super().__init__([f"no value for {{{name}}}" for name in names])
        self.names = names

    def explain(self) -> str:
        wanted = " and ".join(short_description(n) for n in dict.fromkeys(self.names))
        return f"No letter: the wording needs {wanted}, and none is recorded for this patient."


def short_description(name: str) -> str:
    """A field's description without its example ("next review due", not "next review
    due, 23 November 2026"), for a sentence that names what is missing."""
    return _EXAMPLE.split(FIELDS.get(name, name), maxsplit=1)[0]


@dataclass(frozen=True)
class TableBlock:
    name: str


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    to_home_address: bool
    body: str


@dataclass(frozen=True)
class Placeholder:
    """One `{…}` in a body: its name as written without surrounding spaces, and where."""

    name: str
    start: int
    end: int


def placeholders(text: str) -> list[Placeholder]:
    """The one parser of fields: saving checks and filling substitute these same names,
    so `{ patient.given_name }` means `{patient.given_name}` to both."""
    return [
        Placeholder(m.group(1).strip(), m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)
    ]


def available(key: str | None) -> tuple[dict[str, str], dict[str, str]]:
    """The fields and table blocks a template can fill (every one when `key` is None)."""
    if key not in BATCH_KEYS:
        return dict(FIELDS), dict(TABLES)
    kept = {n: d for n, d in FIELDS.items() if not n.startswith(CLINICAL)}
    return kept, {}


def problems(body: str, key: str | None = None) -> list[str]:
    """Everything wrong with a template body; empty when it may be saved."""
    found: list[str] = []
    usable, tables = available(key)
    for place in placeholders(body):
        name = place.name
        if name in usable:
            continue
        if name in tables:
            if _line_of(body, place.start).strip() != body[place.start : place.end]:
                found.append(f"{{{name}}} must stand on a line of its own")
            continue
        if name in FIELDS or name in TABLES:
            found.append(
                f"{{{name}}} cannot be filled in this letter: it is made in batches from "
                "names, addresses and dates, without clinical data"
            )
            continue
        found.append(f"unknown field {{{name}}}")
    leftover = _PLACEHOLDER.sub("", body)
    if "{" in leftover or "}" in leftover:
        found.append("a brace without its partner: fields are written {patient.given_name}")
    if not body.strip():
        found.append("the letter has no text")
    return found


def check(body: str, key: str | None = None) -> None:
    found = problems(body, key)
    if found:
        raise TemplateError(found)


def _line_of(text: str, index: int) -> str:
    start = text.rfind("\n", 0, index) + 1
    end = text.find("\n", index)
    return text[start : end if end >= 0 else len(text)]


def fill(body: str, values: Mapping[str, str]) -> list[str | TableBlock]:
    """Paragraphs (blank-line separated, fields filled) and table blocks, in order.

    A value missing from `values` is an error, never a blank in a printed letter.
    """
    parts: list[str | TableBlock] = []
    for stripped, found in _chunks(body):
        if isinstance(found, TableBlock):
            parts.append(found)
            continue
        missing = [p.name for p in found if p.name not in values]
        if missing:
            raise MissingValues(missing)
        filled, last = [], 0
        for p in found:
            filled += [stripped[last : p.start], values[p.name]]
            last = p.end
        parts.append("".join([*filled, stripped[last:]]))
    return parts


@lru_cache(maxsize=64)  # a batch fills the same few bodies thousands of times
def _chunks(body: str) -> tuple[tuple[str, TableBlock | tuple[Placeholder, ...]], ...]:
    """A checked body's paragraphs, each with its fields, or as a table block."""
    check(body)
    out: list[tuple[str, TableBlock | tuple[Placeholder, ...]]] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        stripped = chunk.strip()
        found = placeholders(stripped)
        if (
            len(found) == 1
            and found[0].name in TABLES
            and found[0].end - found[0].start == len(stripped)
        ):
            out.append((stripped, TableBlock(found[0].name)))
            continue
        out.append((stripped, tuple(found)))
    return tuple(out)


def parse_file(key: str, text: str) -> Template:
    """A shipped template file: `title:` and `to:` lines, `---`, then the body."""
    head, sep, body = text.partition("\n---\n")
    if not sep:
        raise TemplateError([f"template {key}: no '---' line after its header"])
    meta: dict[str, str] = {}
    for line in head.splitlines():
        name, _, value = line.partition(":")
        meta[name.strip()] = value.strip()
    return Template(
        key=key,
        title=meta.get("title", key),
        to_home_address=meta.get("to", "patient") == "patient",
        body=body.strip() + "\n",
    )


TEMPLATE_DIR = Path(__file__).parent / "templates"
# SPEC §5's order, which the chooser keeps; a file not listed here comes after them.
ORDER = (
    "review_invitation",
    "review_recall",
    "care_plan_copy",
    "mutual_aid_introduction",
    "checkup_invitation",
    "pharmacy_letter",
    "recovery_milestone",
)


def shipped() -> dict[str, Template]:
    """The templates shipped with the console, by key (file name without .txt)."""
    paths = sorted(
        TEMPLATE_DIR.glob("*.txt"),
        key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem),
    )
    return {p.stem: parse_file(p.stem, p.read_text(encoding="utf-8")) for p in paths}
