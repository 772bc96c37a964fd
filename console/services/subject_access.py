"""`export record`: one patient's whole record for a subject access request (UK GDPR Art. 15).

The record is read in one read transaction (one consistent moment) and handed, object by
object, to a writer (console/services/subject_access_render.py: PDF or JSON), so memory
stays flat however long the record is: only the staff names and the care-plan version
headers are held whole. The sections and their keys are documented in
docs/operations.md.

Third parties' details are withheld unless asked for: family members' and supporters'
names and contacts, and every corroboration's text (it may name others, and free text
cannot be screened). Each withheld field is replaced by WITHHELD and counted in the
`withheld` section. The file is written beside its final name and renamed into place
only after the export's audit event is committed: no disclosure without its record.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlmodel import Session

from console.rules import nhs_number, top
from console.rules.vocab import DRUG_PANEL
from console.services import outputs
from console.services.errors import Invalid, NotFound, ServiceError
from console.services.roles import Action
from console.services.subject_access_render import Obj, RecordWriter, writer_for
from console.services.validated import validated
from db.models import (
    Barc10,
    CarePlan,
    Corroboration,
    DrugTest,
    Episode,
    FamilyMember,
    Goal,
    GoalReview,
    GoalStatusEvent,
    HealthCheck,
    Letter,
    LetterTemplate,
    Linkage,
    Patient,
    Prescription,
    Resource,
    Review,
    ReviewAddendum,
    Staff,
    TopScore,
    table_of,
)

if TYPE_CHECKING:
    from console.services import Services

WITHHELD = "[withheld: third party]"
SECTIONS = (
    "episodes",
    "prescriptions",
    "reviews",
    "care_plans",
    "linkage",
    "family",
    "health_checks",
    "letters",
)
FORMATS = ("pdf", "json")
# Columns that are search keys, row versions or demo marks, not part of anyone's record.
_INTERNAL = frozenset({"patient_id", "version", "family_key", "given_key", "is_demo"})
# Columns holding a member of staff's id: exported as that person's name.
_STAFF = frozenset(
    {
        "keyworker_id",
        "held_by",
        "ost_decided_by",
        "agreed_by",
        "created_by",
        "by_staff",
        "linked_by",
        "recorded_by",
        "produced_by",
    }
)
REASONS = {
    ("family", "name"): "a family member's or supporter's name (a third party)",
    ("family", "contact"): "a family member's or supporter's contact details (a third party)",
    ("reviews", "corroboration.said"): "what a corroborating source said: it may name others",
}


@dataclass(frozen=True)
class RecordExported:
    path: Path
    format: str
    withheld: int
    counts: Mapping[str, int]


class OutputExists(ServiceError):
    def __init__(self, path: Path) -> None:
        super().__init__(f"{path} already exists; add --force to replace it")


def _plain(
    row: Mapping[str, Any], staff: Mapping[int, str], drop: frozenset[str] = frozenset()
) -> Obj:
    out: Obj = {}
    for key, value in row.items():
        if key in _INTERNAL or key in drop:
            continue
        if key in _STAFF:
            value = staff.get(value, "") if value is not None else None
        out[key] = value
    return out


def _rows(session: Session, query: sa.Select[Any]) -> Iterator[Mapping[str, Any]]:
    result = session.connection().execution_options(yield_per=200).execute(query)
    yield from result.mappings()


def _by_patient(model: Any, patient_id: int, *order: Any) -> sa.Select[Any]:
    table = table_of(model)
    return sa.select(table).where(table.c.patient_id == patient_id).order_by(*order, table.c.id)


def top_items(row: Mapping[str, Any]) -> list[Obj]:
    """TOP answers per item, labelled; an item with nothing recorded is left out."""
    items: list[Obj] = []
    for item in top.ITEMS:
        if item.kind is top.ItemKind.DAYS:
            weeks = [row.get(f"{item.key}_w{w}") for w in range(1, top.WEEKS + 1)]
            entry: Obj = {"item": item.key, "label": item.label, "section": item.section}
            entry["days"] = row.get(f"{item.key}_days")
            entry["weeks"] = weeks
            if item.amount_unit:
                entry["amount"] = row.get(f"{item.key}_amount")
                entry["unit"] = item.amount_unit
            if entry["days"] is None and all(w is None for w in weeks):
                continue
        else:
            answer = row.get(item.key)
            if answer is None:
                continue
            entry = {"item": item.key, "label": item.label, "section": item.section}
            entry["answer"] = answer
        items.append(entry)
    return items


class Collector:
    """Reads one patient's record and hands it to a writer, section by section."""

    def __init__(self, session: Session, patient_id: int, *, third_parties: bool) -> None:
        self.session = session
        self.pid = patient_id
        self.third_parties = third_parties
        self.withheld: Counter[tuple[str, str]] = Counter()
        self.counts: Counter[str] = Counter()
        staff = table_of(Staff)
        self.staff = {
            r.id: r.name for r in session.connection().execute(sa.select(staff.c.id, staff.c.name))
        }

    def run(self, writer: RecordWriter) -> None:
        patient = table_of(Patient)
        row = (
            self.session.connection()
            .execute(sa.select(patient).where(patient.c.id == self.pid))
            .mappings()
            .one()
        )
        writer.patient(_plain(row, self.staff, frozenset({"id"})))
        for name in SECTIONS:
            writer.open_list(name)
            for obj in getattr(self, name)():
                self.counts[name] += 1
                writer.item(obj)
            writer.close_list()
        writer.finish(
            [
                {"section": s, "field": f, "count": n, "reason": REASONS[(s, f)]}
                for (s, f), n in sorted(self.withheld.items())
            ]
        )

    def _hold(self, obj: Obj, section: str, field: str, key: str | None = None) -> None:
        key = key or field
        if self.third_parties or not obj.get(key):
            return
        obj[key] = WITHHELD
        self.withheld[(section, field)] += 1

    # -- the sections ----------------------------------------------------------------
    def episodes(self) -> Iterator[Obj]:
        t = table_of(Episode)
        for row in _rows(self.session, _by_patient(Episode, self.pid, t.c.start_date)):
            yield _plain(row, self.staff)

    def prescriptions(self) -> Iterator[Obj]:
        """One row per dose: in start order they are the dose history."""
        t = table_of(Prescription)
        for row in _rows(self.session, _by_patient(Prescription, self.pid, t.c.start_date)):
            yield _plain(row, self.staff)

    def reviews(self) -> Iterator[Obj]:
        t = table_of(Review)
        for row in _rows(self.session, _by_patient(Review, self.pid, t.c.review_date)):
            review = _plain(row, self.staff)
            review.update(self._review_parts(row["id"]))
            yield review

    def _one(self, model: Any, review_id: int) -> Mapping[str, Any] | None:
        t = table_of(model)
        query = sa.select(t).where(t.c.review_id == review_id)
        return self.session.connection().execute(query).mappings().first()

    def _many(self, model: Any, review_id: int) -> list[Mapping[str, Any]]:
        t = table_of(model)
        query = sa.select(t).where(t.c.review_id == review_id).order_by(t.c.id)
        return list(self.session.connection().execute(query).mappings())

    def _review_parts(self, review_id: int) -> Obj:
        parts: Obj = {}
        score = self._one(TopScore, review_id)
        parts["top"] = top_items(score) if score else []
        if score and score.get("other_substance_name"):
            parts["top_other_substance"] = score["other_substance_name"]
        test = self._one(DrugTest, review_id)
        parts["drug_test"] = (
            {"specimen": test["specimen"], "test_date": test["test_date"]}
            | {s: test[s] for s in DRUG_PANEL}
            if test
            else None
        )
        barc = self._one(Barc10, review_id)
        parts["barc10"] = _plain(barc, self.staff, frozenset({"id", "review_id"})) if barc else None
        said = []
        for c in self._many(Corroboration, review_id):
            obj = {"source": c["source"], "said": c["said"]}
            self._hold(obj, "reviews", "corroboration.said", "said")
            said.append(obj)
        parts["corroboration"] = said
        drop = frozenset({"id", "review_id"})
        parts["goal_reviews"] = [
            _plain(g, self.staff, drop) for g in self._many(GoalReview, review_id)
        ]
        parts["addenda"] = [
            _plain(a, self.staff, drop) for a in self._many(ReviewAddendum, review_id)
        ]
        return parts

    def care_plans(self) -> Iterator[Obj]:
        """Every version with its goals; goal status moves dated within that version's time."""
        t = table_of(CarePlan)
        headers = list(_rows(self.session, _by_patient(CarePlan, self.pid, t.c.version_no)))
        events = table_of(GoalStatusEvent)
        goals = table_of(Goal)
        for i, row in enumerate(headers):
            plan = _plain(row, self.staff)
            plan["goals"] = [
                _plain(g, self.staff, frozenset({"id", "care_plan_id"}))
                for g in _rows(
                    self.session,
                    sa.select(goals)
                    .where(goals.c.care_plan_id == row["id"])
                    .order_by(goals.c.position, goals.c.id),
                )
            ]
            window = events.c.patient_id == self.pid
            if i > 0:
                window = sa.and_(window, events.c.at >= row["created_at"])
            if i + 1 < len(headers):
                window = sa.and_(window, events.c.at < headers[i + 1]["created_at"])
            plan["goal_status_changes"] = [
                _plain(e, self.staff, frozenset({"id"}))
                for e in _rows(
                    self.session, sa.select(events).where(window).order_by(events.c.at, events.c.id)
                )
            ]
            yield plan

    def linkage(self) -> Iterator[Obj]:
        link, res = table_of(Linkage), table_of(Resource)
        query = (
            sa.select(
                link,
                res.c.name.label("resource"),
                res.c.kind.label("resource_kind"),
                res.c.where.label("resource_where"),
                res.c.contact.label("resource_contact"),
            )
            .join(res, res.c.id == link.c.resource_id)
            .where(link.c.patient_id == self.pid)
            .order_by(link.c.linked_on, link.c.id)
        )
        for row in _rows(self.session, query):
            yield _plain(row, self.staff, frozenset({"resource_id"}))

    def family(self) -> Iterator[Obj]:
        for row in _rows(self.session, _by_patient(FamilyMember, self.pid)):
            obj = _plain(row, self.staff)
            self._hold(obj, "family", "name")
            self._hold(obj, "family", "contact")
            yield obj

    def health_checks(self) -> Iterator[Obj]:
        t = table_of(HealthCheck)
        for row in _rows(self.session, _by_patient(HealthCheck, self.pid, t.c.check_date)):
            yield _plain(row, self.staff)

    def letters(self) -> Iterator[Obj]:
        letter, template = table_of(Letter), table_of(LetterTemplate)
        query = (
            sa.select(letter, template.c.title.label("title"))
            .join(template, template.c.key == letter.c.template_key, isouter=True)
            .where(letter.c.patient_id == self.pid)
            .order_by(letter.c.produced_at, letter.c.id)
        )
        for row in _rows(self.session, query):
            yield _plain(row, self.staff, frozenset({"sha256", "page"}))


@validated
class SubjectAccessService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def export(
        self,
        nhs: str,
        path: Path,
        *,
        fmt: str = "pdf",
        third_parties: bool = False,
        force: bool = False,
        group: str | None = None,
    ) -> RecordExported:
        staff = self._s.staff
        self._s.uow.require(staff, Action.SUBJECT_ACCESS)
        if fmt not in FORMATS:
            raise Invalid({"format": "choose pdf or json"})
        try:
            number = nhs_number.normalise(nhs)
        except nhs_number.NhsNumberError as exc:
            raise Invalid({"nhs_number": str(exc)}) from exc
        outputs.refuse_link(path)
        if path.exists() and not force:
            raise OutputExists(path)
        if not path.parent.is_dir():
            raise ServiceError(f"no such folder: {path.parent}")
        partial = path.with_name(f".{path.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            with self._s.uow.read(staff, Action.SUBJECT_ACCESS) as session:
                patient = table_of(Patient)
                pid = (
                    session.connection()
                    .execute(sa.select(patient.c.id).where(patient.c.nhs_number == number))
                    .scalar()
                )
                if pid is None:
                    raise NotFound(
                        "no patient is registered with that NHS number; nothing was written"
                    )
                collector = Collector(session, pid, third_parties=third_parties)
                with open(outputs.create(partial, group), "wb") as fh:
                    collector.run(writer_for(fmt, fh, self._s.clock.now()))
            withheld = sum(collector.withheld.values())
            with self._s.uow.write(staff, Action.SUBJECT_ACCESS) as tx:
                tx.audit(
                    "patient.subject_access_export",
                    entity="patient",
                    entity_id=pid,
                    patient_id=pid,
                    detail={
                        "format": fmt,
                        "third_parties": third_parties,
                        "withheld": withheld,
                    },
                )
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return RecordExported(path, fmt, withheld, dict(collector.counts))
