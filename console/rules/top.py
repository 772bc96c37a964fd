"""Treatment Outcomes Profile items and ranges (reference/top.md), item for item."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class ItemKind(StrEnum):
    DAYS = "days"  # four weeks of 0–7, total 0–28
    YES_NO = "yes_no"
    RATING = "rating"  # 0–20, poor to good


@dataclass(frozen=True)
class TopItem:
    key: str
    label: str
    section: str
    kind: ItemKind
    amount_unit: str = ""  # substance items: average amount on a using day


SUBSTANCE = "Substance use"
INJECTING = "Injecting risk behaviour"
CRIME = "Crime"
HEALTH = "Health and social functioning"

ITEMS: tuple[TopItem, ...] = (
    TopItem("alcohol", "Alcohol", SUBSTANCE, ItemKind.DAYS, "units"),
    TopItem("opiates", "Opiates (illicit)", SUBSTANCE, ItemKind.DAYS, "g"),
    TopItem("crack", "Crack", SUBSTANCE, ItemKind.DAYS, "g"),
    TopItem("cocaine", "Cocaine", SUBSTANCE, ItemKind.DAYS, "g"),
    TopItem("amphetamines", "Amphetamines", SUBSTANCE, ItemKind.DAYS, "g"),
    TopItem("cannabis", "Cannabis", SUBSTANCE, ItemKind.DAYS, "spliffs"),
    TopItem("other_substance", "Other problem substance", SUBSTANCE, ItemKind.DAYS, "g"),
    TopItem("tobacco", "Tobacco", SUBSTANCE, ItemKind.DAYS),
    TopItem("injected", "Days injected", INJECTING, ItemKind.DAYS),
    TopItem("shared_needle", "Shared needle or syringe", INJECTING, ItemKind.YES_NO),
    TopItem("shared_paraphernalia", "Shared spoon, water or filter", INJECTING, ItemKind.YES_NO),
    TopItem("shoplifting", "Shoplifting", CRIME, ItemKind.DAYS),
    TopItem("drug_selling", "Drug selling", CRIME, ItemKind.DAYS),
    TopItem("vehicle_theft", "Theft from or of a vehicle", CRIME, ItemKind.YES_NO),
    TopItem("property_theft", "Other property theft or burglary", CRIME, ItemKind.YES_NO),
    TopItem("fraud", "Fraud, forgery, handling stolen goods", CRIME, ItemKind.YES_NO),
    TopItem("assault", "Assault or violence", CRIME, ItemKind.YES_NO),
    TopItem("psych_health", "Psychological health", HEALTH, ItemKind.RATING),
    TopItem("paid_work", "Days in paid work", HEALTH, ItemKind.DAYS),
    TopItem("education", "Days at college or school", HEALTH, ItemKind.DAYS),
    TopItem("physical_health", "Physical health", HEALTH, ItemKind.RATING),
    TopItem("acute_housing", "Acute housing problem", HEALTH, ItemKind.YES_NO),
    TopItem("eviction_risk", "At risk of eviction", HEALTH, ItemKind.YES_NO),
    TopItem("quality_of_life", "Overall quality of life", HEALTH, ItemKind.RATING),
)

ITEM_BY_KEY = {item.key: item for item in ITEMS}
WEEKS = 4
DAYS_PER_WEEK = (0, 7)
DAYS_TOTAL = (0, 28)
RATING_RANGE = (0, 20)


def column_names(item: TopItem) -> list[str]:
    """The storage columns of one item: NULL in any of them means "not answered"."""
    if item.kind is ItemKind.DAYS:
        cols = [f"{item.key}_w{w}" for w in range(1, WEEKS + 1)] + [f"{item.key}_days"]
        if item.amount_unit:
            cols.append(f"{item.key}_amount")
        return cols
    return [item.key]


AMOUNT_MAX = 10_000  # an average amount on a using day; more is a typing slip


def check_value(column: str, value: int | float | bool | None) -> str | None:
    """An error message for one TOP column's value, or None if valid (None = not answered)."""
    if value is None:
        return None
    if column not in COLUMNS:
        return "not a TOP item"
    item, part = COLUMNS[column]
    if item.kind is ItemKind.YES_NO:
        return None if isinstance(value, bool) else "answer yes or no"
    if isinstance(value, bool):
        return "answer with a number"
    if item.kind is ItemKind.RATING:
        low, high = RATING_RANGE
        return None if isinstance(value, int) and low <= value <= high else f"rating {low}–{high}"
    if part == "amount":
        # NaN compares false with everything: test the range the positive way round.
        if isinstance(value, int | float) and 0 <= value <= AMOUNT_MAX:
            return None
        return f"amount must be 0–{AMOUNT_MAX:,}"
    if part == "days":
        low, high = DAYS_TOTAL
        message = f"total days must be {low}–{high}"
    else:
        low, high = DAYS_PER_WEEK
        message = f"days must be {low}–{high} a week"
    return None if isinstance(value, int) and low <= value <= high else message


def weeks_total(weeks: Sequence[int | None]) -> int | None:
    """The 28-day total from four weekly counts; None unless all four are answered."""
    if len(weeks) != WEEKS or any(w is None for w in weeks):
        return None
    return sum(w for w in weeks if w is not None)


def sharing(needle: bool | None, paraphernalia: bool | None) -> bool:
    """NDTMS receives one "sharing" yes if either sharing item is yes."""
    return bool(needle) or bool(paraphernalia)


# Every storage column → (its item, which part: "w1"…"w4", "days", "amount" or "").
COLUMNS: dict[str, tuple[TopItem, str]] = {
    column: (item, column[len(item.key) + 1 :] if column != item.key else "")
    for item in ITEMS
    for column in column_names(item)
}
