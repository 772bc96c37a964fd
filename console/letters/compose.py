"""From a patient's stored facts to a filled letter (LetterContent): pure, no ReportLab.

The values a template may use are exactly `fields.FIELDS`; a value the patient's record
cannot supply is left out, so `fields.fill` refuses the letter instead of printing a blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pendulum

from console.format import nhs
from console.letters import fields, milestones, pharmacy
from console.letters.model import LetterContent, Letterhead, Table
from console.rules import products
from console.rules.durations import spoken
from console.rules.vocab import (
    DOMAIN_LABEL,
    MEDICINE_LABEL,
    Domain,
    Medicine,
    PatientStatus,
)

GOAL_STATUS = {
    "not_started": "Not started",
    "in_progress": "In progress",
    "achieved": "Achieved",
    "dropped": "Dropped",
}


@dataclass(frozen=True)
class Signer:
    """Who a letter is signed by: a member of staff's name and professional title, or
    (a batch) the practice's signature default. Never a role name."""

    name: str
    title: str = ""  # "GP", "Nurse prescriber" … ("" when none is recorded)
    lines: tuple[str, ...] = ()  # a signature default's lines below the name

    @classmethod
    def practice(cls, head: Letterhead) -> Signer:
        """The practice's signature default: its first line signs, the rest follow; when
        none is set, the team at the practice."""
        lines = [" ".join(x.split()) for x in head.signature.splitlines() if x.strip()]
        if not lines:
            return cls("The recovery team")
        return cls(lines[0], lines=tuple(lines[1:]))

    def under(self, practice: str) -> str:
        """The lines under the name: the title and the practice, or the default's lines."""
        if self.lines:
            return "\n".join(self.lines)
        return f"{self.title}, {practice}" if self.title else practice


@dataclass(frozen=True)
class PatientFacts:
    """What one letter needs about one patient (plain rows from the letters queries)."""

    patient: Mapping[str, object]
    goals: Sequence[Mapping[str, object]] = ()
    prescription: Mapping[str, object] | None = None
    resource: Mapping[str, object] | None = None
    plan: Mapping[str, object] | None = None  # the agreed care plan version the goals are of


def long_date(day: dt.date | None) -> str:
    """The practice's style: 23 November 2026."""
    if day is None:
        return ""
    return _formatted(day.year, day.month, day.day, "D MMMM YYYY")


def short_date(day: dt.date | None) -> str:
    """For a narrow table column: 1 Mar 2027."""
    if day is None:
        return ""
    return _formatted(day.year, day.month, day.day, "D MMM YYYY")


@lru_cache(maxsize=4096)  # a batch formats the same few days thousands of times
def _formatted(year: int, month: int, day: int, style: str) -> str:
    return pendulum.date(year, month, day).format(style)


RECALL = "review_recall"
MILESTONE = "recovery_milestone"


def postal_refusal(facts: PatientFacts, template: fields.Template) -> str | None:
    """Why a letter to the home address may not be posted to this patient, or None."""
    patient = facts.patient
    if not template.to_home_address:
        return None
    if not patient["consent_letters_home"]:
        return (
            "No letter: the patient has not consented to letters at their home address. "
            "Record their consent in their details first."
        )
    if not (patient["address_line_1"] and patient["postcode"]):
        return "No letter: no home address (first line and postcode) is recorded."
    return None


def refusal(
    facts: PatientFacts, template: fields.Template, today: dt.date, *, postal: bool = True
) -> str | None:
    """Why no letter may be produced, or None. The message names no patient. `postal`
    False leaves out consent and address (a preview of the wording, never posted)."""
    patient = facts.patient
    if patient["status"] == PatientStatus.DECEASED:
        return "No letter: this patient is recorded as deceased, so every letter has stopped."
    if postal and (why := postal_refusal(facts, template)):
        return why
    if template.key == MILESTONE:
        start = patient.get("recovery_start")
        if not isinstance(start, dt.date):
            return "No letter: no recovery start date is recorded for this patient."
        if milestones.reached(start, today) is None:
            ahead = milestones.upcoming(start, today, 3660)
            next_one = f" The next is {ahead.words} on {long_date(ahead.day)}." if ahead else ""
            return (
                "No letter: no recovery milestone (six months, one, two, five, ten years…) "
                f"was reached in the last {milestones.RECENT_DAYS} days.{next_one}"
            )
    if template.key == pharmacy.KEY:
        return pharmacy.refusal(facts.prescription)
    due = patient.get("next_review_due")
    if template.key == RECALL and (not isinstance(due, dt.date) or due >= today):
        # A recall says the review was missed: never send it before the date has passed.
        return "No recall: the review is not overdue. Send the review invitation instead."
    return None


def _medicine(code: object) -> str:
    try:
        return MEDICINE_LABEL[Medicine(str(code))]
    except ValueError:
        return str(code).replace("_", " ").capitalize()


def _s(value: object) -> str:
    return "" if value is None else str(value)


def values(facts: PatientFacts, head: Letterhead, signer: Signer, today: dt.date) -> dict[str, str]:
    p = facts.patient
    given, family = _s(p["given_name"]), _s(p["family_name"])
    out = {
        "patient.given_name": given,
        "patient.family_name": family,
        "patient.full_name": f"{given} {family}".strip(),
        "patient.nhs_number": nhs(_s(p["nhs_number"])),
        "patient.date_of_birth": long_date(p["date_of_birth"]),  # type: ignore[arg-type]
        "practice.name": head.name,
        "practice.phone": head.phone,
        "practice.email": head.email,
        "staff.name": signer.name,
        "letter.date": long_date(today),
    }
    optional: dict[str, dt.date | None] = {
        "review.due_date": p.get("next_review_due"),  # type: ignore[dict-item]
        "checkup.due_date": p.get("next_checkup_due"),  # type: ignore[dict-item]
        "recovery.start_date": p.get("recovery_start"),  # type: ignore[dict-item]
    }
    out.update({k: long_date(v) for k, v in optional.items() if v is not None})
    start = p.get("recovery_start")
    if isinstance(start, dt.date):
        out["recovery.duration"] = spoken(start, today)
        milestone = milestones.reached(start, today)
        if milestone is not None:
            out["recovery.milestone"] = milestone.words
            out["recovery.milestone_date"] = long_date(milestone.day)
    if facts.plan is not None:
        out["care_plan.version"] = str(facts.plan["version_no"])
        if facts.plan["agreed_on"] is not None:
            out["care_plan.agreed_on"] = long_date(facts.plan["agreed_on"])  # type: ignore[arg-type]
    if facts.resource is not None:
        r = facts.resource
        out["resource.name"] = _s(r["name"])
        out["resource.where"] = _s(r["where"]) or "please ask us"
        out["resource.when"] = _s(r["when"]) or "please ask us"
        out["resource.contact"] = _s(r["contact"]) or "through the surgery"
    if facts.prescription is not None:
        rx = facts.prescription
        out["prescription.medicine"] = _medicine(rx["medicine"])
        out["prescription.dose"] = pharmacy.dose_text(rx)
        out["prescription.pharmacy"] = _s(rx.get("pharmacy_name") or rx["pharmacy"])
        out["prescription.pharmacy"] = out["prescription.pharmacy"] or "not recorded"
        label = products.product_label(
            _s(rx["medicine"]), _s(rx["product"]), _s(rx["product_text"])
        )
        if label:
            out["prescription.product"] = label
        out["prescription.advice"] = pharmacy.advice(rx, head.phone)
    return out


def tables(facts: PatientFacts) -> dict[str, Table]:
    goals = []
    for g in facts.goals:
        try:
            domain = DOMAIN_LABEL[Domain(str(g["domain"]))]
        except ValueError:
            domain = _s(g["domain"])
        goals.append(
            (
                f"{g['words']}\n({domain})",
                _s(g["actions"]),
                _s(g["owner"]),
                short_date(g["target_date"]),  # type: ignore[arg-type]
                GOAL_STATUS.get(_s(g["status"]), _s(g["status"])),
            )
        )
    out = {
        "care_plan.goals_table": Table(
            ("Goal", "What will be done", "Who", "By", "Status"),
            tuple(goals),
            # "In progress", "23 Sep 2027" on one line; "patient and keyworker" on two
            (0.29, 0.27, 0.15, 0.15, 0.14),
            empty_text="No care plan has been agreed yet.",
        )
    }
    out["prescription.table"] = pharmacy.table(
        facts.prescription,
        facts.patient,
        long_date(facts.patient["date_of_birth"]),  # type: ignore[arg-type]
        long_date(facts.prescription["start_date"]) if facts.prescription else "",  # type: ignore[arg-type]
    )
    return out


def addressee(facts: PatientFacts, template: fields.Template) -> tuple[str, ...]:
    p = facts.patient
    if not template.to_home_address:
        if facts.prescription is not None and facts.prescription.get("pharmacy_name"):
            return pharmacy.addressee(facts.prescription)
        return ("The Pharmacist", "Community pharmacy")
    lines = [f"{_s(p['given_name'])} {_s(p['family_name'])}".strip()]
    lines += [_s(p[k]) for k in ("address_line_1", "address_line_2", "town") if p[k]]
    lines.append(_s(p["postcode"]).upper())
    return tuple(line for line in lines if line)


def compose(
    facts: PatientFacts,
    template: fields.Template,
    head: Letterhead,
    signer: Signer,
    today: dt.date,
    *,
    unrecorded: bool = False,
) -> LetterContent:
    """Fill one letter; raises fields.TemplateError naming any value the record lacks, or
    with `unrecorded` (a preview of the wording) marks it "[… not recorded]" instead."""
    p = facts.patient
    filled = values(facts, head, signer, today)
    if unrecorded:
        marks = {n: f"[{fields.short_description(n)}: not recorded]" for n in fields.FIELDS}
        filled = {**marks, **filled}
    parts = fields.fill(template.body, filled)
    who = f"{_s(p['given_name'])} {_s(p['family_name'])} · NHS number {nhs(_s(p['nhs_number']))}"
    reference = f"{who} · born {long_date(p['date_of_birth'])}"  # type: ignore[arg-type]
    return LetterContent(
        addressee=addressee(facts, template),
        date_text=long_date(today),
        reference=reference,
        parts=tuple(parts),
        tables=tables(facts),
        signer_name=signer.name,
        signer_role=signer.under(head.name),
        title=template.title,
        key=template.key,
        closing="Yours sincerely," if template.to_home_address else "Yours faithfully,",
        patient_line=who,
        accessibility=head.access_line,
    )
