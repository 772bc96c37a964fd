"""What the letters service hands to the screens and the CLI: plain frozen dataclasses."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from console.services.errors import Refused


@dataclass(frozen=True)
class LetterOutput:
    """Machine settings for letters (config file): folder, printer, shared-file group."""

    folder: Path
    printer: str = ""
    group: str | None = None


@dataclass(frozen=True)
class TemplateInfo:
    key: str
    title: str
    to_home_address: bool
    body: str
    edited: bool  # saved by the practice (a row), rather than as shipped


@dataclass(frozen=True)
class Preview:
    template_key: str
    title: str
    text: str
    refusal: str = ""
    note: str = ""  # a wording preview's: why this patient could not be posted it


@dataclass(frozen=True)
class Skipped:
    patient_id: int
    name: str
    reason: str
    nhs_number: str = ""
    recent: bool = False  # a recall letter went within 14 days: may be chosen again


class NothingToProduce(Refused):
    """Every patient of a batch was skipped; `skipped` says why for each."""

    def __init__(self, skipped: Sequence[Skipped]) -> None:
        super().__init__("No letters to produce: every patient chosen was skipped.")
        self.skipped = tuple(skipped)


@dataclass(frozen=True)
class Produced:
    path: Path
    sha256: str
    letters: int
    letter_ids: tuple[int, ...]
    printed: bool
    print_message: str  # what lp said, or why printing failed, or where the PDF is
    skipped: tuple[Skipped, ...] = field(default_factory=tuple)
    title: str = ""  # the PDF's title: the template, or the batch's templates and count
    counts: tuple[tuple[str, int], ...] = ()  # (template title, letters), most first
    printer: str = ""  # the configured printer, where it would go

    def summary(self) -> str:
        """What the PDF holds, for a confirmation: count, templates, skipped."""
        what = ", ".join(f"{title} {n:,}" for title, n in self.counts) or self.title
        letters = "1 letter" if self.letters == 1 else f"{self.letters:,} letters"
        skipped = f"; {len(self.skipped):,} skipped" if self.skipped else ""
        return f"{letters} ({what}){skipped}"


@dataclass(frozen=True)
class BatchPlan:
    """What a batch would hold, before it is made: for the confirmation."""

    letters: int
    counts: tuple[tuple[str, int], ...]  # (template title, letters), most first
    skipped: tuple[Skipped, ...]
    printer: str  # where it will go; "" when no printer is configured

    @property
    def recent(self) -> tuple[Skipped, ...]:
        """Skipped only because a recall letter went in the last 14 days."""
        return tuple(s for s in self.skipped if s.recent)
