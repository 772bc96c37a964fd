"""Batches of recall and invitation letters, for the letters service (SPEC §5).

`plan_batch` says what a batch would hold (for the confirmation); `recall_batch` makes
it in chunks into one PDF (`letters_batch`) and records every letter in one write;
`send` prints a PDF just made once the user has said yes.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from console.letters import fields
from console.letters.compose import Signer
from console.services import letters_batch as batch
from console.services.errors import NotFound, Refused
from console.services.letters_dto import BatchPlan, Produced
from console.services.letters_read import facts_of, file_checksum, letterhead, recall_key
from console.services.roles import Action
from db.queries import letters as queries

if TYPE_CHECKING:
    from console.services.letters import Progress

RECALL_KEYS = batch.RECALL_KEYS


class RecallBatches:
    """Mixed into LetterService: uses its `_s`, `_templates`, `_compose`, `output`,
    `_open` and `_maybe_print`."""

    # -- a batch of recall and invitation letters ---------------------------------------
    def recall_batch(
        self,
        patient_ids: Sequence[int],
        *,
        send: bool = False,
        out: Path | None = None,
        progress: Progress | None = None,
        again: Collection[int] = (),
    ) -> Produced:
        """One PDF, one letter per page range, one print job; the skipped listed with why.

        Rendered in chunks into one file (memory stays flat). A patient who had a recall
        letter in the last 14 days is skipped unless their id is in `again`.
        """
        now = self._s.clock.now()
        parts = self._batch_parts()
        stamp = f"{now.format('YYYYMMDD-HHmmss')}-recall-batch"
        path, done = batch.write_batch(
            patient_ids,
            parts,
            open_file=lambda stack: self._open(stack, stamp, out),
            again=again,
            progress=progress,
        )
        try:
            ids = self._record_batch(done, path, now.isoformat())
        except BaseException:
            path.unlink(missing_ok=True)
            raise
        counts = tuple((parts.titles[k], n) for k, n in done.counts.most_common())
        produced = Produced(
            path,
            done.sha256,
            len(done.records),
            ids,
            False,
            f"Saved {path}.",
            skipped=tuple(done.skipped),
            title=done.title,
            counts=counts,
            printer=self.output.printer,
        )
        pids = [pid for pid, _, _ in done.records]
        return self._maybe_print(produced, send, pids, "Recall letters", now)

    def plan_batch(self, patient_ids: Sequence[int], *, again: Collection[int] = ()) -> BatchPlan:
        """What a batch would hold (letters by template, who is skipped and why), drawn
        from the same rules as `recall_batch` but producing nothing: for a confirmation."""
        parts = self._batch_parts()
        done = batch.plan_batch(patient_ids, parts, again=again)
        counts = tuple((parts.titles[k], n) for k, n in done.counts.most_common())
        return BatchPlan(len(done.records), counts, tuple(done.skipped), self.output.printer)

    def _batch_parts(self) -> batch.BatchParts:
        """The templates, chunk reader, chooser and composer a batch is made with."""
        staff = self._s.staff
        today = self._s.clock.today()
        since = self._s.clock.now().subtract(days=batch.RECENT_DAYS).isoformat()
        with self._s.uow.read(staff, Action.REPRINT_LETTER) as session:
            infos = self._templates(session)
            head = letterhead(session)
        signer = Signer.practice(head)
        templates = {
            key: fields.Template(i.key, i.title, i.to_home_address, i.body)
            for key, i in infos.items()
            if key in RECALL_KEYS
        }

        def read_chunk(ids: Sequence[int]) -> tuple[dict[int, object], dict[int, str]]:
            with self._s.uow.read(staff, Action.REPRINT_LETTER) as session:
                facts = facts_of(session, ids, with_clinical=False)
                recent = queries.recent_letters(
                    session=session, ids=ids, keys=RECALL_KEYS, since=since
                )
            return dict(facts), recent

        return batch.BatchParts(
            read_chunk=read_chunk,
            choose=lambda f: recall_key(f.patient, today),  # type: ignore[attr-defined]
            templates=templates,
            # A batch is signed with the practice's signature default (hazard H72).
            compose=lambda f, t: self._compose(f, t, head, signer),  # type: ignore[arg-type]
            head=head,
        )

    def send(self, produced: Produced) -> Produced:
        """Print a PDF just produced (after the user has confirmed what it holds)."""
        with self._s.uow.read(self._s.staff, Action.REPRINT_LETTER) as session:
            rows = queries.letters_by_id(session=session, ids=produced.letter_ids)
        if not rows or any(r["path"] != str(produced.path) for r in rows):
            raise NotFound("no such letters")
        if file_checksum(produced.path) != produced.sha256:
            raise Refused("The kept PDF is missing or has changed since it was produced.")
        what = produced.counts[0][0] if len(produced.counts) == 1 else "Recall letters"
        pids = [int(r["patient_id"]) for r in rows]
        return self._maybe_print(produced, True, pids, what, self._s.clock.now())

    def _record_batch(self, done: batch.BatchFile, path: Path, at: str) -> tuple[int, ...]:
        """Every letter of the batch and one audit event, in one write."""
        rows = [
            {
                "patient_id": pid,
                "template_key": key,
                "produced_by": self._s.staff.id,
                "produced_at": at,
                "printed_at": "",
                "path": str(path),
                "sha256": done.sha256,
                "page": page,
            }
            for pid, key, page in done.records
        ]
        with self._s.uow.write(self._s.staff, Action.REPRINT_LETTER) as tx:
            ids = queries.insert_letters(session=tx.session, rows=rows)
            tx.audit(
                "letter.batch",
                entity="letter",
                patient_ids=[pid for pid, _, _ in done.records],
                detail={
                    "template": "recall_batch",
                    "sha256": done.sha256,
                    "file": path.name,
                    "letters": len(rows),
                    "templates": dict(done.counts),
                    "skipped": len(done.skipped),
                },
            )
        return ids
