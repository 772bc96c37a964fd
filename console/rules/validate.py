"""Field checks shared by forms, the importer and the services: each returns a clean value
or raises FieldError with the message shown beside the field."""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import types
import typing
from collections.abc import Callable, Mapping

import pendulum

from console.rules import nhs_number
from console.rules.names import fold_key
from console.rules.vocab import Sex


class FieldError(ValueError):
    pass


# Bidirectional overrides and isolates: they reorder what a reader sees (Trojan Source).
BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# Unicode's Cc category is exactly these two ranges; one regex search is ~10x faster than
# asking unicodedata of every character (the importer checks every cell).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f" + "".join(sorted(BIDI)) + "]")


def control_character(text: str) -> str | None:
    """The first control character or bidirectional override in `text`, or None: no
    stored text may hold one (the importer, practice details, staff titles)."""
    found = _CONTROL.search(text)
    return found.group() if found else None


POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
UK_DATE = re.compile(r"\d{1,2}/\d{1,2}/\d{4}")
PHONE = re.compile(r"\+?[0-9 ]+")


def nhs(text: str) -> str:
    try:
        return nhs_number.normalise(text)
    except nhs_number.NhsNumberError as exc:
        raise FieldError(str(exc)) from exc


def name(text: str, *, label: str = "name") -> str:
    value = " ".join(text.split())
    if not value:
        raise FieldError(f"{label} is required")
    if len(value) > 60:
        raise FieldError(f"{label} must be at most 60 characters")
    return value


def date(text: str, *, today: pendulum.Date, required: bool = True) -> pendulum.Date | None:
    """`YYYY-MM-DD` or `DD/MM/YYYY`; not in the future; not before 1900."""
    value = text.strip()
    if not value:
        if required:
            raise FieldError("date is required (DD/MM/YYYY)")
        return None
    try:
        if ISO_DATE.fullmatch(value):  # int() and a date: what from_format did, 20x faster
            parsed = pendulum.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        elif UK_DATE.fullmatch(value):
            day, month, year = (int(p) for p in value.split("/"))
            parsed = pendulum.date(year, month, day)
        else:
            raise FieldError("date must be DD/MM/YYYY or YYYY-MM-DD")
    except ValueError as exc:
        if isinstance(exc, FieldError):
            raise
        raise FieldError("no such date") from exc
    if parsed > today:
        raise FieldError("date cannot be in the future")
    if parsed.year < 1900:
        raise FieldError("date cannot be before 1900")
    return parsed


SEXES = frozenset(s.value for s in Sex)


def sex(text: str) -> str:
    value = text.strip().lower() or Sex.UNKNOWN.value
    if value not in SEXES:
        raise FieldError("sex must be male, female, other or unknown")
    return value


def postcode(text: str) -> str:
    value = " ".join(text.upper().split())
    if not value:
        return ""
    match = POSTCODE.match(value.replace(" ", "")) or POSTCODE.match(value)
    if not match:
        raise FieldError("not a UK postcode (for example LS1 4AP)")
    return f"{match.group(1)} {match.group(2)}"


def phone(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    if not PHONE.fullmatch(value):
        raise FieldError("phone may have digits, spaces and a leading +")
    digits = len(value) - value.count(" ") - value.startswith("+")  # the rest are digits
    if not 10 <= digits <= 15:
        raise FieldError("phone must have 10–15 digits")
    return value


def email(text: str) -> str:
    value = text.strip()
    if not value:
        return ""
    if not EMAIL.match(value) or value.count("@") != 1:
        raise FieldError("email must look like name@example.org")
    return value


def optional_text(text: str, *, limit: int) -> str:
    value = " ".join(text.split())
    if len(value) > limit:
        raise FieldError(f"at most {limit} characters")
    return value


# Each field of a patient's demographics and its check, given the field's text.
_PATIENT_CHECKS: tuple[tuple[str, Callable[[str, pendulum.Date], object]], ...] = (
    ("nhs_number", lambda v, today: nhs(v)),
    ("family_name", lambda v, today: name(v, label="family name")),
    ("given_name", lambda v, today: name(v, label="given name")),
    ("date_of_birth", lambda v, today: date(v, today=today)),
    ("sex", lambda v, today: sex(v)),
    ("address_line_1", lambda v, today: optional_text(v, limit=80)),
    ("address_line_2", lambda v, today: optional_text(v, limit=80)),
    ("town", lambda v, today: optional_text(v, limit=60)),
    ("postcode", lambda v, today: postcode(v)),
    ("phone", lambda v, today: phone(v)),
    ("email", lambda v, today: email(v)),
    ("recovery_start", lambda v, today: date(v, today=today, required=False)),
)


def patient_fields(
    values: Mapping[str, object], *, today: pendulum.Date
) -> tuple[dict[str, object], dict[str, str]]:
    """Check a patient's demographics as typed: (clean values, errors by field).

    Shared by the registration form's service and the CSV importer, so both accept and
    refuse exactly the same input.
    """
    clean: dict[str, object] = {}
    errors: dict[str, str] = {}
    get = values.get
    for field, check in _PATIENT_CHECKS:
        try:
            clean[field] = check(str(get(field) or ""), today)
        except FieldError as exc:
            errors[field] = str(exc)
    if not errors:
        clean["consent_letters_home"] = bool(get("consent_letters_home"))
        clean["family_key"] = fold_key(str(clean["family_name"]))
        clean["given_key"] = fold_key(str(clean["given_name"]))
    return clean, errors


CHILDREN_MAX = 20


def children(text: str) -> int:
    """Children under 16 living in the household: a whole number, 0–20 (blank is 0)."""
    value = text.strip()
    if not value:
        return 0
    if not value.isdigit() or int(value) > CHILDREN_MAX:
        raise FieldError(f"children under 16: a whole number, 0–{CHILDREN_MAX}")
    return int(value)


def preferred_contact(text: str, *, phone: str, email: str, letters_home: bool) -> str:
    """One of CONTACT_METHODS, or "" for none; the way chosen must be one that can be used."""
    from console.rules.vocab import CONTACT_METHODS

    value = text.strip().lower()
    if not value:
        return ""
    if value not in CONTACT_METHODS:
        raise FieldError("choose phone, text, email or letter")
    if value in ("phone", "text") and not phone:
        raise FieldError(f"{CONTACT_METHODS[value].lower()} needs a phone number")
    if value == "email" and not email:
        raise FieldError("email needs an email address")
    if value == "letter" and not letters_home:
        raise FieldError("a letter needs consent to letters at the home address")
    return value


# -- a service's input as the caller sent it (issue 14) ---------------------------------
TEXT_MAX = 100_000  # longer than any field or template; the field's own rule is tighter
INT_MAX = 2**63 - 1  # SQLite and PostgreSQL bigint; file sizes and inode numbers fit
ID_MAX = 2**31 - 1  # a record's id: PostgreSQL's integer keys


def _is_id(field: str) -> bool:
    name = field.split("[", 1)[0].rsplit(".", 1)[-1]
    return name == "id" or name.endswith(("_id", "_ids"))


NUMBER_MAX = 1e9
_SURROGATE = re.compile("[\ud800-\udfff]")  # a lone surrogate: not encodable text
FREE_TEXT_CONTROLS = frozenset("\n\t")  # templates and notes keep their lines


@functools.cache
def _field_hints(cls: type) -> tuple[tuple[str, object], ...]:
    """A dataclass's fields with their annotations, resolved once per class (resolving
    the string annotations compiles them each time: a millisecond per service call)."""
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints.get(f.name, typing.Any)) for f in dataclasses.fields(cls))


# built once rather than per value checked (`X | Y` makes a new union object each time)
_UNCHECKED = (typing.TypeVar, str)
_SEQUENCES = (tuple, list, frozenset, set)


@functools.cache
def _shape(hint: object) -> tuple[object, tuple[object, ...]]:
    """A hint's origin and arguments, asked of `typing` once per hint (a review's input is
    a few hundred values, each checked against one of a handful of hints)."""
    return typing.get_origin(hint), typing.get_args(hint)


def typed(value: object, hint: object, field: str, errors: dict[str, str]) -> None:
    """Check `value` against its annotation `hint` (type, finite numbers, length, control
    characters), recursing into dataclasses, mappings and sequences; each problem goes into
    `errors` under the field's name. The field's own rule checks its range afterwards."""
    try:
        origin, args = _shape(hint)
    except TypeError:  # an unhashable hint: asked each time
        origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is typing.Any or hint is object or isinstance(hint, _UNCHECKED):
        return
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return
        choices = [a for a in args if a is not type(None)]
        for choice in choices:  # the first alternative the value fits
            trial: dict[str, str] = {}
            typed(value, choice, field, trial)
            if not trial:
                return
        typed(value, choices[0], field, errors)
        return
    if origin is typing.Literal:
        if value not in args:
            errors[field] = "not one of the choices"
        return
    if hint is type(None):
        if value is not None:
            errors[field] = "must be empty"
        return
    if hint is bool:
        if not isinstance(value, bool):
            errors[field] = "answer yes or no"
        return
    if hint is int:
        if not isinstance(value, int) or isinstance(value, bool):
            errors[field] = "a whole number is required"
        elif abs(value) > (ID_MAX if _is_id(field) else INT_MAX):
            errors[field] = "too large a number"
        return
    if hint is float:
        if not isinstance(value, int | float) or isinstance(value, bool):
            errors[field] = "a number is required"
        elif not math.isfinite(value) or abs(value) > NUMBER_MAX:
            errors[field] = "not a usable number"
        return
    if hint is str or (isinstance(hint, type) and issubclass(hint, str)):
        if not isinstance(value, str):
            errors[field] = "text is required"
        elif len(value) > TEXT_MAX:
            errors[field] = f"at most {TEXT_MAX:,} characters"
        elif (c := control_character(value.replace("\r\n", "\n"))) and c not in FREE_TEXT_CONTROLS:
            errors[field] = "control characters are not allowed"
        elif _SURROGATE.search(value):
            errors[field] = "not valid text"
        return
    if origin is None and dataclasses.is_dataclass(hint) and isinstance(hint, type):
        if not isinstance(value, hint):
            errors[field] = "not the expected form"
            return
        for name, field_hint in _field_hints(hint):
            typed(getattr(value, name), field_hint, name, errors)
        return
    container = origin or hint
    if isinstance(container, type) and issubclass(container, Mapping):
        if not isinstance(value, Mapping):
            errors[field] = "not the expected form"
            return
        key_hint, value_hint = args or (typing.Any, typing.Any)
        for key, item in value.items():
            name = str(key) if isinstance(key, str) and not control_character(key) else field
            typed(key, key_hint, field, errors)
            typed(item, value_hint, name[:60], errors)
        return
    if isinstance(container, type) and issubclass(container, _SEQUENCES):
        if not isinstance(value, container) or isinstance(value, str):
            errors[field] = "not the expected form"
            return
        items = list(value)
        if container is tuple and args and args[-1] is not Ellipsis:
            if len(items) != len(args):
                errors[field] = f"needs {len(args)} values"
                return
            for i, (item, item_hint) in enumerate(zip(items, args, strict=True)):
                typed(item, item_hint, f"{field}[{i + 1}]", errors)
            return
        item_hint = args[0] if args else typing.Any
        for i, item in enumerate(items):
            typed(item, item_hint, f"{field}[{i + 1}]", errors)
        return
    if isinstance(hint, type):
        import datetime as dt

        try:
            fits = isinstance(value, hint)
        except TypeError:  # a protocol: its methods are its check
            return
        if hint is dt.date and isinstance(value, dt.datetime):
            errors[field] = "a date is required"
        elif not fits:
            errors[field] = "a date is required" if hint is dt.date else "not the expected form"
