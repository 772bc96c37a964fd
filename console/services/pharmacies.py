"""The practice's pharmacy directory: the community pharmacies its patients collect from,
with the postal address the pharmacy letter prints in the envelope window.

Small (a handful of rows), like the resources directory: a search reads every row and
matches in Python. A pharmacy is retired rather than deleted, since prescriptions name it;
a retired pharmacy cannot be chosen for a new prescription, and the pharmacy letter is
refused for one until the prescription names a current pharmacy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from console.rules.names import fold_key
from console.rules.validate import control_character
from console.services.base import Tx
from console.services.directory import DirectoryService
from console.services.errors import Invalid, NotFound
from console.services.roles import Action
from db.models import Pharmacy, table_of

if TYPE_CHECKING:
    from sqlmodel import Session


WHAT = "pharmacy"
# The patient form's limits, so a pharmacy's address fits the window as a patient's does.
LIMITS = {
    "name": 80,
    "address_line_1": 80,
    "address_line_2": 80,
    "town": 60,
    "postcode": 8,
    "phone": 20,
}


@dataclass(frozen=True)
class PharmacyInput:
    name: str
    address_line_1: str = ""
    address_line_2: str = ""
    town: str = ""
    postcode: str = ""
    phone: str = ""


@dataclass(frozen=True)
class PharmacyRow:
    id: int
    name: str
    address_line_1: str
    address_line_2: str
    town: str
    postcode: str
    phone: str
    active: bool
    version: int

    @property
    def address(self) -> str:
        """One line: "2 Market Street, Wakefield, WF1 1DH"."""
        parts = (self.address_line_1, self.address_line_2, self.town, self.postcode)
        return ", ".join(p for p in parts if p)

    def to_input(self) -> PharmacyInput:
        return PharmacyInput(
            self.name,
            self.address_line_1,
            self.address_line_2,
            self.town,
            self.postcode,
            self.phone,
        )


def check(data: PharmacyInput) -> PharmacyInput:
    """The clean input, or Invalid naming each field that is wrong."""
    errors: dict[str, str] = {}
    clean = {key: " ".join(str(getattr(data, key)).split()) for key in LIMITS}
    clean["postcode"] = clean["postcode"].upper()
    if not clean["name"]:
        errors["name"] = "a name is required"
    if not clean["address_line_1"]:
        errors["address_line_1"] = "the first line of the address is required"
    if not clean["postcode"]:
        errors["postcode"] = "a postcode is required"
    for key, limit in LIMITS.items():
        if len(clean[key]) > limit:
            errors[key] = f"at most {limit} characters"
        elif control_character(clean[key]):
            errors[key] = "has a control character"
    if errors:
        raise Invalid(errors)
    return PharmacyInput(**clean)


def to_row(r: Pharmacy | sa.Row[Any] | sa.RowMapping) -> PharmacyRow:
    get = r.__getitem__ if isinstance(r, sa.RowMapping) else lambda k: getattr(r, k)
    return PharmacyRow(
        id=int(get("id")),
        name=get("name"),
        address_line_1=get("address_line_1"),
        address_line_2=get("address_line_2"),
        town=get("town"),
        postcode=get("postcode"),
        phone=get("phone"),
        active=bool(get("active")),
        version=int(get("version")),
    )


def all_rows(session: Session) -> list[PharmacyRow]:
    t = table_of(Pharmacy)
    stmt = sa.select(t).order_by(t.c.name, t.c.id)
    return [to_row(r) for r in session.connection().execute(stmt).mappings()]


def active_pharmacy(session: Session, pharmacy_id: int) -> Pharmacy:
    """The directory's pharmacy for a new prescription, or Invalid naming the field."""
    row = session.get(Pharmacy, pharmacy_id)
    if row is None:
        raise Invalid({"pharmacy_id": "choose a pharmacy from the directory"})
    if not row.active:
        raise Invalid({"pharmacy_id": "this pharmacy is retired: choose a current one"})
    return row


class PharmacyService(DirectoryService[Pharmacy, PharmacyInput, PharmacyRow]):
    MODEL = Pharmacy
    WHAT = WHAT
    EDIT = Action.EDIT_PHARMACIES
    FIELDS = tuple(LIMITS)
    KEY_LENGTH = 80

    def search(
        self, text: str = "", *, include_inactive: bool = False, limit: int = 50
    ) -> list[PharmacyRow]:
        """Everyone who sees a prescription sees its pharmacy (clinical detail)."""
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            rows = all_rows(session)
        words = [fold_key(w) for w in text.split() if fold_key(w)]

        def hit(row: PharmacyRow) -> bool:
            mine = [fold_key(w) for w in f"{row.name} {row.address}".replace(",", " ").split()]
            return all(any(m.startswith(w) for m in mine) for w in words)

        found = [r for r in rows if (include_inactive or r.active) and hit(r)]
        return found[:limit]

    def get(self, pharmacy_id: int) -> PharmacyRow:
        with self._s.uow.read(self._s.staff, Action.VIEW_CLINICAL) as session:
            row = session.get(Pharmacy, pharmacy_id)
            if row is None:
                raise NotFound("no such pharmacy")
            return to_row(row)

    def add(self, data: PharmacyInput) -> PharmacyRow:
        return self._add(check(data))

    def edit(self, pharmacy_id: int, version: int, data: PharmacyInput) -> PharmacyRow:
        return self._edit(pharmacy_id, version, check(data))

    def set_active(self, pharmacy_id: int, version: int, active: bool) -> PharmacyRow:
        """Retire a pharmacy (kept for the prescriptions that name it) or restore it."""
        return self._set_active(pharmacy_id, version, active)

    def _to_row(self, row: Pharmacy) -> PharmacyRow:
        return to_row(row)

    def _identity(self, row: Pharmacy) -> PharmacyInput:
        return PharmacyInput(row.name, postcode=row.postcode)

    def _refuse_duplicate(self, tx: Tx, data: PharmacyInput, own_id: int | None) -> None:
        """Two active entries with one name and postcode would make the chooser ambiguous."""
        key = fold_key(data.name)
        for other in all_rows(tx.session):
            same = fold_key(other.name) == key and other.postcode == data.postcode
            if other.active and other.id != own_id and same:
                raise Invalid({"name": "an active pharmacy already has this name and postcode"})
