"""Issue 14 item 7: no read of a patient's clinical detail without an audited opening.

Every public method of every service class is found by introspection and sorted by what
its code (and the methods of its own class it calls) does: an audited opening
(`@opens`), a read that needs an Opening (`@needs_opening`), a write (which must leave an
audit event, UnitOfWork.write), or a plain read. A plain read must be listed below with
the reason it shows no clinical detail; a new one fails this test until it is sorted.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from collections.abc import Callable
from typing import Any

import pytest
from sqlmodel import Session, func, select

import console.services
from console.services import Services
from console.services.opening import NotOpened, Opening
from db.models import AuditEvent
from tests.conftest import StaffFactory

# Reads that open no patient's clinical detail, each with its reason.
NOT_CLINICAL = {
    "AuditService.verify": "the chain's integrity; names no patient",
    "AuditViewService.event": "the audit viewer: admin only, its opening is audited",
    "AuditViewService.page": "the audit viewer: admin only, its opening is audited",
    "CacheService.patient": "names the cache fields that differ from their sources, for the "
    "consistency check; no screen or command shows it",
    "EpisodeService.end_outcome": "the end-episode dialog's one line (the dose the audited "
    "summary shows) for the summary that opened it",
    "IndicatorService.dashboard": "aggregate counts",
    "IndicatorService.scan_dashboard": "aggregate counts (the tallies' check, one pass)",
    "CacheService.tallies": "indicator tallies that differ from a recount: counts and days, "
    "no patient",
    "IndicatorService.history_dashboard": "aggregate counts",
    "IndicatorService.kept_history_dashboard": "aggregate counts from the kept history",
    "CacheService.history": "indicator history steps that differ from a recount: counts and "
    "days, no patient",
    "IndicatorService.history_members": "which patient ids each count counts",
    "IndicatorService.trend": "aggregate counts by month",
    "IndicatorService.outcomes": "aggregate start-TOP outcomes",
    "PharmacyService.get": "the pharmacy directory, no patient",
    "ReviewService.warm_up": "the form's reads run for id -1 to compile their SQL: no row "
    "matches, nothing is returned",
    "PharmacyService.search": "the pharmacy directory, no patient",
    "TemplateService.compare": "two versions of a letter template, no patient",
    "TemplateService.history": "a letter template's versions, no patient",
    "TemplateService.list": "letter templates, no patient",
    "IndicatorService.patients": "who each count counts: the list's columns (SPEC §1)",
    "IndicatorService.report": "aggregate counts and the list's columns",
    "LetterService.plan_batch": "the recall batch: names and addresses, no clinical detail",
    "LetterService.template": "a letter template, no patient",
    "LetterService.templates": "letter templates, no patient",
    "PatientService.counts": "the list's totals",
    "PatientService.demographics": "registration details only (reception edits them)",
    "PatientService.keyworkers": "staff names",
    "PracticeService.get": "the practice's name and letterhead",
    "PracticeService.is_set_up": "whether the practice is named",
    "PatientService.search": "the patient list (SPEC §1: every role sees it)",
    "ResourceService.search": "the resources directory, no patient",
    "ReviewService.check_finalise": "the caller's own input checked: field messages only",
    "StaffService.list": "staff",
    "StaffService.listing": "staff",
    "WorklistService.items": "due and overdue work: the list's columns and reasons",
    "WorklistService.recall_ids": "patient ids for a recall batch",
}
# Writes that read first: each records what it did in the same transaction, except where
# the reason says otherwise.
READ_THEN_WRITE = {
    "AuditService.reanchor": "audited",
    "BackupService.backup": "audited",
    "BackupService.scheduled": "audited",
    "CacheService.check": "audited with --repair; without it the integrity check lists the "
    "caches that differ (admin only), as NOT_CLINICAL's CacheService.patient",
    "LetterService.produce": "audited",
    "LetterService.recall_batch": "audited",
    "LetterService.reprint": "audited",
    "LetterService.send": "audited",
    "RestoreService.restore": "audited",
    "SubjectAccessService.export": "audited",
    "TransferService.export_patients": "audited",
}


def service_classes() -> list[type]:
    found: dict[str, type] = {}
    for info in pkgutil.iter_modules(console.services.__path__):
        module = importlib.import_module(f"console.services.{info.name}")
        for name, cls in vars(module).items():
            if (
                inspect.isclass(cls)
                and name.endswith("Service")
                and cls.__module__ == module.__name__
            ):
                found[name] = cls
    return sorted(found.values(), key=lambda c: c.__name__)


def code_of(cls: type, name: str, seen: set[str]) -> str:
    """The method's source and that of every method of its class it reaches."""
    if name in seen:
        return ""
    seen.add(name)
    fn = inspect.getattr_static(cls, name, None)
    if isinstance(fn, staticmethod | classmethod):
        fn = fn.__func__
    if isinstance(fn, property):
        fn = fn.fget
    if not inspect.isfunction(fn):
        return ""
    src = textwrap.dedent(inspect.getsource(inspect.unwrap(fn)))
    text = src
    for node in ast.walk(ast.parse(src)):
        is_self = isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
        if is_self and node.value.id == "self":  # type: ignore[attr-defined]
            text += code_of(cls, node.attr, seen)  # type: ignore[attr-defined]
    return text


def kinds() -> dict[str, str]:
    out: dict[str, str] = {}
    for cls in service_classes():
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if name.startswith("_"):
                continue
            code = code_of(cls, name, set())
            key = f"{cls.__name__}.{name}"
            if hasattr(fn, "__opens__"):
                out[key] = "opens"
            elif hasattr(fn, "__needs_opening__"):
                out[key] = "needs"
            elif "uow.write(" in code:
                out[key] = "read+write" if "uow.read(" in code else "write"
            elif "uow.read(" in code or "Session(" in code:
                out[key] = "read"
    return out


def test_every_read_of_clinical_detail_needs_an_audited_opening() -> None:
    found = kinds()
    unsorted = sorted(k for k, v in found.items() if v == "read" and k not in NOT_CLINICAL)
    assert unsorted == [], f"reads with no audited opening: {unsorted}"
    mixed = {k for k, v in found.items() if v == "read+write"}
    assert mixed == set(READ_THEN_WRITE), "reads that also write: sort them"
    # The four views issue 14 found unaudited are now openings or need one.
    for key in (
        "CarePlanService.compare",
        "LinkageService.for_patient",
        "EpisodeService.safety",
        "LetterService.preview",
    ):
        assert found[key] in {"opens", "needs"}, key
    # The lists above name only methods that exist (a renamed one is sorted again).
    assert set(NOT_CLINICAL) <= set(found)


def needing() -> list[tuple[str, str]]:
    out = []
    for cls in service_classes():
        for name, fn in inspect.getmembers(cls, inspect.isfunction):
            if hasattr(fn, "__needs_opening__"):
                out.append((cls.__name__, name))
    return out


NEEDING = needing()
SERVICE_OF = {
    "FamilyService": "family",
    "HealthService": "health",
    "LinkageService": "linkage",
    "LetterService": "letters",
}


def count_events(services: Services) -> int:
    with Session(services.engine) as session:
        return session.exec(select(func.count()).select_from(AuditEvent)).one()


@pytest.fixture
def caseload(services: Services) -> tuple[Services, int]:
    services.demo.load(8, seed=3)
    return services, services.patients.search("").rows[0].id


@pytest.mark.parametrize(("cls", "name"), NEEDING, ids=[f"{c}.{n}" for c, n in NEEDING])
def test_a_read_refuses_anything_but_its_own_opening(
    caseload: tuple[Services, int], as_staff: StaffFactory, cls: str, name: str
) -> None:
    services, pid = caseload
    area = SERVICE_OF[cls]
    method: Callable[..., Any] = getattr(getattr(services, area), name)
    other_area = "health" if area != "health" else "family"
    wrong: list[object] = [
        pid,  # the patient id the methods used to take
        Opening(pid, area, services.staff.id, 1),  # made by hand
        getattr(services, other_area).open(pid),  # another area's
        getattr(as_staff("clinician"), area).open(pid),  # issued to someone else
    ]
    for token in wrong:
        token = getattr(token, "opening", token)  # a view carries its opening
        before = count_events(services)
        with pytest.raises(NotOpened):
            method(token, "review_invitation") if name == "preview" else method(token)
        assert count_events(services) == before
    opened = getattr(services, area).open(pid)
    token = getattr(opened, "opening", opened)
    before = count_events(services)
    method(token, "review_invitation") if name == "preview" else method(token)
    assert count_events(services) == before  # a read within an opening adds nothing


def test_each_opening_records_one_event(caseload: tuple[Services, int]) -> None:
    services, pid = caseload
    services.refresh_staff()  # the demo loader is made a clinician too
    plan = services.careplans.open(pid)
    draft = services.reviews.start(pid) if plan.versions else None
    calls: dict[str, Callable[[], object]] = {
        "CarePlanService.compare": lambda: services.careplans.compare(
            pid, plan.version_no, plan.version_no
        ),
        "CarePlanService.open": lambda: services.careplans.open(pid),
        "EpisodeService.safety": lambda: services.episodes.safety(pid),
        "FamilyService.open": lambda: services.family.open(pid),
        "HealthService.open": lambda: services.health.open(pid),
        "LetterService.open": lambda: services.letters.open(pid),
        "LinkageService.open": lambda: services.linkage.open(pid),
        "PatientService.open": lambda: services.patients.open(pid),
        "ReviewService.get": lambda: services.reviews.get(draft.id if draft else 0),
        "ReviewService.start": lambda: services.reviews.start(pid),
        "SummaryService.open": lambda: services.summary.open(pid),
    }
    openings = sorted(k for k, v in kinds().items() if v == "opens")
    assert openings == sorted(calls), "an opening this test does not call"
    assert draft is not None and plan.versions, "the demo patient has a plan and a review"
    for key, call in calls.items():
        before = count_events(services)
        call()
        assert count_events(services) == before + 1, key
