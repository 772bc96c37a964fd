"""The practice's recovery resources directory (SPEC §2): search, add, edit, retire.

The directory is small (tens of rows), so a search reads the kind's rows and matches
in Python: the folded name as a prefix, or any word of the name or of where.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from console.rules.names import fold_key
from console.rules.vocab import ResourceKind
from console.services import caches
from console.services.base import Tx
from console.services.directory import DirectoryService
from console.services.errors import Invalid
from console.services.linkage_dto import KIND_LABEL, ResourceInput, ResourceRow
from console.services.roles import Action
from console.services.validated import validated
from db.models import Resource
from db.queries import linkage as q

WHAT = "resource"
LIMITS = {"name": 120, "where": 200, "when": 120, "contact": 120, "notes": 500}


def _words(text: str) -> list[str]:
    return [key for key in (fold_key(w) for w in text.replace("/", " ").split()) if key]


def matches(text: str, name: str, where: str) -> bool:
    """Every word typed is the start of the whole name or of a word of the name or where."""
    whole = fold_key(name)
    if whole.startswith(fold_key(text)):
        return True
    words = _words(name) + _words(where)
    return all(any(w.startswith(t) for w in words) for t in _words(text))


def check(data: ResourceInput) -> ResourceInput:
    """The clean input, or Invalid naming each field that is wrong."""
    errors: dict[str, str] = {}
    if data.kind not in {k.value for k in ResourceKind}:
        errors["kind"] = "choose a kind from the list"
    clean = {key: " ".join(getattr(data, key).split()) for key in LIMITS}
    clean["notes"] = data.notes.strip()  # notes may keep their line breaks
    if not clean["name"]:
        errors["name"] = "a name is required"
    for key, limit in LIMITS.items():
        if len(clean[key]) > limit:
            errors[key] = f"at most {limit} characters"
    if errors:
        raise Invalid(errors)
    return ResourceInput(kind=data.kind, **clean)


def to_row(r: Resource | sa.Row[Any]) -> ResourceRow:
    return ResourceRow(
        id=r.id,
        kind=r.kind,
        name=r.name,
        where=r.where,
        when=r.when,
        contact=r.contact,
        notes=r.notes,
        active=bool(r.active),
        version=r.version,
    )


@validated
class ResourceService(DirectoryService[Resource, ResourceInput, ResourceRow]):
    MODEL = Resource
    WHAT = WHAT
    EDIT = Action.EDIT_RESOURCES
    FIELDS = (*LIMITS, "kind")
    KEY_LENGTH = 120

    def search(
        self,
        text: str = "",
        kind: str | None = None,
        *,
        include_inactive: bool = False,
        limit: int = 50,
    ) -> list[ResourceRow]:
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            rows = q.resources(session=session, kind=kind, include_inactive=include_inactive)
        found = [to_row(r) for r in rows if not text.strip() or matches(text, r.name, r.where)]
        return found[:limit]

    def add(self, data: ResourceInput) -> ResourceRow:
        clean = check(data)
        return self._add(clean, {"kind": clean.kind})

    def edit(self, resource_id: int, version: int, data: ResourceInput) -> ResourceRow:
        return self._edit(resource_id, version, check(data))

    def _after_edit(self, tx: Tx, row: Resource, changed: list[str]) -> None:
        if "kind" in changed:  # whether a link is mutual aid is a row cache
            tx.session.flush()
            for pid in q.linked_patients(session=tx.session, resource_id=row.id):
                caches.refresh_patient(tx, pid)

    def set_active(self, resource_id: int, version: int, active: bool) -> ResourceRow:
        """Retire a resource (kept for the links that name it) or restore it."""
        return self._set_active(resource_id, version, active)

    def _to_row(self, row: Resource) -> ResourceRow:
        return to_row(row)

    def _identity(self, row: Resource) -> ResourceInput:
        return ResourceInput(kind=row.kind, name=row.name)

    def _refuse_duplicate(self, tx: Tx, data: ResourceInput, own_id: int | None) -> None:
        key = fold_key(data.name)
        for other in q.active_keys(session=tx.session, kind=data.kind):
            if other["id"] != own_id and fold_key(other["name"]) == key:
                label = KIND_LABEL.get(data.kind, data.kind)
                raise Invalid({"name": f"an active {label} resource already has this name"})
