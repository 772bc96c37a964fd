"""Errors the services raise. Their messages never carry patient data."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    """Base class: the message is safe to show on screen or on stderr."""


class Forbidden(ServiceError):
    def __init__(self, action: str, needed: str) -> None:
        super().__init__(f"Not allowed: to {action} needs the role {needed}.")
        self.action = action
        self.needed = needed


class UnknownStaff(ServiceError):
    def __init__(self, login: str) -> None:
        super().__init__(
            f"The account '{login}' is not an active member of staff in this database. "
            "Ask the practice manager to add it: recovery-console staff add "
            f"{login} --name 'Full Name' --role ROLE"
        )
        self.login = login


class Invalid(ServiceError):
    """Input failed validation: `errors` maps each field to its message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {msg}" for field, msg in self.errors.items()))


class Stale(ServiceError):
    """Someone saved the row since it was read; nothing was written."""

    def __init__(self, what: str, who: str, when: str) -> None:
        super().__init__(
            f"Not saved: {who} changed this {what} at {when}, after you opened it. "
            "Your input is kept; reload to see their change."
        )
        self.who = who
        self.when = when


class NotFound(ServiceError):
    pass


class Refused(ServiceError):
    """The operation is refused in this state (e.g. demo data into a non-empty database)."""
