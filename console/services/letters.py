"""Letters: templates (admin edits, everyone reads), preview, produce, batch, print.

A letter is composed from a read, rendered to PDF outside any transaction, written as a
private file, and only then recorded (Letter row + audit) in one short write. Printing
follows; its success is recorded in a second write. ReportLab is imported only here,
inside the functions that render (start-up and the other commands stay free of it).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from console.letters import fields, pharmacy
from console.letters.compose import PatientFacts, Signer, compose, postal_refusal, refusal
from console.letters.model import LetterContent, Letterhead, preview_text
from console.letters.printing import (
    PrintError,
    checksum,
    job_title,
    open_private,
    send_to_printer,
    unique_path,
)
from console.services import letters_batch as batch
from console.services import outputs
from console.services.errors import NotFound, Refused
from console.services.letters_dto import (
    BatchPlan,
    LetterOutput,
    NothingToProduce,
    Preview,
    Produced,
    Skipped,
    TemplateInfo,
)
from console.services.letters_read import facts_of, file_checksum, letterhead, staff_title
from console.services.letters_recall import RecallBatches
from console.services.opening import Opening, needs_opening, opens
from console.services.roles import Action, allowed
from console.services.validated import validated
from db.models import Letter
from db.queries import letters as queries

if TYPE_CHECKING:
    from sqlmodel import Session

    from console.services import Services

Progress = Callable[[int, int], None]
__all__ = [
    "BatchPlan",
    "LetterOutput",
    "LetterService",
    "NothingToProduce",
    "Preview",
    "Produced",
    "Skipped",
    "TemplateInfo",
]


RECALL_KEYS = batch.RECALL_KEYS
PHARMACY_ONLY = (
    "Only a clinician may produce the letter to the pharmacy: it is a controlled-drug "
    "document. Ask a clinician to produce it."
)
AREA = "letters"


@validated
class LetterService(RecallBatches):
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
        """Admin: checked and saved by the template service (one path, with history)."""
        return self._s.templates.save(key, body)

    # -- one letter -------------------------------------------------------------------
    @opens(AREA)
    def open(self, patient_id: int) -> Opening:
        """Open a patient's letters (the screen, once): audited, so the previews that
        follow, one per template looked at, need record nothing more (SPEC §2)."""
        # Everyone opens: reception previews the recall letters.
        with self._s.uow.write(self._s.staff, Action.REPRINT_LETTER) as tx:
            return self._s.openings.open(tx, patient_id, AREA)

    @needs_opening(AREA)
    def preview(
        self,
        opening: Opening,
        key: str,
        *,
        width: int = 72,
        resource_id: int | None = None,
        body: str | None = None,
        wording: bool = False,
    ) -> Preview:
        """The letter's text for the terminal, or why it cannot be produced.

        `resource_id`: which of the patient's linked resources a mutual aid introduction
        is about (default: the latest linked). `body`: wording being edited, already
        checked by the template service, in place of the saved one. `wording`: a
        preview of the wording (administration), shown even where this patient could not
        be posted it (the reason is its note) and with unrecorded values marked.
        """
        patient_id = opening.patient_id
        # Everyone previews: reception the recall letters, which hold no clinical detail.
        clinical = allowed(self._s.staff.roles, Action.VIEW_CLINICAL)
        action = Action.REPRINT_LETTER if key in RECALL_KEYS else Action.PRODUCE_LETTER
        if key == pharmacy.KEY and not allowed(self._s.staff.roles, Action.PHARMACY_LETTER):
            # A controlled-drug document: said before anything is read (hazard H70).
            return Preview(key, self._templates_title(key), "", refusal=PHARMACY_ONLY)
        content, head, template = self._one(
            patient_id,
            key,
            action,
            clinical=clinical,
            resource_id=resource_id,
            body=body,
            wording=wording,
        )
        if isinstance(content, str):
            return Preview(key, template.title, "", refusal=content)
        return Preview(key, template.title, preview_text(content, head, width), note=content.note)

    def produce(
        self, patient_id: int, key: str, *, send: bool = True, resource_id: int | None = None
    ) -> Produced:
        """PDF in the letters folder, recorded and audited; printed when `send` and a
        printer is set (the letters screen asks first, then calls `send`)."""
        action = Action.PHARMACY_LETTER if key == pharmacy.KEY else Action.PRODUCE_LETTER
        content, head, _ = self._one(patient_id, key, action, resource_id=resource_id)
        if isinstance(content, str):
            raise Refused(content)
        return self._finish([(patient_id, content)], head, key, f"{key}-p{patient_id}", send)

    @needs_opening(AREA)
    def linked_resources(self, opening: Opening) -> list[tuple[int, str]]:
        """The resources linked to a patient, latest first: (id, name), for the chooser."""
        with self._s.uow.read(self._s.staff, Action.PRODUCE_LETTER) as session:
            rows = queries.linked_resources(session=session, patient_id=opening.patient_id)
        return [(int(r["id"]), str(r["name"])) for r in rows]

    def _templates_title(self, key: str) -> str:
        shipped = fields.shipped().get(key)
        return shipped.title if shipped is not None else key.replace("_", " ").capitalize()

    def _one(
        self,
        patient_id: int,
        key: str,
        action: Action = Action.PRODUCE_LETTER,
        *,
        clinical: bool = True,
        resource_id: int | None = None,
        body: str | None = None,
        wording: bool = False,
    ) -> tuple[LetterContent | str, Letterhead, fields.Template]:
        staff = self._s.staff
        with self._s.uow.read(staff, action) as session:
            info = self._templates(session).get(key)
            if info is None:
                raise NotFound(f"no letter template '{key}'")
            text = info.body if body is None else body
            template = fields.Template(info.key, info.title, info.to_home_address, text)
            head = letterhead(session)
            today = self._s.clock.today()
            found = facts_of(
                session, [patient_id], with_clinical=clinical, resource_id=resource_id, today=today
            )
            facts = found.get(patient_id)
            # Signed by whoever produces it, with their professional title (hazard H72).
            signer = Signer(staff.name, staff_title(session, staff.id))
        if facts is None:
            raise NotFound("no such patient")
        return self._compose(facts, template, head, signer, wording=wording), head, template

    def _compose(
        self,
        facts: PatientFacts,
        template: fields.Template,
        head: Letterhead,
        signer: Signer,
        *,
        wording: bool = False,
    ) -> LetterContent | str:
        today = self._s.clock.today()
        why = refusal(facts, template, today, postal=not wording)
        if why:
            return why
        try:
            content = compose(facts, template, head, signer, today, unrecorded=wording)
        except fields.MissingValues as exc:
            return exc.explain()
        from console.letters.render import fitted

        if wording and (note := postal_refusal(facts, template)):
            content = replace(content, note=note.replace("No letter:", "Preview only:", 1))
        return fitted(content)

    # -- file, record, print -------------------------------------------------------------
    def _open(self, stack: ExitStack, stamp: str, out: Path | None) -> tuple[Path, BinaryIO]:
        """A new private file: `out`, or a free name in the letters folder."""
        output = self.output
        if out is not None:
            outputs.refuse_link(out)
        for _ in range(5):  # a colleague may take the same name in the same second
            path = out or unique_path(output.folder, stamp)
            try:
                return path, stack.enter_context(open_private(path, output.group))
            except FileExistsError:
                if out is not None:
                    raise Refused(f"{out} already exists; letters are never overwritten") from None
        raise Refused("Could not find a free file name in the letters folder.")

    def _finish(
        self,
        letters: list[tuple[int, LetterContent]],
        head: Letterhead,
        key: str,
        stem: str,
        send: bool,
    ) -> Produced:
        from console.letters.render import render

        content = letters[0][1]
        pdf, pages = render([c for _, c in letters], head, title=content.title)
        digest = checksum(pdf)
        now = self._s.clock.now()
        with ExitStack() as stack:
            path, fh = self._open(stack, f"{now.format('YYYYMMDD-HHmmss')}-{stem}", None)
            fh.write(pdf)
        try:
            ids = self._record(letters, pages, key, path, digest, now.isoformat())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        produced = Produced(
            path,
            digest,
            len(letters),
            ids,
            False,
            f"Saved {path}.",
            title=content.title,
            counts=((content.title, 1),),
            printer=self.output.printer,
        )
        return self._maybe_print(produced, send, [pid for pid, _ in letters], content.title, now)

    def _maybe_print(
        self, produced: Produced, send: bool, patient_ids: list[int], what: str, now: object
    ) -> Produced:
        printer = self.output.printer
        path = produced.path
        if not send:
            return produced
        if not printer:
            return replace(produced, print_message=f"Saved {path} (no printer is configured).")
        stamp = f"{now.format('YYYY-MM-DD HH:mm:ss')} #{produced.letter_ids[0]}"  # type: ignore[attr-defined]
        title = job_title(what, produced.letters, stamp)
        try:
            job = send_to_printer(path, printer, title)
        except PrintError as exc:
            return replace(produced, print_message=f"Saved {path}, but not printed: {exc}")
        self._printed(produced.letter_ids, patient_ids, printer)
        return replace(
            produced, printed=True, print_message=f"Printed on {printer} ({job}); kept at {path}."
        )

    def _record(
        self,
        letters: list[tuple[int, LetterContent]],
        pages: list[int],
        key: str,
        path: Path,
        digest: str,
        at: str,
    ) -> tuple[int, ...]:
        with self._s.uow.write(self._s.staff, Action.PRODUCE_LETTER) as tx:
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
            queries.mark_printed(session=tx.session, ids=ids, at=at)
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
        if file_checksum(path) != row["sha256"]:
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
        title = self._templates_title(row["template_key"])
        stamp = f"{self._s.clock.now().format('YYYY-MM-DD HH:mm:ss')} #{letter_id}"
        try:
            job = send_to_printer(path, output.printer, job_title(f"Reprint: {title}", 1, stamp))
        except PrintError as exc:
            raise Refused(str(exc)) from exc
        self._printed([letter_id], [row["patient_id"]], output.printer)
        return Produced(path, row["sha256"], 1, (letter_id,), True, f"Printed ({job}).")
