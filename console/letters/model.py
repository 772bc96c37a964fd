"""What a letter is made of: plain data the renderer draws and the preview prints.

Built by the letters service from the database; used by console.letters.render (PDF)
and console.letters.text (terminal preview). No ReportLab here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from console.letters.address import AddressBlock
from console.letters.fields import TableBlock


@dataclass(frozen=True)
class Letterhead:
    name: str
    address: str  # lines separated by commas or newlines
    phone: str
    email: str
    ods_code: str
    signature: str = ""  # a batch's signature: name, then title lines (practice setting)
    accessibility: str = ""  # the practice's other-formats sentence; "" gives the default

    @property
    def access_line(self) -> str:
        """The sentence every letter carries offering other formats (Accessible
        Information Standard): the practice's own, or one naming its phone number."""
        if self.accessibility.strip():
            return " ".join(self.accessibility.split())
        how = f"please phone us on {self.phone}" if self.phone else "please ask at the surgery"
        return (
            "If you would like this letter in large print, easy read or another language, "
            f"or in another format, {how}."
        )

    @property
    def address_lines(self) -> list[str]:
        text = self.address.replace("\n", ",")
        return [part.strip() for part in text.split(",") if part.strip()]

    @property
    def left(self) -> list[str]:
        """Name and up to four address lines, as the letter prints them on the left."""
        return [self.name, *self.address_lines[:4]]

    @property
    def right(self) -> list[str]:
        """Telephone, email and ODS code, as the letter prints them on the right."""
        lines = (
            self.phone and f"Telephone {self.phone}",
            self.email,
            self.ods_code and f"ODS code {self.ods_code}",
        )
        return [line for line in lines if line]

    def text_lines(self, width: int) -> list[str]:
        """Both columns in `width` characters: the letterhead's preview on screen."""
        left, right = self.left, self.right
        lines = []
        for n in range(max(len(left), len(right))):
            a = left[n] if n < len(left) else ""
            b = right[n] if n < len(right) else ""
            room = max(width - len(b) - 1, 0)
            a = a if len(a) <= room else a[: max(room - 1, 0)] + "…"
            lines.append(f"{a:<{room}} {b}" if b else a)
        return lines


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]  # empty: a table of facts, one a row, with no heading row
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # fractions of the text width, summing to 1
    empty_text: str = "Nothing recorded."


@dataclass(frozen=True)
class LetterContent:
    """One letter, every field already filled."""

    addressee: tuple[str, ...]  # name and address lines for the window envelope
    date_text: str  # "23 November 2026"
    reference: str  # "Leah Quarrington · NHS number 943 476 5919 · born 12 March 1980"
    parts: tuple[str | TableBlock, ...]
    tables: dict[str, Table]
    signer_name: str
    signer_role: str
    title: str = ""
    key: str = ""  # the template it was made from
    closing: str = "Yours sincerely,"  # "Yours faithfully," to a "Dear Pharmacist"
    patient_line: str = ""  # name and NHS number, at the top of every continuation page
    accessibility: str = ""  # the other-formats sentence, after the signature
    note: str = ""  # a wording preview: why this patient could not be posted it (not printed)
    # The addressee fitted to the window when the letter was checked: not fitted twice.
    window: AddressBlock | None = field(default=None, compare=False, repr=False)


def preview_text(letter: LetterContent, head: Letterhead, width: int = 72) -> str:
    """The letter as plain text for the terminal preview (no ReportLab)."""
    import textwrap

    lines = [head.name, ", ".join(head.address_lines)]
    contact = " · ".join(
        x for x in (head.phone and f"Tel {head.phone}", head.email, head.ods_code) if x
    )
    lines += [contact, "", *letter.addressee, "", letter.date_text, letter.reference, ""]
    for part in letter.parts:
        if isinstance(part, TableBlock):
            table = letter.tables.get(part.name)
            if table is None:
                continue
            if not table.rows:
                lines += [table.empty_text, ""]
                continue
            for row in table.rows:
                if not table.headers:  # a fact a row: "Dose: 60 mg (60 ml) daily"
                    label, *rest = row
                    for n, text in enumerate("\n".join(rest).splitlines()):
                        lines += textwrap.wrap(
                            f"{label}: {text}" if n == 0 else text,
                            width,
                            initial_indent="• " if n == 0 else "  ",
                            subsequent_indent="  ",
                        )
                    continue
                cells = [f"{h}: {v}" for h, v in zip(table.headers, row, strict=False) if v]
                lines += textwrap.wrap(
                    " · ".join(cells), width, initial_indent="• ", subsequent_indent="  "
                )
            lines.append("")
            continue
        for para_line in part.splitlines():
            lines += textwrap.wrap(para_line, width) or [""]
        lines.append("")
    lines += [letter.closing, "", letter.signer_name]
    if letter.signer_role:
        lines += letter.signer_role.splitlines()
    if letter.accessibility:
        lines += ["", *textwrap.wrap(letter.accessibility, width)]
    return "\n".join(lines)
