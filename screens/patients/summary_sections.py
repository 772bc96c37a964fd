"""The summary's section texts, built from the PatientSummary dataclasses (no widgets here).

Plain functions so the wording ("Dose 80 → 60 → 40 mg since 2023") is tested without a
terminal, and the screen stays a layout.
"""

from __future__ import annotations

import datetime as dt

from console import format as fmt
from console.rules import health as health_rules
from console.rules.durations import spoken
from console.rules.vocab import DISPENSING_LABEL, EXIT_REASONS, MEDICINE_LABEL, Medicine
from console.services.summary_dto import Dose, PatientSummary, ReviewPoint

ALERT_NAMES = {
    "R": "review",
    "D": "drift",
    "H": "health",
    "T": "test",
    "S": "safety",
    "L": "linkage",
    "C": "check-up",
    "E": "re-engage",
}


# Short kind names for the review history's first line.
KIND_SHORT = {
    "start": "Start",
    "strategic": "Strategic",
    "interim": "Interim",
    "exit": "Exit",
    "post_exit_checkup": "Check-up",
}


def _label(text: str) -> str:
    return text.replace("_", " ")


def _day(stamp: str) -> str:
    """A stored ISO time as staff read a date: `2 Dec 2026`."""
    try:
        return fmt.date_text(dt.date.fromisoformat(stamp[:10]))
    except ValueError:
        return stamp[:10]


def medicine_text(medicine: str) -> str:
    try:
        return MEDICINE_LABEL[Medicine(medicine)]
    except ValueError:
        return _label(medicine).capitalize()


def dose_line(dose: Dose) -> str:
    """ "Methadone 40 mg daily, supervised, Westgate Pharmacy" """
    parts = [f"{medicine_text(dose.medicine)} {fmt.dose_text(dose.dose_mg)} {dose.interval}"]
    if dose.dispensing:
        parts.append(DISPENSING_LABEL.get(dose.dispensing, _label(dose.dispensing)))
    if dose.pharmacy:
        parts.append(dose.pharmacy)
    return ", ".join(parts)


def dose_history(doses: tuple[Dose, ...], since: dt.date | None) -> str:
    """ "Dose 80 → 60 → 40 mg since 2023" over the current continuous run (last six doses)."""
    run = [d for d in doses if since is not None and d.start >= since]
    if not run:
        return ""
    shown = run[-6:]
    medicines = {d.medicine for d in shown}
    if len(medicines) == 1:
        steps = " → ".join(f"{d.dose_mg:g}" for d in shown)
        text = f"Dose {steps} mg"
    else:
        steps = " → ".join(f"{medicine_text(d.medicine)} {d.dose_mg:g} mg" for d in shown)
        text = f"Doses {steps}"
    more = "" if len(run) == len(shown) else f" ({len(run) - len(shown)} earlier)"
    return f"{text}{more} since {run[0].start.year}."


def treatment_text(s: PatientSummary, today: dt.date) -> str:
    lines: list[str] = []
    if s.episode is not None:
        started = s.episode.start
        lines.append(
            f"In treatment since {fmt.date_text(started)} ({spoken(started, today)})"
            + (f", referred by {s.episode.referral_source}" if s.episode.referral_source else "")
            + "."
        )
        if s.episode.problem_substances:
            lines.append(f"Problem substances: {s.episode.problem_substances}.")
    else:
        lines.append("No open treatment episode.")
    current = s.current_dose
    if current is not None:
        lines.append(f"{dose_line(current)}.")
        history = dose_history(s.doses, s.ost_since)
        if history:
            lines.append(history)
        if s.ost_since is not None:
            lines.append(
                f"On OST {spoken(s.ost_since, today)} (since {fmt.date_text(s.ost_since)})."
            )
    elif s.doses:
        last = s.doses[-1]
        lines.append(f"Not on OST; last {dose_line(last)} ended {fmt.date_text(last.end)}.")
    else:
        lines.append("No OST prescribed.")
    return "\n".join(lines)


def recovery_text(s: PatientSummary, today: dt.date) -> str:
    start = s.record.recovery_start
    if start is None:
        return "Recovery start not recorded."
    return f"In recovery {spoken(start, today)} (since {fmt.date_text(start)})"


def past_episodes_text(s: PatientSummary) -> str:
    if not s.past_episodes:
        return "No earlier episodes."
    rows = []
    for e in reversed(s.past_episodes):
        reason = EXIT_REASONS.get(e.exit_reason, ("no exit reason", None))[0]
        code = f"{e.exit_reason} " if e.exit_reason else ""
        rows.append(f"{fmt.date_text(e.start)} – {fmt.date_text(e.end)} · {code}{reason}")
    return "\n".join(rows)


def links_text(s: PatientSummary) -> str:
    if not s.links:
        return "No linked resources."
    rows = []
    for link in s.links:
        text = f"{link.resource} — {_label(link.method)} {fmt.date_text(link.linked_on)}"
        if link.first_attended:
            text += f"; attended {fmt.date_text(link.first_attended)}"
        elif link.outcome:
            text += f"; {_label(link.outcome)}"
        else:
            text += "; outcome not yet recorded"
        if link.follow_up:
            text += f"; follow-up {fmt.date_text(link.follow_up)}"
        rows.append(text)
    return "\n".join(rows)


def family_text(s: PatientSummary) -> str:
    if not s.family:
        return "No family or supporters recorded."
    rows = []
    for f in s.family:
        consent = "involved with consent" if f.consent else "no consent to involve"
        offered = "; offered support" if f.support_offered else ""
        contact = f" · {f.contact}" if f.contact else ""
        rows.append(f"{f.name} ({f.relationship}) — {consent}{offered}{contact}")
    return "\n".join(rows)


def health_text(s: PatientSummary) -> str:
    if not s.health:
        return "No health checks recorded."
    rows = []
    for h in sorted(s.health, key=lambda h: h.date, reverse=True):
        result = f" · {health_rules.result_label(h.kind, h.result)}" if h.result else ""
        detail = f" · {h.detail}" if h.detail else ""
        kind = health_rules.KIND_LABEL.get(h.kind, _label(h.kind).capitalize())
        rows.append(f"{fmt.date_text(h.date):<11}  {kind}{result}{detail}")
    return "\n".join(rows)


def letters_text(s: PatientSummary) -> str:
    if not s.letters:
        return "No letters sent."
    rows = []
    for letter in s.letters:
        produced = _day(letter.produced_at)
        printed = f"; printed {_day(letter.printed_at)}" if letter.printed_at else "; not printed"
        rows.append(f"{_label(letter.template).capitalize()} · produced {produced}{printed}")
    return "\n".join(rows)


def next_due_text(s: PatientSummary, today: dt.date) -> tuple[str, str, dt.date | None]:
    """(label, value, date it is judged by) for the details' "next" line: a patient on
    post-exit check-ups has a next check-up ("check-up 2 of 8"), not a next review."""
    record = s.record
    if record.status == "post_exit_checkups":
        due = s.next_checkup_due
        if due is None:
            return "Next check-up", "not scheduled", None
        number = f" · check-up {s.checkups_done + 1} of {s.checkups_planned}"
        return (
            "Next check-up",
            f"{fmt.date_text(due)} · {fmt.due_text(due, today)}"
            + (number if s.checkups_planned else ""),
            due,
        )
    due = record.next_review_due
    if due is None:
        return "Next review", "not scheduled", None
    return "Next review", f"{fmt.date_text(due)} · {fmt.due_text(due, today)}", due


def _ost_text(point: ReviewPoint) -> str:
    if point.ost_decision == "pending":
        return "OST decision pending"
    if point.ost_decision:
        return f"OST {_label(point.ost_decision)}"
    if point.kind == "post_exit_checkup":
        return ""
    return "OST not decided yet" if point.draft else "no OST decision"


def _value(value: int | None, out_of: str = "") -> str:
    return "—" if value is None else f"{value}{out_of}"


def history_lines(point: ReviewPoint) -> tuple[str, str]:
    """Two lines of at most 73 characters (the list is 74 wide at 80 columns): when,
    what, who, the OST decision; then the BARC-10 total and the key TOP values. A draft
    says so in words."""
    kind = KIND_SHORT.get(point.kind, _label(point.kind).capitalize())
    if point.draft:
        kind += ", draft"
    held = point.held_by or "not recorded"
    if len(held) > 16:
        held = held[:15] + "…"
    first = f"{fmt.date_text(point.date):<11}  {kind:<16}  {held:<16}  {_ost_text(point)}"
    second = (
        f"  BARC-10 {_value(point.barc10_total)} · opiate days {_value(point.opiates_days)}"
        f" · alcohol days {_value(point.alcohol_days)}"
        f" · quality of life {_value(point.quality_of_life, '/20')}"
    )
    return first.rstrip(), second
