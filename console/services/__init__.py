"""The service layer: the only code that opens database sessions.

`Services` is built once (by the CLI, or by tests over a temporary database with a
fixed clock) and handed to the App; screens reach it as `self.app.services`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy import column, insert, table
from sqlalchemy.engine import Engine
from sqlmodel import Session

from console.clock import Clock, SystemClock
from console.identity import os_full_name
from console.rules.vocab import Role
from console.services import audit
from console.services.base import Tx, UnitOfWork, serialise_writers
from console.services.dto import StaffMember
from console.services.errors import UnknownStaff
from console.services.opening import Openings
from console.services.staff import find_active, staff_count
from db.engine import writer
from db.models import PracticeSettings, table_of

if TYPE_CHECKING:
    from console.services.audit_view import AuditViewService
    from console.services.auditlog import AuditService
    from console.services.backup import BackupService
    from console.services.caches import CacheService
    from console.services.careplans import CarePlanService
    from console.services.checkups import CheckupService
    from console.services.deaths import DeathService
    from console.services.demo import DemoService
    from console.services.episodes import EpisodeService
    from console.services.family import FamilyService
    from console.services.health import HealthService
    from console.services.letters import LetterService
    from console.services.linkage import LinkageService
    from console.services.patients import PatientService
    from console.services.pharmacies import PharmacyService
    from console.services.practice import PracticeService
    from console.services.resources import ResourceService
    from console.services.restore import RestoreService
    from console.services.reviews import ReviewService
    from console.services.staff import StaffService
    from console.services.subject_access import SubjectAccessService
    from console.services.summary import SummaryService
    from console.services.templates import TemplateService
    from console.services.transfer import TransferService
    from console.services.worklist import WorklistService


# The staff columns of the first schema version: a plain table, so no newer column's
# default is sent.
# Imported by the warm-up after the first frame (`Services.warm_up`), not by start-up.
WARM_SERVICES = ("reviews", "summary", "worklist", "careplans", "episodes", "checkups")
FIRST_STAFF_COLUMNS = table(
    "staff",
    column("id"),
    column("login"),
    column("name"),
    column("roles"),
    column("active"),
    column("version"),
)


@dataclass(frozen=True)
class Identity:
    staff: StaffMember
    bootstrapped: bool  # this account was just made the first admin


class Services:
    def __init__(self, engine: Engine, *, login: str, clock: Clock | None = None) -> None:
        self.engine = engine
        self.login = login
        self.clock: Clock = clock or SystemClock()
        self.uow = UnitOfWork(engine, self.clock)
        self._staff: StaffMember | None = None
        self.openings = Openings()  # audited openings of clinical detail (opening.py)

    # -- who is using the console -------------------------------------------------------
    def identify(self) -> Identity:
        """Map the OS account to staff; on an empty database it becomes the first admin.
        The clock then keeps the practice's time zone ("today" is the practice's day)."""
        identity = self._identify()
        self.use_practice_zone()
        return identity

    @staticmethod
    def warm_up() -> None:
        """Load the tables start-up deferred (`db.models`), configure every ORM mapper
        (~30-45 ms) and import the services of the day's screens. Start-up's queries are
        Core, so the App runs this after its first frame; without it the first ORM query
        would pay."""
        import importlib

        from sqlalchemy.orm import configure_mappers

        from db import models

        models.load_all()
        configure_mappers()
        # The services the day's screens open first, imported ahead: the first review
        # form's draft waited ~100 ms for `reviews` and what it imports (issue 19).
        for name in WARM_SERVICES:
            importlib.import_module(f"console.services.{name}")

    def use_practice_zone(self) -> None:
        with Session(self.engine) as session:
            t = table_of(PracticeSettings)
            query = sa.select(t.c.timezone).where(t.c.id == 1)
            zone = session.connection().execute(query).scalar()
        if zone:
            self.clock.tz = zone

    def _identify(self) -> Identity:
        with Session(self.engine) as session:
            if staff_count(session) > 0:
                self._staff = find_active(session, self.login)
                return Identity(self._staff, bootstrapped=False)
        with Session(writer(self.engine), expire_on_commit=False) as session, session.begin():
            serialise_writers(session)
            if staff_count(session) > 0:  # someone else bootstrapped meanwhile
                self._staff = find_active(session, self.login)
                return Identity(self._staff, bootstrapped=False)
            # Core, naming only the columns every schema version has: an older database
            # gets its first admin before it is upgraded.
            name = os_full_name(self.login)
            staff_id = session.execute(
                insert(FIRST_STAFF_COLUMNS)
                .values(login=self.login, name=name, roles=Role.ADMIN.value, active=True, version=1)
                .returning(FIRST_STAFF_COLUMNS.c.id)
            ).scalar_one()
            member = StaffMember(staff_id, self.login, name, frozenset({Role.ADMIN}))
            tx = Tx(session, member, self.clock.now())
            tx.audit(
                "staff.bootstrap", entity="staff", entity_id=staff_id, detail={"roles": "admin"}
            )
        self.uow.anchor_head(tx)  # the chain starts here, and so does its anchor
        self._staff = member
        return Identity(member, bootstrapped=True)

    @property
    def staff(self) -> StaffMember:
        if self._staff is None:
            self.identify()
        if self._staff is None:  # pragma: no cover - identify sets it or raises
            raise UnknownStaff(self.login)
        return self._staff

    def refresh_staff(self) -> StaffMember:
        self._staff = None
        return self.staff

    # -- the services -------------------------------------------------------------------
    @cached_property
    def staff_admin(self) -> StaffService:
        from console.services.staff import StaffService

        return StaffService(self)

    @cached_property
    def patients(self) -> PatientService:
        from console.services.patients import PatientService

        return PatientService(self)

    @cached_property
    def practice(self) -> PracticeService:
        from console.services.practice import PracticeService

        return PracticeService(self)

    @cached_property
    def audit_log(self) -> AuditService:
        from console.services.auditlog import AuditService

        return AuditService(self)

    @cached_property
    def audit_view(self) -> AuditViewService:
        from console.services.audit_view import AuditViewService

        return AuditViewService(self)

    @cached_property
    def templates(self) -> TemplateService:
        from console.services.templates import TemplateService

        return TemplateService(self)

    @cached_property
    def summary(self) -> SummaryService:
        from console.services.summary import SummaryService

        return SummaryService(self)

    @cached_property
    def backups(self) -> BackupService:
        from console.services.backup import BackupService

        return BackupService(self)

    @cached_property
    def restores(self) -> RestoreService:
        from console.services.restore import RestoreService

        return RestoreService(self)

    @cached_property
    def subject_access(self) -> SubjectAccessService:
        from console.services.subject_access import SubjectAccessService

        return SubjectAccessService(self)

    @cached_property
    def transfer(self) -> TransferService:
        from console.services.transfer import TransferService

        return TransferService(self)

    @cached_property
    def demo(self) -> DemoService:
        from console.services.demo import DemoService

        return DemoService(self)

    @cached_property
    def careplans(self) -> CarePlanService:
        from console.services.careplans import CarePlanService

        return CarePlanService(self)

    @cached_property
    def reviews(self) -> ReviewService:
        from console.services.reviews import ReviewService

        return ReviewService(self)

    @cached_property
    def episodes(self) -> EpisodeService:
        from console.services.episodes import EpisodeService

        return EpisodeService(self)

    @cached_property
    def letters(self) -> LetterService:
        from console.services.letters import LetterService

        return LetterService(self)

    @cached_property
    def worklist(self) -> WorklistService:
        from console.services.worklist import WorklistService

        return WorklistService(self)

    @cached_property
    def resources(self) -> ResourceService:
        from console.services.resources import ResourceService

        return ResourceService(self)

    @cached_property
    def pharmacies(self) -> PharmacyService:
        from console.services.pharmacies import PharmacyService

        return PharmacyService(self)

    @cached_property
    def linkage(self) -> LinkageService:
        from console.services.linkage import LinkageService

        return LinkageService(self)

    @cached_property
    def family(self) -> FamilyService:
        from console.services.family import FamilyService

        return FamilyService(self)

    @cached_property
    def health(self) -> HealthService:
        from console.services.health import HealthService

        return HealthService(self)

    @cached_property
    def checkups(self) -> CheckupService:
        from console.services.checkups import CheckupService

        return CheckupService(self)

    @cached_property
    def deaths(self) -> DeathService:
        from console.services.deaths import DeathService

        return DeathService(self)

    @cached_property
    def caches(self) -> CacheService:
        from console.services.caches import CacheService

        return CacheService(self)


__all__ = ["Identity", "Services", "audit"]
