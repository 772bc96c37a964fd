"""Letters: templates (admin edits, everyone reads), preview, produce, batch, print.

A letter is composed from a read, rendered to PDF outside any transaction, written as a
private file, and only then recorded (Letter row + audit) in one short write. Printing
follows; its success is recorded in a second write. ReportLab is imported only here,
inside the functions that render (start-up and the other commands stay free of it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from console.letters import fields
from console.letters.compose import PatientFacts, Signer, compose, refusal
from console.letters.model import LetterContent, Letterhead, preview_text
from console.letters.printing import (
    PrintError,
    checksum,
    send_to_printer,
    unique_path,
    write_private,
)
from console.services.errors import Invalid, NotFound, Refused
from console.services.letters_dto import (
    LetterOutput,
    NothingToProduce,
    Preview,
    Produced,
    Skipped,
    TemplateInfo,
)
from console.services.roles import Action, allowed
from db.models import Letter, LetterTemplate, PracticeSettings
from db.queries import letters as queries

if TYPE_CHECKING:
    from sqlmodel import Session

    from console.services import Services

Progress = Callable[[int, int], None]
__all__ = [
    "LetterOutput",
    "LetterService",
    "NothingToProduce",
    "Preview",
    "Produced",
    "Skipped",
    "TemplateInfo",
]


RECALL_KEYS = ("review_invitation", "review_recall", "checkup_invitation")


class LetterService:
    def __init__(self, services: Services) -> None:
        self._s = services
        self._output: LetterOutput | None = None

    # -- machine settings -------------------------------------------------------------
    @property
    def output(self) -> LetterOutput:
        if self._output is None:
            from console import config

            settings = config.load()
            self._output = LetterOutput(settings.letters_dir, settings.printer, settings.group)
        return self._output

    @output.setter
    def output(self, value: LetterOutput) -> None:
        self._output = value

    # -- templates --------------------------------------------------------------------
    def templates(self) -> list[TemplateInfo]:
        """Shipped templates, with the practice's saved edits in their place (everyone)."""
        with self._s.uow.read(self._s.staff, Action.VIEW_LIST) as session:
            return list(self._templates(session).values())

    def _templates(self, session: Session) -> dict[str, TemplateInfo]:
        out = {
            key: TemplateInfo(t.key, t.title, t.to_home_address, t.body, edited=False)
            for key, t in fields.shipped().items()
        }
        for row in queries.templates(session=session):
            out[row["key"]] = TemplateInfo(
                row["key"], row["title"], row["to_home_address"], row["body"], edited=True
            )
        return out

    @staticmethod
    def field_names() -> list[str]:
        """Every name a template may use: the fields, then the table blocks."""
        return [*fields.FIELDS, *fields.TABLES]

    def template(self, key: str) -> TemplateInfo:
        for info in self.templates():
            if info.key == key:
                return info
        raise NotFound(f"no letter template '{key}'")

    def save_template(self, key: str, body: str) -> TemplateInfo:
        """Admin: a template naming a field that does not exist is refused here."""
        found = fields.problems(body)
        if found:
            raise Invalid({"body": "; ".join(found)})
        with self._s.uow.write(self._s.staff, Action.ADMINISTER) as tx:
            current = self._templates(tx.session).get(key)
            if current is None:
                raise NotFound(f"no letter template '{key}'")
            row = tx.session.exec(
                sa.select(LetterTemplate).where(LetterTemplate.key == key)  # type: ignore[call-overload]
            ).scalar_one_or_none()
            if row is None:
                row = LetterTemplate(
                    key=key, title=current.title, body=body, to_home_address=current.to_home_address
                )
            else:
                row.body = body
                row.version += 1
            row.updated_by = self._s.staff.id
            tx.session.add(row)
            tx.session.flush()
            tx.audit(
                "letter_template.save",
                entity="letter_template",
                entity_id=row.id,
                detail={"key": key},
            )
            return TemplateInfo(key, row.title, row.to_home_address, body, edited=True)

    # -- one letter -------------------------------------------------------------------
    def preview(self, patient_id: int, key: str, *, width: int = 72) -> Preview:
        """The letter's text for the terminal, or why it cannot be produced."""
        # Everyone previews: reception the recall letters, which hold no clinical detail.
        clinical = allowed(self._s.staff.roles, Action.VIEW_CLINICAL)
        action = Action.REPRINT_LETTER if key in RECALL_KEYS else Action.PRODUCE_LETTER
        content, head, template = self._one(patient_id, key, action, clinical=clinical)
        if isinstance(content, str):
            return Preview(key, template.title, "", refusal=content)
        return Preview(key, template.title, preview_text(content, head, width))

    def produce(self, patient_id: int, key: str, *, send: bool = True) -> Produced:
        """PDF in the letters folder, recorded and audited; printed when a printer is set."""
        content, head, _ = self._one(patient_id, key)
        if isinstance(content, str):
            raise Refused(content)
        return self._finish([(patient_id, content)], head, key, f"{key}-p{patient_id}", send)

    def _one(
        self,
        patient_id: int,
        key: str,
        action: Action = Action.PRODUCE_LETTER,
        *,
        clinical: bool = True,
    ) -> tuple[LetterContent | str, Letterhead, fields.Template]:
        staff = self._s.staff
        with self._s.uow.read(staff, action) as session:
            info = self._templates(session).get(key)
            if info is None:
                raise NotFound(f"no letter template '{key}'")
            template = fields.Template(info.key, info.title, info.to_home_address, info.body)
            head = _letterhead(session)
            facts = _facts(session, [patient_id], with_clinical=clinical).get(patient_id)
        if facts is None:
            raise NotFound("no such patient")
        return self._compose(facts, template, head), head, template

    def _compose(
        self, facts: PatientFacts, template: fields.Template, head: Letterhead
    ) -> LetterContent | str:
        why = refusal(facts.patient, template, self._s.clock.today())
        if why:
            return why
        staff = self._s.staff
        signer = Signer(staff.name, frozenset(r.value for r in staff.roles))
        try:
            return compose(facts, template, head, signer, self._s.clock.today())
        except fields.MissingValues as exc:
            return exc.explain()

    # -- a batch of recall and invitation letters ---------------------------------------
    def recall_batch(
        self,
        patient_ids: Sequence[int],
        *,
        send: bool = False,
        out: Path | None = None,
        progress: Progress | None = None,
    ) -> Produced:
        """One PDF, one letter per page, one print job; skipped patients listed with why."""
        staff = self._s.staff
        today = self._s.clock.today()
        with self._s.uow.read(staff, Action.REPRINT_LETTER) as session:
            infos = self._templates(session)
            head = _letterhead(session)
            facts = _facts(session, patient_ids, with_clinical=False)
        letters: list[tuple[int, LetterContent]] = []
        skipped: list[Skipped] = []
        for n, pid in enumerate(patient_ids, 1):
            f = facts.get(pid)
            if f is None:
                skipped.append(Skipped(pid, "", "no such patient"))
                continue
            name = f"{f.patient['family_name']}, {f.patient['given_name']}"
            nhs = str(f.patient["nhs_number"])
            if f.patient["status"] == "deceased":  # before any date: death stops every letter
                skipped.append(Skipped(pid, name, "recorded as deceased", nhs))
                continue
            key = recall_key(f.patient, today)
            if key is None:
                skipped.append(Skipped(pid, name, "no review or check-up date is set", nhs))
                continue
            info = infos[key]
            template = fields.Template(info.key, info.title, info.to_home_address, info.body)
            content = self._compose(f, template, head)
            if isinstance(content, str):
                skipped.append(Skipped(pid, name, content.removeprefix("No letter: "), nhs))
            else:
                letters.append((pid, content))
            if progress is not None:
                progress(n, 2 * len(patient_ids))
        if not letters:
            raise NothingToProduce(skipped)
        total = len(patient_ids)

        def rendered(n: int) -> None:
            if progress is not None:
                progress(total + n * total // len(letters), 2 * total)

        stem = f"recall-batch-{len(letters)}"
        produced = self._finish(letters, head, "recall_batch", stem, send, out, rendered)
        return replace(produced, skipped=tuple(skipped))

    # -- file, record, print -------------------------------------------------------------
    def _finish(
        self,
        letters: list[tuple[int, LetterContent]],
        head: Letterhead,
        key: str,
        stem: str,
        send: bool,
        out: Path | None = None,
        rendered: Callable[[int], None] | None = None,
    ) -> Produced:
        from console.letters.render import render

        pdf, pages = render([c for _, c in letters], head, on_letter=rendered)
        digest = checksum(pdf)
        output = self.output
        now = self._s.clock.now()
        stamp = f"{now.format('YYYYMMDD-HHmmss')}-{stem}"
        for _ in range(5):  # a colleague may take the same name in the same second
            path = out or unique_path(output.folder, stamp)
            try:
                write_private(path, pdf, output.group)
                break
            except FileExistsError:
                if out is not None:
                    raise Refused(f"{out} already exists; letters are never overwritten") from None
        else:
            raise Refused("Could not find a free file name in the letters folder.")
        try:
            ids = self._record(letters, pages, key, path, digest, now.isoformat())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        printed, message = False, f"Saved {path} (no printer is configured)."
        if send and output.printer:
            try:
                job = send_to_printer(path, output.printer)
            except PrintError as exc:
                message = f"Saved {path}, but not printed: {exc}"
            else:
                printed, message = True, f"Printed on {output.printer} ({job}); kept at {path}."
                self._printed(ids, [pid for pid, _ in letters], output.printer)
        elif send is False:
            message = f"Saved {path}."
        return Produced(path, digest, len(letters), ids, printed, message)

    def _record(
        self,
        letters: list[tuple[int, LetterContent]],
        pages: list[int],
        key: str,
        path: Path,
        digest: str,
        at: str,
    ) -> tuple[int, ...]:
        batch = len(letters) > 1 or key == "recall_batch"
        action = Action.REPRINT_LETTER if batch else Action.PRODUCE_LETTER
        with self._s.uow.write(self._s.staff, action) as tx:
            rows = [
                Letter(
                    patient_id=pid,
                    template_key=content.key or key,
                    produced_by=self._s.staff.id,
                    produced_at=at,
                    path=str(path),
                    sha256=digest,
                    page=page,
                )
                for (pid, content), page in zip(letters, pages, strict=True)
            ]
            tx.session.add_all(rows)
            tx.session.flush()
            ids = tuple(r.id for r in rows if r.id is not None)
            detail = {"template": key, "sha256": digest, "file": path.name, "letters": len(rows)}
            if batch:
                tx.audit(
                    "letter.batch",
                    entity="letter",
                    patient_ids=[p for p, _ in letters],
                    detail=detail,
                )
            else:
                tx.audit(
                    "letter.produce",
                    entity="letter",
                    entity_id=ids[0],
                    patient_id=letters[0][0],
                    detail=detail,
                )
            return ids

    def _printed(self, ids: Sequence[int], patient_ids: list[int], printer: str) -> None:
        at = self._s.clock.now().isoformat()
        with self._s.uow.write(self._s.staff, Action.REPRINT_LETTER) as tx:
            for row in tx.session.exec(
                sa.select(Letter).where(Letter.id.in_(ids))  # type: ignore[union-attr, call-overload]
            ).scalars():
                row.printed_at = at
            tx.audit(
                "letter.print",
                entity="letter",
                patient_ids=patient_ids,
                detail={"printer": printer, "letters": len(ids)},
            )

    def reprint(self, letter_id: int) -> Produced:
        """Send the kept PDF again (everyone): the same letter, checked against its sha256."""
        output = self.output
        with self._s.uow.read(self._s.staff, Action.REPRINT_LETTER) as session:
            row = queries.letter(session=session, letter_id=letter_id)
        if row is None:
            raise NotFound("no such letter")
        path = Path(row["path"])
        if not path.is_file() or checksum(path.read_bytes()) != row["sha256"]:
            raise Refused("The kept PDF is missing or has changed since it was produced.")
        if not output.printer:
            return Produced(
                path,
                row["sha256"],
                1,
                (letter_id,),
                False,
                f"No printer is configured; the letter is at {path}.",
            )
        try:
            job = send_to_printer(path, output.printer)
        except PrintError as exc:
            raise Refused(str(exc)) from exc
        self._printed([letter_id], [row["patient_id"]], output.printer)
        return Produced(path, row["sha256"], 1, (letter_id,), True, f"Printed ({job}).")


def recall_key(patient: object, today: object) -> str | None:
    """Which recall letter: check-up invitation, overdue recall, or review invitation."""
    p = patient  # a row mapping
    if p["status"] == "post_exit_checkups" and p["next_checkup_due"] is not None:  # type: ignore[index]
        return "checkup_invitation"
    due = p["next_review_due"]  # type: ignore[index]
    if due is None:
        return None
    return "review_recall" if due < today else "review_invitation"  # type: ignore[operator]


def _letterhead(session: Session) -> Letterhead:
    row = session.get(PracticeSettings, 1) or PracticeSettings(id=1)
    return Letterhead(row.name, row.address, row.phone, row.email, row.ods_code)


def _facts(
    session: Session, ids: Sequence[int], *, with_clinical: bool = True
) -> dict[int, PatientFacts]:
    rows = queries.patients(session=session, ids=ids)
    if not with_clinical:  # recall letters need names, addresses and dates only
        return {pid: PatientFacts(row) for pid, row in rows.items()}
    return {
        pid: PatientFacts(
            row,
            goals=queries.agreed_goals(session=session, patient_id=pid),
            prescription=queries.current_prescription(session=session, patient_id=pid),
            resource=queries.latest_resource(session=session, patient_id=pid),
        )
        for pid, row in rows.items()
    }
