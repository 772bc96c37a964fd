"""Fields formatted as they are typed (SPEC §3: masked fields): a date typed `01012020`
reads `01/01/2020`, an NHS number `9434765919` reads `943 476 5919`. Every date and NHS
number field uses these, so each reads the same everywhere.

Only typing and pasting are formatted; deleting is left alone, so backspace never fights
the separators. A character that cannot belong (a letter in a date) is refused. When the
text is complete but wrong (31/02/2026, a bad NHS check digit) the field is marked as it
is typed (class `-bad`) and `problem` says why, for the form's hint or error line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.widgets import Input

from console.rules import nhs_number

DIGITS = "0123456789"
Check = Callable[[str], str | None]  # a complete text → why it is wrong, or None


def _digits(text: str) -> str:
    return "".join(c for c in text if c in DIGITS)


class Mask:
    """How one kind of field is typed: its separators and how many digits it takes."""

    groups: tuple[int, ...] = ()
    separator = ""
    typed_separators = ""  # what staff may type between groups (and is then dropped)

    @property
    def size(self) -> int:
        return sum(self.groups)

    def _grouped(self, digits: str) -> str:
        out, at = [], 0
        for n in self.groups:
            if at >= len(digits):
                break
            out.append(digits[at : at + n])
            at += n
        return self.separator.join(out)

    def _padded(self, text: str) -> str:
        """The digits, with a one-digit group closed by a typed separator padded."""
        return _digits(text)

    def format(self, text: str) -> str | None:
        """The text as it should read, or None when it cannot be typed here."""
        if any(c not in DIGITS and c not in self.typed_separators for c in text):
            return None
        digits = self._padded(text)
        if len(digits) > self.size:
            return None
        return self._grouped(digits)

    def complete(self, text: str) -> bool:
        return len(_digits(text)) == self.size

    def check(self, text: str) -> str | None:
        return None

    def cursor(self, formatted: str, before: str) -> int:
        """Where the cursor goes: after as many digits as were before it."""
        wanted = len(self._padded(before))
        seen = 0
        for index, char in enumerate(formatted):
            if seen == wanted:
                return index
            if char in DIGITS:
                seen += 1
        return len(formatted)


class DateMask(Mask):
    groups = (2, 2, 4)
    separator = "/"
    typed_separators = "/"

    def _padded(self, text: str) -> str:
        parts = text.split("/")
        out = ""
        for n, part in enumerate(parts):
            digits = _digits(part)
            if n < len(parts) - 1 and len(out) < 4 and len(digits) == 1:
                digits = "0" + digits  # "1/" is the first of the month
            out += digits
        return out

    def check(self, text: str) -> str | None:
        digits = _digits(text)
        try:
            dt.date(int(digits[4:]), int(digits[2:4]), int(digits[:2]))
        except ValueError:
            return "no such date (dd/mm/yyyy)"
        return None


class NhsMask(Mask):
    groups = (3, 3, 4)
    separator = " "
    typed_separators = " -"

    def check(self, text: str) -> str | None:
        if nhs_number.is_valid(_digits(text)):
            return None
        return "not a valid NHS number (its check digit is wrong)"


DATE = DateMask()
NHS = NhsMask()


class MaskedInput(Input):
    """An Input that formats as it is typed; `check` adds the form's own rule (a range,
    not in the future) to the mask's, applied once the text is complete. Without one,
    the field's own validators are that rule, so a form says it once."""

    # Marked in type, not colour alone (16 colours, NO_COLOR).
    DEFAULT_CSS = "MaskedInput.-bad { text-style: reverse; }"

    def __init__(
        self, value: str = "", *, mask: Mask, check: Check | None = None, **kwargs: Any
    ) -> None:
        self.mask = mask  # before Input's own setup, which sets the value
        self.check = check
        self.problem = ""
        formatted = mask.format(value) if value else ""
        super().__init__(value if formatted is None else formatted, **kwargs)

    def replace(self, text: str, start: int, end: int) -> None:
        if not text:  # deleting: as typed, never re-formatted
            super().replace(text, start, end)
            return
        value = self.value
        start, end = sorted((max(0, start), min(len(value), end)))
        before = value[:start] + text
        formatted = self.mask.format(before + value[end:])
        if formatted is None:
            self.restricted()
            return
        self.value = formatted
        self.cursor_position = self.mask.cursor(formatted, before)

    def restricted(self) -> None:
        """A refused character: no bell (a console over SSH rings the whole room)."""

    def _watch_value(self, value: str) -> None:
        self.problem = self._problem(value)
        self.set_class(bool(self.problem), "-bad")
        super()._watch_value(value)

    def _problem(self, value: str) -> str:
        if not self.mask.complete(value):
            return ""
        # The form's own rule speaks first, so the message matches the one on save.
        wrong = self.check(value) if self.check is not None else self._validated(value)
        return wrong or self.mask.check(value) or ""

    def _validated(self, value: str) -> str | None:
        for validator in getattr(self, "validators", ()):  # set after the first value
            result = validator.validate(value)
            if not result.is_valid:
                return result.failure_descriptions[0] if result.failure_descriptions else None
        return None


def as_typed(field: Input) -> str | None:
    """What a form shows beside a masked field as it is typed: why it is wrong, or ""
    once complete and right; None while it is still being typed (leave the line be)."""
    if not isinstance(field, MaskedInput):
        return None
    if field.problem or field.mask.complete(field.value):
        return field.problem
    return None


def date_input(value: str = "", *, check: Check | None = None, **kwargs: Any) -> MaskedInput:
    kwargs.setdefault("placeholder", "dd/mm/yyyy")
    return MaskedInput(value, mask=DATE, check=check, **kwargs)


def nhs_input(value: str = "", *, check: Check | None = None, **kwargs: Any) -> MaskedInput:
    kwargs.setdefault("placeholder", "10 digits, e.g. 943 476 5919")
    return MaskedInput(value, mask=NHS, check=check, **kwargs)
