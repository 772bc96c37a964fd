"""Turn the form's texts (field id → text) into a ReviewInput, with a message per field
that does not parse; the service checks the whole again on save."""

from __future__ import annotations

from collections.abc import Mapping

from console.rules import top
from console.rules.vocab import DRUG_PANEL
from console.services.review_dto import (
    CorroborationInput,
    DrugTestInput,
    GoalReviewInput,
    ReviewDraft,
    ReviewInput,
    TopValue,
)
from screens.review import fields as f
from screens.review.parts import CORROBORATION_ROWS, needs_new_prescription


def collect(
    texts: Mapping[str, str],
    specs: Mapping[str, f.FieldSpec],
    draft: ReviewDraft,
) -> tuple[ReviewInput, dict[str, str]]:
    errors: dict[str, str] = {}
    parsed: dict[str, object] = {}
    for field_id, spec in specs.items():
        try:
            parsed[field_id] = spec.parse(texts.get(field_id, ""))
        except ValueError as error:
            errors[field_id] = f"{spec.label}: {error}"
            parsed[field_id] = f.BLANK

    def value(field_id: str) -> object:
        got = parsed.get(field_id, f.BLANK)
        return None if got is f.BLANK or got == f.NA else got

    top_values: dict[str, TopValue] = {}
    not_answered: set[str] = set()
    for column, (item, _part) in top.COLUMNS.items():
        got = parsed.get(f"top-{column}", f.BLANK)
        if got == f.NA:
            not_answered.add(item.key)
        elif got is not f.BLANK:
            top_values[column] = got  # type: ignore[assignment]
    specimen = value("drug-specimen")
    results = {s: str(value(f"drug-{s}") or "not_tested") for s in DRUG_PANEL}
    tested = specimen or any(r != "not_tested" for r in results.values())
    drug = (
        DrugTestInput(str(specimen or ""), value("drug-date"), results)  # type: ignore[arg-type]
        if tested
        else None
    )
    corroborations = []
    for n in range(max(CORROBORATION_ROWS, len(draft.values.corroborations))):
        source, said = value(f"cor-source-{n}"), value(f"cor-said-{n}")
        if source or said:
            corroborations.append(CorroborationInput(str(source or ""), str(said or "")))
    goals = {}
    for goal in draft.goals:
        status = value(f"goal-status-{goal.goal_key}")
        if status:
            note = str(value(f"goal-note-{goal.goal_key}") or "")
            goals[goal.goal_key] = GoalReviewInput(str(status), note)
    decision = str(value("ost-decision") or "")
    new = needs_new_prescription(decision, draft.medicine)
    need = {k: value(f"need-{k}") for k in ("weekly", "problems", "help")}
    # What did not parse goes with the draft as typed, so nothing typed is lost.
    raw = {key_of(fid): texts.get(fid, "") for fid in errors if texts.get(fid, "").strip()}
    data = ReviewInput(
        review_date=value("review-date") or draft.values.review_date,  # type: ignore[arg-type]
        top=top_values,
        top_not_answered=frozenset(not_answered),
        other_substance_name=str(value("top-other_substance_name") or ""),
        drug_test=drug,
        corroborations=tuple(corroborations),
        barc10=tuple(value(f"barc-{n}") for n in range(1, 11)),  # type: ignore[misc]
        barc10_declined=parsed.get("barc-declined") is True,
        goals=goals,
        ost_decision=decision,
        ost_rationale=str(value("ost-rationale") or ""),
        new_dose_mg=value("ost-dose"),  # type: ignore[arg-type]
        new_dose_from=value("ost-from"),  # type: ignore[arg-type]
        next_review_date=value("next-date"),  # type: ignore[arg-type]
        next_review_reason=str(value("next-reason") or ""),
        need_weekly_use=need["weekly"],  # type: ignore[arg-type]
        need_problems=need["problems"],  # type: ignore[arg-type]
        need_help_now=need["help"],  # type: ignore[arg-type]
        new_medicine=str(value("ost-medicine") or "") if new else "",
        new_interval=str(value("ost-interval") or "") if new else "",
        new_dispensing=str(value("ost-dispensing") or "") if new else "",
        raw=raw,
    )
    return data, errors


_FIELD_KEYS = {
    "review_date": "review-date",
    "other_substance_name": "top-other_substance_name",
    "barc10_declined": "barc-declined",
    "new_medicine": "ost-medicine",
    "new_interval": "ost-interval",
    "new_dispensing": "ost-dispensing",
    "need_weekly_use": "need-weekly",
    "need_problems": "need-problems",
    "need_help_now": "need-help",
    "ost_decision": "ost-decision",
    "ost_rationale": "ost-rationale",
    "new_dose_mg": "ost-dose",
    "new_dose_from": "ost-from",
    "next_review_date": "next-date",
    "next_review_reason": "next-reason",
}
_KEY_OF_FIELD = {v: k for k, v in _FIELD_KEYS.items()}
# Form field prefixes and the service's value names they stand for.
_PREFIXES = (
    ("goal-status-", "goal."),
    ("goal-note-", "goal_note."),
    ("cor-source-", "corroboration_"),
    ("cor-said-", "corroboration_said_"),
    ("barc-", "barc10_q"),
    ("drug-", "drug_"),
    ("top-", ""),
)


def key_of(field_id: str) -> str:
    """The service's name for a form field's value: the inverse of field_of."""
    if field_id in _KEY_OF_FIELD:
        return _KEY_OF_FIELD[field_id]
    for prefix, key in _PREFIXES:
        if field_id.startswith(prefix):
            return key + field_id.removeprefix(prefix)
    return field_id


def field_of(service_key: str) -> str:
    """The form field behind a service error key (top column, barc10_q3, goal.2 …)."""
    if service_key in top.COLUMNS:
        return f"top-{service_key}"
    if service_key.startswith("top."):
        key = service_key.removeprefix("top.")
        return f"top-{top.column_names(top.ITEM_BY_KEY[key])[0]}"
    if service_key.startswith("barc10_q"):
        return f"barc-{service_key.removeprefix('barc10_q')}"
    if service_key == "barc10":
        return "barc-1"
    if service_key.startswith("goal."):
        return f"goal-status-{service_key.removeprefix('goal.')}"
    if service_key.startswith("goal_note."):
        return f"goal-note-{service_key.removeprefix('goal_note.')}"
    if service_key.startswith("corroboration_said_"):
        return f"cor-said-{service_key.removeprefix('corroboration_said_')}"
    if service_key in _FIELD_KEYS:
        return _FIELD_KEYS[service_key]
    if service_key.startswith("drug_"):
        return f"drug-{service_key.removeprefix('drug_')}"
    if service_key.startswith("corroboration_"):
        return f"cor-source-{service_key.removeprefix('corroboration_')}"
    return ""
