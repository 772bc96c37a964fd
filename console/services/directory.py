"""What every small practice directory's service shares (the recovery resources, the
pharmacies): add, edit and retire or restore an entry, under the directory's own role,
each one write audited as `<what>.add`, `<what>.edit` or `<what>.retire`.

An entry is retired rather than deleted (the records that name it keep it); two active
entries the chooser could not tell apart are refused, by each directory's own rule.
Each service keeps its public methods (their names and parameters are its interface, and
are what `validated` checks); they call these.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, Generic, Protocol, TypeVar

from console.rules.names import fold_key
from console.services.base import Tx
from console.services.errors import NotFound
from console.services.roles import Action

if TYPE_CHECKING:
    from console.services import Services


class Named(Protocol):
    @property
    def name(self) -> str: ...


M = TypeVar("M")  # the table's model
I = TypeVar("I", bound=Named)  # the clean input  # noqa: E741
R = TypeVar("R")  # the row the screens see


class DirectoryService(Generic[M, I, R]):
    MODEL: ClassVar[type[Any]]
    WHAT: ClassVar[str]  # "resource": the audit entity and the actions' prefix
    EDIT: ClassVar[Action]
    FIELDS: ClassVar[tuple[str, ...]]  # the input's fields, as the model's columns
    KEY_LENGTH: ClassVar[int]  # of the folded name kept for searching

    def __init__(self, services: Services) -> None:
        self._s = services

    # -- each directory's own -----------------------------------------------------------
    def _to_row(self, row: M) -> R:
        raise NotImplementedError

    def _refuse_duplicate(self, tx: Tx, data: I, own_id: int | None) -> None:
        raise NotImplementedError

    def _identity(self, row: M) -> I:
        """What the duplicate rule compares, of an entry being restored."""
        raise NotImplementedError

    def _after_edit(self, tx: Tx, row: M, changed: list[str]) -> None:
        """What else an edit changes, in its transaction (a row cache that reads it)."""

    # -- shared ---------------------------------------------------------------------
    def _add(self, clean: I, detail: dict[str, object] | None = None) -> R:
        with self._s.uow.write(self._s.staff, self.EDIT) as tx:
            self._refuse_duplicate(tx, clean, None)
            values = {key: getattr(clean, key) for key in self.FIELDS}
            name_key = fold_key(clean.name)[: self.KEY_LENGTH]
            row = self.MODEL(name_key=name_key, **values)
            tx.session.add(row)
            tx.session.flush()
            tx.audit(f"{self.WHAT}.add", entity=self.WHAT, entity_id=row.id, detail=detail)
            return self._to_row(row)

    def _edit(self, entry_id: int, version: int, clean: I) -> R:
        with self._s.uow.write(self._s.staff, self.EDIT) as tx:
            row = self._get(tx, entry_id)
            tx.check_version(row, version, self.WHAT, self._s.clock.tz)
            if row.active:
                self._refuse_duplicate(tx, clean, entry_id)
            changed = sorted(k for k in self.FIELDS if getattr(row, k) != getattr(clean, k))
            for key in self.FIELDS:
                setattr(row, key, getattr(clean, key))
            row.name_key = fold_key(clean.name)[: self.KEY_LENGTH]
            self._after_edit(tx, row, changed)
            detail: dict[str, object] = {"fields": changed}
            tx.audit(f"{self.WHAT}.edit", entity=self.WHAT, entity_id=row.id, detail=detail)
            return self._to_row(row)

    def _set_active(self, entry_id: int, version: int, active: bool) -> R:
        with self._s.uow.write(self._s.staff, self.EDIT) as tx:
            row = self._get(tx, entry_id)
            tx.check_version(row, version, self.WHAT, self._s.clock.tz)
            if active and not row.active:
                self._refuse_duplicate(tx, self._identity(row), row.id)
            row.active = active
            detail: dict[str, object] = {"active": active}
            tx.audit(f"{self.WHAT}.retire", entity=self.WHAT, entity_id=row.id, detail=detail)
            return self._to_row(row)

    def _get(self, tx: Tx, entry_id: int) -> Any:
        row = tx.session.get(self.MODEL, entry_id, with_for_update=True)
        if row is None:
            raise NotFound(f"no such {self.WHAT}")
        return row
