"""Staff and roles (admin), and the bootstrap of the first account on an empty database."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa
from sqlmodel import Session, select

from console.rules.validate import control_character
from console.rules.vocab import Role
from console.services.dto import StaffListing, StaffMember
from console.services.errors import Invalid, NotFound, UnknownStaff
from console.services.roles import Action
from console.services.validated import validated
from db.models import Staff, table_of

if TYPE_CHECKING:
    from console.services import Services


def parse_roles(values: list[str] | tuple[str, ...]) -> frozenset[Role]:
    known = {r.value for r in Role}
    bad = [v for v in values if v not in known]
    if bad or not values:
        raise Invalid({"role": f"roles are {', '.join(sorted(known))}"})
    return frozenset(Role(v) for v in values)


# Offered in the staff form; a practice may type its own words instead.
TITLES = (
    "GP",
    "Nurse prescriber",
    "Nurse",
    "Recovery worker",
    "Practice manager",
    "Receptionist",
)


def check_title(title: object) -> str:
    if not isinstance(title, str):
        raise Invalid({"title": "the professional title must be text"})
    text = " ".join(title.split())
    if len(text) > 60:
        raise Invalid({"title": "at most 60 characters"})
    if control_character(text):
        raise Invalid({"title": "has a control character"})
    return text


def to_member(row: Staff) -> StaffMember:
    assert row.id is not None
    roles = frozenset(Role(r) for r in row.roles.split(",") if r)
    return StaffMember(row.id, row.login, row.name, roles, row.active, row.title, row.version)


def _admins_left(session: Session, without: int) -> int:
    """Active admins other than this member of staff."""
    rows = session.exec(select(Staff).where(Staff.active, Staff.id != without)).all()
    return sum(1 for r in rows if Role.ADMIN.value in r.roles.split(","))


def find_active(session: Session, login: str) -> StaffMember:
    """Who is signing in. Reads only the columns every schema version has: identity is
    decided before an older database is upgraded (the title is read where it is used)."""
    # Core, as every start-up query: the ORM's mappers are configured after the first frame
    s = table_of(Staff)
    row = (
        session.connection()
        .execute(
            sa.select(s.c.id, s.c.login, s.c.name, s.c.roles, s.c.active).where(s.c.login == login)
        )
        .first()
    )
    if row is None or not row.active:
        raise UnknownStaff(login)
    staff_id, login, name, roles, _active = row
    return StaffMember(staff_id, login, name, frozenset(Role(r) for r in roles.split(",") if r))


def staff_count(session: Session) -> int:
    count = sa.select(sa.func.count()).select_from(table_of(Staff))
    return int(session.connection().execute(count).scalar_one())


@validated
class StaffService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def list(self) -> list[StaffMember]:
        with self._s.uow.read(self._s.staff, Action.ADMINISTER) as session:
            return [to_member(r) for r in session.exec(select(Staff).order_by(Staff.login))]

    def listing(self) -> list[StaffListing]:
        """Every member of staff with their last activity: their latest audit event
        (one indexed look-up each, `ix_audit_event_staff_id`)."""
        from db.models.audit import AuditEvent  # loaded on first use, not at start-up

        tz = self._s.clock.tz
        with self._s.uow.read(self._s.staff, Action.ADMINISTER) as session:
            found = []
            for row in session.exec(select(Staff).order_by(Staff.login)):
                at = session.exec(
                    select(AuditEvent.at)
                    .where(AuditEvent.staff_id == row.id)
                    .order_by(AuditEvent.id.desc())  # type: ignore[union-attr]
                    .limit(1)
                ).first()
                when = ""
                if at:
                    when = pendulum.parse(at).in_timezone(tz).format("D MMM YYYY HH:mm")  # type: ignore[union-attr]
                found.append(StaffListing(to_member(row), when))
            return found

    def add(self, login: str, name: str, roles: list[str], title: str = "") -> StaffMember:
        errors: dict[str, str] = {}
        if not isinstance(login, str) or not isinstance(name, str):
            raise Invalid({"login": "login and name must be text"})
        if not isinstance(roles, list | tuple) or not all(isinstance(r, str) for r in roles):
            raise Invalid({"role": "roles must be a list of role names"})
        login = login.strip()
        if not login or len(login) > 64 or any(c.isspace() for c in login):
            errors["login"] = "login must be an account name without spaces"
        if not name.strip():
            errors["name"] = "name is required"
        elif len(name.strip()) > 120:
            errors["name"] = "at most 120 characters"
        try:
            role_set = parse_roles(roles)
        except Invalid as exc:
            errors.update(exc.errors)
        try:
            title = check_title(title)
        except Invalid as exc:
            errors.update(exc.errors)
        if errors:
            raise Invalid(errors)
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            if tx.session.exec(select(Staff).where(Staff.login == login)).first():
                raise Invalid({"login": f"'{login}' is already a member of staff"})
            row = Staff(
                login=login, name=name.strip(), roles=",".join(sorted(role_set)), title=title
            )
            tx.session.add(row)
            tx.session.flush()
            tx.audit(
                "staff.add",
                entity="staff",
                entity_id=row.id,
                detail={"roles": row.roles, "title": bool(title)},
            )
            return to_member(row)

    def set(
        self,
        login: str,
        *,
        roles: list[str] | None = None,
        active: bool | None = None,
        title: str | None = None,
        name: str | None = None,
    ) -> StaffMember:
        """Change roles, title, name or active; never leaves the practice without an
        active admin (the last one cannot be demoted or deactivated)."""
        role_set = parse_roles(roles) if roles is not None else None
        if active is not None and not isinstance(active, bool):
            raise Invalid({"active": "active is yes or no"})
        new_title = check_title(title) if title is not None else None
        new_name = None
        if name is not None:
            if not isinstance(name, str) or not name.strip() or len(name.strip()) > 120:
                raise Invalid({"name": "name is required (at most 120 characters)"})
            new_name = " ".join(name.split())
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.exec(select(Staff).where(Staff.login == login)).first()
            if row is None:
                raise NotFound("no member of staff with that login")
            assert row.id is not None
            changes: dict[str, object] = {}
            was_admin = row.active and Role.ADMIN.value in row.roles.split(",")
            if role_set is not None:
                row.roles = ",".join(sorted(role_set))
                changes["roles"] = row.roles
            if active is not None:
                row.active = active
                changes["active"] = active
            if new_title is not None and new_title != row.title:
                row.title = new_title
                changes["title"] = True
            if new_name is not None and new_name != row.name:
                row.name = new_name
                changes["name"] = True
            still_admin = row.active and Role.ADMIN.value in row.roles.split(",")
            if was_admin and not still_admin and _admins_left(tx.session, row.id) == 0:
                what = "be deactivated" if not row.active else "lose the admin role"
                raise Invalid(
                    {
                        "roles": f"{row.login} is the last active admin and cannot {what}: "
                        "give another member of staff the admin role first"
                    }
                )
            row.version += 1
            tx.audit("staff.set", entity="staff", entity_id=row.id, detail=changes)
            return to_member(row)
