"""Every service entry point checks what its caller sent against its own annotations
before it reads or writes anything (issue 14): a `None` dose, a string where a number
belongs, an infinite amount, a control character or a megabyte of text is refused with
`Invalid` naming the field, never a TypeError from deep inside or a half-made row.

The checks are `console.rules.validate.typed`; each service's own rules (ranges, required
fields, vocabularies) follow inside the method.
"""

from __future__ import annotations

import functools
import inspect
import sys
import typing
from collections.abc import Callable
from typing import Any, TypeVar

from console.rules.validate import typed
from console.services.errors import Invalid
from console.services.opening import Opening

C = TypeVar("C", bound=type)


def _hints(fn: Callable[..., Any]) -> dict[str, Any]:
    """The parameters' annotations; one that names a type-checking-only import is skipped."""
    module = sys.modules[fn.__module__]
    try:
        return typing.get_type_hints(fn, vars(module))
    except NameError:
        found: dict[str, Any] = {}
        for name, text in fn.__annotations__.items():
            try:
                found[name] = eval(text, vars(module)) if isinstance(text, str) else text
            except NameError:
                continue
        return found


def _checked(fn: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(fn)
    hints: dict[str, Any] | None = None

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        nonlocal hints
        if hints is None:
            # An Opening is checked by needs_opening, which says what to do instead.
            hints = {
                k: v
                for k, v in _hints(fn).items()
                if k not in ("self", "return") and v is not Opening
            }
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError:
            raise Invalid({"input": "wrong number of values"}) from None
        errors: dict[str, str] = {}
        for name, value in bound.arguments.items():
            if name in hints:
                typed(value, hints[name], name, errors)
        if errors:
            raise Invalid(errors)
        return fn(*args, **kwargs)

    return call


def validated(cls: C) -> C:
    """Wrap each public method of a service class in the input check."""
    for name, member in inspect.getmembers(cls, inspect.isfunction):
        if name.startswith("_") or getattr(member, "__validated__", False):
            continue
        if isinstance(inspect.getattr_static(cls, name), staticmethod | classmethod):
            continue
        wrapped = _checked(member)
        wrapped.__validated__ = True  # type: ignore[attr-defined]
        setattr(cls, name, wrapped)
    return cls
