"""NHS number: Modulus 11 check, normalisation and display (reference/nhs-number.md)."""

from __future__ import annotations

from operator import mul

WEIGHTS = (10, 9, 8, 7, 6, 5, 4, 3, 2)


class NhsNumberError(ValueError):
    """The text is not a valid NHS number; the message says why."""


def check_digit(first_nine: str) -> int | None:
    """The check digit for nine digits, or None when no valid number can end them."""
    if len(first_nine) != len(WEIGHTS):
        raise ValueError("nine digits")
    if first_nine.isascii() and first_nine.isdigit():  # bytes are the digits' codes: 3x faster
        total = sum(map(mul, first_nine.encode(), WEIGHTS)) - ord("0") * sum(WEIGHTS)
    else:
        total = sum(map(mul, map(int, first_nine), WEIGHTS))
    digit = 11 - total % 11
    if digit == 11:
        return 0
    if digit == 10:
        return None
    return digit


def normalise(text: str) -> str:
    """Ten digits from text typed with or without spaces or dashes; raises NhsNumberError."""
    stripped = text.strip().replace(" ", "").replace("-", "")
    if not stripped:
        raise NhsNumberError("NHS number is required")
    if not stripped.isdigit() or not stripped.isascii():
        raise NhsNumberError("NHS number must be digits only (spaces or dashes allowed)")
    if len(stripped) != 10:
        raise NhsNumberError(f"NHS number must have 10 digits, not {len(stripped)}")
    expected = check_digit(stripped[:9])
    if expected is None or expected != int(stripped[9]):
        raise NhsNumberError("NHS number check digit is wrong: please check the number")
    return stripped


def is_valid(text: str) -> bool:
    try:
        normalise(text)
    except NhsNumberError:
        return False
    return True


def display(ten_digits: str) -> str:
    """`9434765919` → `943 476 5919`."""
    return f"{ten_digits[:3]} {ten_digits[3:6]} {ten_digits[6:]}"
