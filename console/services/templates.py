"""Letter templates in administration: the list, each template's own fields, save
(checked by the same parser that fills letters), preview for a chosen patient, the
history of versions with who and when, a comparison of two versions, and a return to
the shipped wording. Every change is one audited write; reading is for everyone."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pendulum
import sqlalchemy as sa

from console.letters import fields
from console.services.errors import Invalid, NotFound, Refused
from console.services.letters_dto import Preview, TemplateInfo
from console.services.roles import Action
from db.models import LetterTemplate, LetterTemplateVersion, Staff, table_of

if TYPE_CHECKING:
    from sqlmodel import Session

    from console.services import Services

VERSIONS = table_of(LetterTemplateVersion)
LONGEST = 20_000  # characters: a letter, not a document


@dataclass(frozen=True)
class FieldInfo:
    name: str
    description: str
    table: bool  # a table block, on a line of its own


@dataclass(frozen=True)
class TemplateVersion:
    version: int  # 0: the wording as shipped
    at: str  # "2 Dec 2026 17:40" in the practice's zone; "" when not recorded
    by: str  # the name of who saved it
    shipped: bool  # the shipped wording (as shipped, or put back)
    body: str


@dataclass(frozen=True)
class TemplateRow:
    info: TemplateInfo
    version: int  # 0 while as shipped
    at: str
    by: str


class TemplateService:
    def __init__(self, services: Services) -> None:
        self._s = services

    def _when(self, at: str) -> str:
        if not at:
            return ""
        return pendulum.parse(at).in_timezone(self._s.clock.tz).format("D MMM YYYY HH:mm")  # type: ignore[union-attr]

    def _versions(self, session: Session, key: str) -> list[TemplateVersion]:
        staff = table_of(Staff)
        rows = session.execute(
            sa.select(VERSIONS, staff.c.name)
            .outerjoin(staff, staff.c.id == VERSIONS.c.saved_by)
            .where(VERSIONS.c.key == key)
            .order_by(VERSIONS.c.version.desc())
        ).all()
        return [
            TemplateVersion(r.version, self._when(r.saved_at), r.name or "", r.shipped, r.body)
            for r in rows
        ]

    def _shipped(self, key: str) -> fields.Template:
        template = fields.shipped().get(key)
        if template is None:
            raise NotFound(f"no letter template '{key}'")
        return template

    # -- reading ------------------------------------------------------------------------
    def list(self) -> list[TemplateRow]:
        """Every template, its current version and who saved it when (everyone reads)."""
        with self._s.uow.read(self._s.staff, Action.VIEW_LIST) as session:
            infos = self._s.letters._templates(session)
            out = []
            for key, info in infos.items():
                latest = self._versions(session, key)[:1]
                v = latest[0] if latest and info.edited else None
                out.append(
                    TemplateRow(info, v.version if v else 0, v.at if v else "", v.by if v else "")
                )
        return out

    @staticmethod
    def fields(key: str) -> list[FieldInfo]:
        """The fields and table blocks this template can fill, in the allow-list's order."""
        usable, tables = fields.available(key)
        return [FieldInfo(n, d, False) for n, d in usable.items()] + [
            FieldInfo(n, d, True) for n, d in tables.items()
        ]

    def history(self, key: str) -> list[TemplateVersion]:
        """Newest first, ending with the wording as shipped (version 0)."""
        shipped = self._shipped(key)
        with self._s.uow.read(self._s.staff, Action.VIEW_LIST) as session:
            versions = self._versions(session, key)
        return [*versions, TemplateVersion(0, "", "as shipped", True, shipped.body)]

    def compare(self, key: str, older: int, newer: int) -> list[str]:
        """Line by line, `older` to `newer`: '- ' taken out, '+ ' put in, '  ' kept."""
        by_version = {v.version: v for v in self.history(key)}
        for name, number in (("older", older), ("newer", newer)):
            if number not in by_version:
                raise Invalid({name: f"no version {number} of this template"})
        a = by_version[older].body.splitlines()
        b = by_version[newer].body.splitlines()
        return [line for line in difflib.ndiff(a, b) if not line.startswith("? ")]

    # -- writing ------------------------------------------------------------------------
    def check(self, key: str, body: str) -> list[str]:
        """What stops `body` being saved for this template (the save's own check)."""
        if not isinstance(body, str):
            return ["the letter's text is required"]
        if len(body) > LONGEST:
            return [f"at most {LONGEST:,} characters"]
        return fields.problems(body, key)

    def save(self, key: str, body: str) -> TemplateInfo:
        """Admin: refused, with the reason, unless every field is one this template fills."""
        shipped = self._shipped(key)
        found = self.check(key, body)
        if found:
            raise Invalid({"body": "; ".join(found)})
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            current = self._s.letters._templates(tx.session)[key]
            if current.body == body:
                raise Invalid({"body": "nothing changed since the last save"})
            version = self._next(tx.session, key)
            row = tx.session.exec(
                sa.select(LetterTemplate).where(LetterTemplate.key == key)  # type: ignore[call-overload]
            ).scalar_one_or_none()
            if row is None:
                row = LetterTemplate(
                    key=key, title=shipped.title, body=body, to_home_address=shipped.to_home_address
                )
            row.body, row.version, row.updated_by = body, version, self._s.staff.id
            tx.session.add(row)
            self._record(tx.session, key, version, body, shipped=False, at=tx.at)
            tx.session.flush()
            tx.audit(
                "letter_template.save",
                entity="letter_template",
                entity_id=row.id,
                detail={"key": key, "version": version},
            )
            return TemplateInfo(key, row.title, row.to_home_address, body, edited=True)

    def restore_shipped(self, key: str) -> TemplateInfo:
        """Admin: back to the wording shipped with the console (kept in the history)."""
        shipped = self._shipped(key)
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            row = tx.session.exec(
                sa.select(LetterTemplate).where(LetterTemplate.key == key)  # type: ignore[call-overload]
            ).scalar_one_or_none()
            if row is None:
                raise Refused("This template already has the shipped wording.")
            version = self._next(tx.session, key)
            tx.session.delete(row)
            self._record(tx.session, key, version, shipped.body, shipped=True, at=tx.at)
            tx.audit(
                "letter_template.restore",
                entity="letter_template",
                detail={"key": key, "version": version},
            )
        return TemplateInfo(key, shipped.title, shipped.to_home_address, shipped.body, False)

    def _next(self, session: Session, key: str) -> int:
        latest = session.execute(
            sa.select(sa.func.max(VERSIONS.c.version)).where(VERSIONS.c.key == key)
        ).scalar()
        return int(latest or 0) + 1

    def _record(
        self, session: Session, key: str, version: int, body: str, *, shipped: bool, at: object
    ) -> None:
        session.add(
            LetterTemplateVersion(
                key=key,
                version=version,
                body=body,
                shipped=shipped,
                saved_by=self._s.staff.id,
                saved_at=at.in_timezone("UTC").isoformat(),  # type: ignore[attr-defined]
            )
        )

    # -- preview ------------------------------------------------------------------------
    def preview(
        self, key: str, patient_id: int, body: str | None = None, *, width: int = 72
    ) -> Preview:
        """The letter for one patient from `body` (the text being edited) or the saved
        wording; audited, as it shows that patient's details."""
        title = self._shipped(key).title
        if body is not None:
            found = self.check(key, body)
            if found:
                return Preview(key, title, "", refusal="Not a letter yet: " + "; ".join(found))
        # The one audited opening of this patient's letters for this preview.
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            opening = self._s.openings.open(
                tx,
                patient_id,
                "letters",
                detail={"key": key, "draft": body is not None},
                action="letter_template.preview",
            )
        return self._s.letters.preview(opening, key, width=width, body=body, wording=True)
