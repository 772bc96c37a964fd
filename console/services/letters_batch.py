"""A batch of recall and invitation letters in bounded memory: one PDF, one print job.

Patients are read, composed and rendered a chunk of at most 1,000 at a time; each
chunk's PDF is copied into the one output file as soon as it is made
(`console.letters.assemble`), so memory stays flat whatever the batch's size. Only the
(patient, template, page) of each letter and the skipped patients are kept, and they are
recorded in one write when the file is complete. A patient who had a recall or
invitation letter in the last 14 days is skipped with the date unless chosen again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pendulum

from console.letters import fields
from console.letters.compose import long_date
from console.letters.model import LetterContent, Letterhead
from console.services.letters_dto import NothingToProduce, Skipped

if TYPE_CHECKING:
    from console.letters.assemble import Assembler

CHUNK = 1000  # letters rendered at once: ReportLab holds each chunk's pages until saved
RECENT_DAYS = 14
RECALL_KEYS = fields.BATCH_KEYS

Compose = Callable[[object, fields.Template], LetterContent | str]
Progress = Callable[[int, int], None]


@dataclass
class BatchFile:
    """What a batch wrote: each letter's patient, template and first page; the skipped."""

    records: list[tuple[int, str, int]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    sha256: str = ""
    title: str = ""


def batch_title(counts: Counter[str], titles: dict[str, str]) -> str:
    """The batch named by what it holds: 'Recall letters (3): Review invitation 2, …'."""
    total = sum(counts.values())
    parts = ", ".join(
        f"{titles.get(key, key)} {n:,}" for key, n in sorted(counts.items(), key=lambda kv: -kv[1])
    )
    return f"Recall letters ({total:,}): {parts}"


def recent_reason(produced_at: str) -> str:
    try:
        day = pendulum.parse(produced_at).date()  # type: ignore[union-attr]
        when = long_date(day)
    except (ValueError, AttributeError):
        when = "recently"
    return f"sent a recall letter on {when}, within {RECENT_DAYS} days"


@dataclass(frozen=True)
class BatchParts:
    """What a batch is made with: `read_chunk(ids)` gives each patient's facts and, for
    those with a recent recall letter, when it was produced; `choose(facts)` the template
    key (None: no date set); `compose(facts, template)` the letter or why not."""

    read_chunk: Callable[[Sequence[int]], tuple[dict[int, object], dict[int, str]]]
    choose: Callable[[object], str | None]
    templates: dict[str, fields.Template]
    compose: Compose
    head: Letterhead

    @property
    def titles(self) -> dict[str, str]:
        return {key: t.title for key, t in self.templates.items()}


def write_batch(
    patient_ids: Sequence[int],
    parts: BatchParts,
    *,
    open_file: Callable[[ExitStack], tuple[Path, object]],
    again: Collection[int] = (),
    progress: Progress | None = None,
) -> tuple[Path, BatchFile]:
    """Compose, render and assemble the batch chunk by chunk; the file and what it holds.

    `open_file(stack)` gives the new private file. Raises NothingToProduce when every
    patient was skipped (no file is left behind).
    """
    from console.letters.assemble import Assembler
    from console.letters.render import render

    done = BatchFile()
    total = len(patient_ids)
    assembler: Assembler | None = None
    path: Path | None = None
    with ExitStack() as stack:
        try:
            for start in range(0, total, CHUNK):
                ids = patient_ids[start : start + CHUNK]
                facts, recent = parts.read_chunk(ids)
                letters = _chunk(ids, facts, recent, again, parts, done)
                if not letters:
                    if progress is not None:
                        progress(start + len(ids), total)
                    continue
                if assembler is None:
                    path, fh = open_file(stack)
                    assembler = Assembler(fh)  # type: ignore[arg-type]

                def drawn(n: int, start: int = start, k: float = len(ids) / len(letters)) -> None:
                    if progress is not None:
                        progress(start + int(n * k), total)

                pdf, pages = render([c for _, c in letters], parts.head, on_letter=drawn)
                offset = assembler.pages
                assembler.add(pdf)
                del pdf
                done.records += [
                    (pid, content.key, offset + page)
                    for (pid, content), page in zip(letters, pages, strict=True)
                ]
            if assembler is None or path is None:
                raise NothingToProduce(done.skipped)
            done.title = batch_title(done.counts, parts.titles)
            done.sha256 = assembler.close(done.title, parts.head.name)
        except BaseException:
            stack.close()
            if path is not None:
                path.unlink(missing_ok=True)
            raise
    return path, done


def plan_batch(
    patient_ids: Sequence[int], parts: BatchParts, *, again: Collection[int] = ()
) -> BatchFile:
    """What `write_batch` would produce (counts by template, the skipped), drawing nothing."""
    done = BatchFile()
    for start in range(0, len(patient_ids), CHUNK):
        ids = patient_ids[start : start + CHUNK]
        facts, recent = parts.read_chunk(ids)
        letters = _chunk(ids, facts, recent, again, parts, done)
        done.records += [(pid, content.key, 0) for pid, content in letters]
    return done


def _chunk(
    ids: Sequence[int],
    facts: dict[int, object],
    recent: dict[int, str],
    again: Collection[int],
    parts: BatchParts,
    done: BatchFile,
) -> list[tuple[int, LetterContent]]:
    letters: list[tuple[int, LetterContent]] = []
    for pid in ids:
        f = facts.get(pid)
        if f is None:
            done.skipped.append(Skipped(pid, "", "no such patient"))
            continue
        p = f.patient  # type: ignore[attr-defined]
        name = f"{p['family_name']}, {p['given_name']}"
        nhs = str(p["nhs_number"])
        if p["status"] == "deceased":  # before any date: death stops every letter
            done.skipped.append(Skipped(pid, name, "recorded as deceased", nhs))
            continue
        key = parts.choose(f)
        if key is None:
            done.skipped.append(Skipped(pid, name, "no review or check-up date is set", nhs))
            continue
        if pid in recent and pid not in again:
            done.skipped.append(Skipped(pid, name, recent_reason(recent[pid]), nhs, recent=True))
            continue
        content = parts.compose(f, parts.templates[key])
        if isinstance(content, str):
            done.skipped.append(Skipped(pid, name, content.removeprefix("No letter: "), nhs))
            continue
        letters.append((pid, content))
        done.counts[key] += 1
    return letters
