"""Staff and roles (admin), and the bootstrap of the first account on an empty database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlmodel import Session, func, select

from console.rules.vocab import Role
from console.services.dto import StaffMember
from console.services.errors import Invalid, NotFound, UnknownStaff
from console.services.roles import Action
from db.models import Staff

if TYPE_CHECKING:
    from console.services import Services


def parse_roles(values: list[str] | tuple[str, ...]) -> frozenset[Role]:
    known = {r.value for r in Role}
    bad = [v for v in values if v not in known]
    if bad or not values:
        raise Invalid({"role": f"roles are {', '.join(sorted(known))}"})
    return frozenset(Role(v) for v in values)


def to_member(row: Staff) -> StaffMember:
    assert row.id is not None
    roles = frozenset(Role(r) for r in row.roles.split(",") if r)
    return StaffMember(row.id, row.login, row.name, roles, row.active)


def find_active(session: Session, login: str) -> StaffMember:
    row = session.exec(select(Staff).where(Staff.login == login)).first()
    if row is None or not row.active:
        raise UnknownStaff(login)
    return to_member(row)


def staff_count(session: Session) -> int:
    return session.exec(select(func.count()).select_from(Staff)).one()


class StaffService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def list(self) -> list[StaffMember]:
        with self._s.uow.read(self._s.staff, Action.ADMINISTER) as session:
            return [to_member(r) for r in session.exec(select(Staff).order_by(Staff.login))]

    def add(self, login: str, name: str, roles: list[str]) -> StaffMember:
        errors: dict[str, str] = {}
        login = login.strip()
        if not login or len(login) > 64 or any(c.isspace() for c in login):
            errors["login"] = "login must be an account name without spaces"
        if not name.strip():
            errors["name"] = "name is required"
        try:
            role_set = parse_roles(roles)
        except Invalid as exc:
            errors.update(exc.errors)
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            if tx.session.exec(select(Staff).where(Staff.login == login)).first():
                raise Invalid({"login": f"'{login}' is already a member of staff"})
            row = Staff(login=login, name=name.strip(), roles=",".join(sorted(role_set)))
            tx.session.add(row)
            tx.session.flush()
            tx.audit("staff.add", entity="staff", entity_id=row.id, detail={"roles": row.roles})
            return to_member(row)

    def set(
        self, login: str, *, roles: list[str] | None = None, active: bool | None = None
    ) -> StaffMember:
        role_set = parse_roles(roles) if roles is not None else None
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound(f"no member of staff with the login '{login}'")
            changes: dict[str, object] = {}
            if role_set is not None:
                row.roles = ",".join(sorted(role_set))
                changes["roles"] = row.roles
            if active is not None:
                row.active = active
                changes["active"] = active
            row.version += 1
            tx.audit("staff.set", entity="staff", entity_id=row.id, detail=changes)
            return to_member(row)
