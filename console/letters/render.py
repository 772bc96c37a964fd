"""Letters as A4 PDF with ReportLab platypus: letterhead, window address, body, signature.

Imported only when a letter is made (never at start-up). A batch is one PDF in which
each letter starts on a new page; `render` returns the PDF and each letter's first page.

Layout (mm from the top-left of A4): letterhead 14–40; the address block at 20 from the
left and 50–85 from the top, inside a DL window envelope's window (90 x 35) when the
letter is folded in three; date opposite; the body from 92 down to 22 from the bottom.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as RLTable

from console.letters.fields import TableBlock
from console.letters.model import LetterContent, Letterhead, Table

FONT_DIR = Path(__file__).parent / "fonts"
FONT, BOLD = "LetterSans", "LetterSans-Bold"
PAGE_W, PAGE_H = A4
LEFT = 20 * mm
TEXT_W = PAGE_W - 2 * LEFT
INK = colors.HexColor("#1a1a1a")
RULE = colors.HexColor("#005eb8")  # NHS blue, for the letterhead rule only


def register_fonts() -> None:
    """DejaVu Sans (vendored, Bitstream Vera licence): Ó Súilleabháin, Łukasz, Kowalczyk."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, textColor=INK)
    return {
        "body": ParagraphStyle("body-p", parent=base, spaceAfter=8),
        "address": ParagraphStyle("address", parent=base, fontSize=11, leading=14),
        "date": ParagraphStyle("date", parent=base, alignment=TA_RIGHT),
        "ref": ParagraphStyle("ref", parent=base, fontName=BOLD, spaceAfter=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=9, leading=11.5),
        "sign": ParagraphStyle("sign", parent=base, spaceBefore=4),
        "signed": ParagraphStyle("signed", parent=base, spaceBefore=14 * mm),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph("<br/>".join(escape(line) for line in text.splitlines()), style)


class _FirstPage(Flowable):
    """Zero-size marker: records the page on which a letter starts."""

    def __init__(self, pages: list[int], on_letter: Callable[[int], None] | None) -> None:
        super().__init__()
        self.pages = pages
        self.on_letter = on_letter
        self.width = self.height = 0

    def draw(self) -> None:
        self.pages.append(self.canv.getPageNumber())
        if self.on_letter is not None:
            self.on_letter(len(self.pages))


class _Doc(BaseDocTemplate):
    def __init__(self, buffer: io.BytesIO, head: Letterhead, title: str) -> None:
        super().__init__(
            buffer,
            pagesize=A4,
            title=title,
            author=head.name,
            creator="Recovery Console",
            leftMargin=LEFT,
            rightMargin=LEFT,
            topMargin=20 * mm,
            bottomMargin=22 * mm,
        )
        self.head = head
        top = PAGE_H
        address = Frame(LEFT, top - 85 * mm, 90 * mm, 35 * mm, 0, 0, 0, 0, id="address")
        dated = Frame(125 * mm, top - 85 * mm, 65 * mm, 35 * mm, 0, 0, 0, 0, id="date")
        body = Frame(LEFT, 22 * mm, TEXT_W, top - 92 * mm - 22 * mm, 0, 0, 0, 0, id="body")
        later = Frame(LEFT, 22 * mm, TEXT_W, top - 30 * mm - 22 * mm, 0, 0, 0, 0, id="later")
        self.addPageTemplates(
            [
                PageTemplate(
                    "first",
                    [address, dated, body],
                    onPage=self._letterhead,
                    autoNextPageTemplate="later",
                ),
                PageTemplate("later", [later], onPage=self._continued),
            ]
        )

    def _letterhead(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        head = self.head
        canvas.saveState()
        canvas.setFillColor(INK)
        canvas.setFont(BOLD, 15)
        canvas.drawString(LEFT, PAGE_H - 20 * mm, head.name)
        canvas.setFont(FONT, 9)
        y = PAGE_H - 26 * mm
        for line in head.address_lines[:4]:
            canvas.drawString(LEFT, y, line)
            y -= 4 * mm
        right = PAGE_W - LEFT
        y = PAGE_H - 20 * mm
        for line in (
            head.phone and f"Telephone {head.phone}",
            head.email,
            head.ods_code and f"ODS code {head.ods_code}",
        ):
            if line:
                canvas.drawRightString(right, y, line)
                y -= 4 * mm
        canvas.setStrokeColor(RULE)
        canvas.setLineWidth(1.2)
        canvas.line(LEFT, PAGE_H - 43 * mm, right, PAGE_H - 43 * mm)
        self._footer(canvas)
        canvas.restoreState()

    def _continued(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8.5)
        canvas.setFillColor(INK)
        canvas.drawString(LEFT, PAGE_H - 18 * mm, f"{self.head.name} (continued)")
        self._footer(canvas)
        canvas.restoreState()

    def _footer(self, canvas: Canvas) -> None:
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawCentredString(
            PAGE_W / 2, 12 * mm, f"{self.head.name} · Private and confidential"
        )


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> Flowable:
    if not table.rows:
        return _para(table.empty_text, styles["body"])
    data = [[Paragraph(escape(h), styles["head"]) for h in table.headers]]
    data += [[_para(cell, styles["cell"]) for cell in row] for row in table.rows]
    widths = [TEXT_W * w for w in table.widths]
    out = RLTable(data, colWidths=widths, repeatRows=1)
    out.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor("#9aa5b1")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return out


def _letter(
    letter: LetterContent,
    styles: dict[str, ParagraphStyle],
    pages: list[int],
    on_letter: Callable[[int], None] | None,
) -> list[Flowable]:
    # Few flowables per letter: each costs a wrap and a split (SPEC §8, 300 letters/s).
    lines = "<br/>".join(escape(line) for line in letter.addressee[:7])
    story: list[Flowable] = [
        _FirstPage(pages, on_letter),
        Paragraph(
            f'<font name="{BOLD}" size="8">PRIVATE AND CONFIDENTIAL</font><br/>{lines}',
            styles["address"],
        ),
        FrameBreak(),
        Paragraph(escape(letter.date_text), styles["date"]),
        FrameBreak(),
        Paragraph(escape(letter.reference), styles["ref"]),
    ]
    for part in letter.parts:
        if isinstance(part, TableBlock):
            table = letter.tables.get(part.name)
            if table is not None:
                story += [_table(table, styles), Spacer(1, 8)]
        else:
            story.append(_para(part, styles["body"]))
    signed = f"<b>{escape(letter.signer_name)}</b>"
    if letter.signer_role:
        signed += f"<br/>{escape(letter.signer_role)}"
    story.append(
        KeepTogether(
            [
                Paragraph("Yours sincerely,", styles["sign"]),
                Paragraph(signed, styles["signed"]),
            ]
        )
    )
    return story


def render(
    letters: Sequence[LetterContent],
    head: Letterhead,
    title: str = "",
    on_letter: Callable[[int], None] | None = None,
) -> tuple[bytes, list[int]]:
    """One PDF holding every letter, each from a new page; and each letter's first page.

    `on_letter(n)` is called as the n-th letter is laid out (a progress bar's feed).
    """
    if not letters:
        raise ValueError("no letters to render")
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = _Doc(buffer, head, title or letters[0].title or "Letter")
    pages: list[int] = []
    story: list[Flowable] = []
    for n, letter in enumerate(letters):
        if n:
            story += [NextPageTemplate("first"), PageBreak()]
        story += _letter(letter, styles, pages, on_letter)
    doc.build(story)
    return buffer.getvalue(), pages
