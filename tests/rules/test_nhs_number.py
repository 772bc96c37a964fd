from __future__ import annotations

import pytest

from console.rules import nhs_number


@pytest.mark.parametrize("typed", ["9434765919", "943 476 5919", "943-476-5919", " 943 476 5919 "])
def test_valid_numbers_in_every_typed_form(typed: str) -> None:
    assert nhs_number.normalise(typed) == "9434765919"
    assert nhs_number.display("9434765919") == "943 476 5919"


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("9434765918", "check digit"),  # last digit wrong
        ("943476591", "10 digits"),  # too short
        ("94347659190", "10 digits"),  # too long
        ("94347A5919", "digits only"),
        ("", "required"),
        ("9990000010", "check digit"),  # 999000001 needs 8
        ("1000000010", "check digit"),  # check digit would be 10: never issued
    ],
)
def test_invalid_numbers_say_why(typed: str, reason: str) -> None:
    with pytest.raises(nhs_number.NhsNumberError, match=reason):
        nhs_number.normalise(typed)


def test_check_digit_worked_example() -> None:
    # reference/nhs-number.md: 299 mod 11 = 2; 11 - 2 = 9
    assert nhs_number.check_digit("943476591") == 9
    # 1×10 + 1×2 = 12; 12 mod 11 = 1; 11 - 1 = 10: no number can start with these nine digits
    assert nhs_number.check_digit("100000001") is None


def test_check_digit_is_the_weighted_sum_for_every_digit_in_every_place() -> None:
    """The check digit as reference/nhs-number.md words it, digit by digit, beside the
    faster sum over the digits' character codes that the importer runs."""
    for place in range(9):
        for digit in "0123456789":
            nine = ("943476591"[:place] + digit + "943476591"[place + 1 :])[:9]
            total = sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True))
            expected = {11: 0, 10: None}.get(11 - total % 11, 11 - total % 11)
            assert nhs_number.check_digit(nine) == expected, nine
