"""The raw baseline for `letters recall`: the same number of personalised letters drawn
with ReportLab's raw canvas API into one PDF (the floor for SPEC §8's 300 letters/s).
`bench.commands` runs `raw_pdf` in a child process beside the command line's own run."""

from __future__ import annotations

import datetime as dt
import io

from console.letters import fields
from console.letters.compose import PatientFacts, Signer, compose
from console.letters.model import LetterContent, Letterhead

FAMILY = ["Ó Súilleabháin", "Kowalczyk", "Wójcik", "Smith", "Patel", "Nováková", "Jones"]
GIVEN = ["Siobhán", "Łukasz", "Agnieszka", "Jo", "Ravi", "Zoltán", "Leah"]
HEAD = Letterhead(
    "Riverside Medical Practice",
    "1 Riverside Way, Wakefield, WF1 1AA",
    "01924 000111",
    "riverside.practice@nhs.net",
    "B12345",
)


def letters(count: int) -> list[LetterContent]:
    template = fields.shipped()["review_invitation"]
    signer = Signer("Dr Ann Example", "GP")
    today = dt.date(2026, 11, 23)
    out = []
    for n in range(count):
        patient = {
            "given_name": GIVEN[n % len(GIVEN)],
            "family_name": FAMILY[n % len(FAMILY)],
            "nhs_number": "9434765919",
            "date_of_birth": dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28),
            "address_line_1": f"{n + 1} Mill Lane",
            "address_line_2": "",
            "town": "Wakefield",
            "postcode": "WF1 2AB",
            "next_review_due": today + dt.timedelta(days=n % 60),
        }
        out.append(compose(PatientFacts(patient), template, HEAD, signer, today))
    return out


def raw_canvas(batch: list[LetterContent]) -> bytes:
    """The same text on the same page positions with canvas calls only: the floor."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from console.letters.render import BOLD, FONT, register_fonts

    register_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    width, height = A4
    for letter in batch:
        canvas.setFont(BOLD, 15)
        canvas.drawString(20 * mm, height - 20 * mm, HEAD.name)
        canvas.setFont(FONT, 9)
        for i, line in enumerate(HEAD.address_lines):
            canvas.drawString(20 * mm, height - (26 + 4 * i) * mm, line)
        canvas.line(20 * mm, height - 43 * mm, width - 20 * mm, height - 43 * mm)
        canvas.setFont(FONT, 11)
        for i, line in enumerate(letter.addressee):
            canvas.drawString(20 * mm, height - (55 + 5 * i) * mm, line)
        canvas.drawRightString(width - 20 * mm, height - 55 * mm, letter.date_text)
        canvas.setFont(BOLD, 10.5)
        canvas.drawString(20 * mm, height - 95 * mm, letter.reference)
        canvas.setFont(FONT, 10.5)
        y = height - 105 * mm
        for part in letter.parts:
            text = canvas.beginText(20 * mm, y)
            words, line = str(part).split(), ""
            for word in words:  # naive wrap at ~95 characters
                if len(line) + len(word) > 95:
                    text.textLine(line)
                    line = ""
                line = f"{line} {word}".strip()
            text.textLine(line)
            canvas.drawText(text)
            y = text.getY() - 8
        canvas.drawString(20 * mm, y - 10, "Yours sincerely,")
        canvas.drawString(20 * mm, y - 60, letter.signer_name)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def raw_pdf(count: int, path: str) -> None:
    with open(path, "wb") as fh:
        fh.write(raw_canvas(letters(count)))
