"""`textual.validation` wrappers over console.rules.validate (STYLE P10).

The form, the importer and the services share one definition of each check: a
validator here only calls the rule and turns its FieldError into a failure message.
"""

from __future__ import annotations

from collections.abc import Callable

import pendulum
from textual.validation import ValidationResult, Validator

from console.rules import validate


class Rule(Validator):
    """A validator from a rule function that returns a clean value or raises FieldError."""

    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except validate.FieldError as exc:
            return self.failure(str(exc))
        return self.success()


def nhs_number() -> Rule:
    return Rule(validate.nhs)


def name(label: str) -> Rule:
    return Rule(lambda text: validate.name(text, label=label))


def date(today: Callable[[], pendulum.Date], *, required: bool = True) -> Rule:
    return Rule(lambda text: validate.date(text, today=today(), required=required))


def sex() -> Rule:
    return Rule(validate.sex)


def postcode() -> Rule:
    return Rule(validate.postcode)


def phone() -> Rule:
    return Rule(validate.phone)


def email() -> Rule:
    return Rule(validate.email)


def text(limit: int) -> Rule:
    return Rule(lambda value: validate.optional_text(value, limit=limit))


def children() -> Rule:
    return Rule(validate.children)
