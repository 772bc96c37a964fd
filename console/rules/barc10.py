"""BARC-10 recovery capital (reference/barc10.md): items, the 1–6 scale, total and change."""

from __future__ import annotations

from collections.abc import Sequence

ITEMS = (
    "There are more important things to me in life than using substances.",
    "In general I am happy with my life.",
    "I have enough energy to complete the tasks I set myself.",
    "I am proud of the community I live in and feel part of it.",
    "I get lots of support from friends.",
    "I regard my life as challenging and fulfilling without the need for using drugs or alcohol.",
    "My living space has helped to drive my recovery journey.",
    "I take full responsibility for my actions.",
    "I am happy dealing with a range of professional people.",
    "I am making good progress on my recovery journey.",
)
SCALE = {
    1: "strongly disagree",
    2: "disagree",
    3: "somewhat disagree",
    4: "somewhat agree",
    5: "agree",
    6: "strongly agree",
}
LOW, HIGH = 1, 6
TOTAL_RANGE = (10, 60)
REMISSION_CUT_OFF = 47
DEFAULT_FALL_THRESHOLD = 6


def check_answer(value: int | None) -> str | None:
    """An error message, or None when the answer is valid (None means not answered)."""
    if value is None:
        return None
    if not LOW <= value <= HIGH:
        return f"answer 1–6 ({SCALE[1]} … {SCALE[6]})"
    return None


def total(answers: Sequence[int | None]) -> int | None:
    """The sum 10–60, only when all ten items are answered."""
    if len(answers) != len(ITEMS) or any(a is None for a in answers):
        return None
    return sum(a for a in answers if a is not None)


def change(latest: int | None, previous: int | None) -> int | None:
    if latest is None or previous is None:
        return None
    return latest - previous


def fell_by_threshold(latest: int | None, previous: int | None, threshold: int) -> bool:
    delta = change(latest, previous)
    return delta is not None and -delta >= threshold
