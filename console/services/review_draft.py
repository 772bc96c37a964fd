"""A draft always saves (SPEC §2 "a dropped SSH connection loses nothing"): a value the
form could not parse, or one that breaks a range or a rule only finalise may enforce, is
kept as the text typed (`review.draft_texts`, JSON) rather than refusing the whole draft.
The stored values then never hold an out-of-range number, and the next review date is
never later than the rule's without its reason; the draft reopens with every text and
each one marked with why it is not yet a value."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import replace

from console.rules import top
from console.services import review_dto as d

# A draft's raw texts are bounded: keys are value names, texts what fits a field.
MAX_KEY, MAX_TEXT, MAX_TEXTS = 40, 1000, 400
# Kept as values and only marked: choices from closed lists whose combination a
# finalise refuses (a monthly interval for a sublingual medicine); nothing is lost.
KEEP = frozenset({"new_medicine", "new_interval", "new_dispensing", "top_not_answered"})


def texts_json(texts: Mapping[str, str], marks: Mapping[str, str]) -> str:
    if not texts and not marks:
        return ""
    return json.dumps({"texts": dict(texts), "marks": dict(marks)}, sort_keys=True)


def from_json(stored: str) -> tuple[dict[str, str], dict[str, str]]:
    """(texts, marks) as stored on the draft; an empty column is neither."""
    if not stored:
        return {}, {}
    got = json.loads(stored)
    return dict(got.get("texts", {})), dict(got.get("marks", {}))


def bounded(raw: Mapping[str, str]) -> dict[str, str]:
    """The form's raw texts, within bounds (a key or text past them is cut, not refused)."""
    out: dict[str, str] = {}
    for key, text in list(raw.items())[:MAX_TEXTS]:
        out[str(key)[:MAX_KEY]] = str(text)[:MAX_TEXT]
    return out


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "y" if value else "n"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def demote(
    data: d.ReviewInput, errors: Mapping[str, str], stored_review_date: dt.date
) -> tuple[d.ReviewInput, dict[str, str]]:
    """The draft with each value named in `errors` taken out of the values and kept as
    its text: (values that may be stored, key → text)."""
    texts: dict[str, str] = {}
    top_values = dict(data.top)
    barc = list(data.barc10)
    test = data.drug_test
    cors = list(data.corroborations)
    goals = dict(data.goals)
    changes: dict[str, object] = {}
    for key in errors:
        if key in KEEP:
            continue
        if key in top.COLUMNS:
            texts[key] = _text(top_values.pop(key, None))
        elif key == "barc10":
            barc = (barc + [None] * 10)[:10]
        elif key.startswith("barc10_q") and key[8:].isdigit() and 1 <= int(key[8:]) <= 10:
            n = int(key[8:]) - 1
            texts[key], barc[n] = _text(barc[n]), None
        elif key.startswith("drug_") and test is not None:
            test = _demote_test(test, key, texts)
        elif key.startswith("corroboration_") and key[14:].isdigit():
            n = int(key[14:])
            if n < len(cors):
                texts[key] = cors[n].source
                cors[n] = replace(cors[n], source="")
        elif key.startswith("goal.") and key[5:].isdigit():
            goal = goals.pop(int(key[5:]), None)
            if goal is not None:
                texts[key] = goal.status
                if goal.note:
                    texts[f"goal_note.{key[5:]}"] = goal.note
        elif key == "review_date":
            texts[key] = _text(data.review_date)
            changes["review_date"] = stored_review_date
        elif key in ("next_review_date", "next_review_reason"):
            texts["next_review_date"] = _text(data.next_review_date)
            changes["next_review_date"] = None
        elif key in ("ost_decision", "new_dose_mg", "new_dose_from"):
            texts[key] = _text(getattr(data, key))
            changes[key] = "" if key == "ost_decision" else None
    return (
        replace(
            data,
            top=top_values,
            barc10=tuple(barc),
            drug_test=test,
            corroborations=tuple(cors),
            goals=goals,
            **changes,  # type: ignore[arg-type]
        ),
        texts,
    )


def undated_test(data: d.ReviewInput) -> tuple[d.ReviewInput, dict[str, str]]:
    """A drug test typed before its date is kept as text (a stored test has a date)."""
    test = data.drug_test
    if test is None or test.test_date is not None:
        return data, {}
    texts = {f"drug_{s}": r for s, r in test.results.items() if r and r != "not_tested"}
    if test.specimen:
        texts["drug_specimen"] = test.specimen
    return replace(data, drug_test=None), texts


def _demote_test(test: d.DrugTestInput, key: str, texts: dict[str, str]) -> d.DrugTestInput:
    if key == "drug_specimen":
        texts[key] = test.specimen
        return replace(test, specimen="")
    if key == "drug_date":
        texts[key] = _text(test.test_date)
        return replace(test, test_date=None)
    substance = key.removeprefix("drug_")
    results = dict(test.results)
    texts[key] = results.pop(substance, "")
    return replace(test, results=results)
