"""Letters as A4 PDF with ReportLab: letterhead, window address, body, signature, pages.

Imported only when a letter is made (never at start-up). A batch is one PDF in which
each letter starts on a new page; `render` returns the PDF and each letter's first page.

Layout (mm from the top-left of A4): letterhead 14–43; the address block inside a DL
window envelope's window (20 from the left, 50–85 from the top: `console.letters.address`)
with the date opposite; the body from 92 down to 22 from the bottom on page 1, from 30 on
later pages, which carry the patient's name and NHS number at the top. Every page has
"Page n of m", counted per letter.

Each letter is laid out before it is drawn: every flowable is wrapped once at the body's
width and placed on pages (split where it runs over), so the letter's page count is known
when its first page is drawn, and each page is drawn once (no two-pass canvas). Flowables
are drawn straight on the canvas, not through a document template.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer, TableStyle
from reportlab.platypus import Table as RLTable

from console.letters import address
from console.letters.fields import TableBlock
from console.letters.model import LetterContent, Letterhead, Table

FONT_DIR = Path(__file__).parent / "fonts"
FONT, BOLD = "LetterSans", "LetterSans-Bold"
PAGE_W, PAGE_H = A4
LEFT = 20 * mm
TEXT_W = PAGE_W - 2 * LEFT
FIRST_TOP = PAGE_H - 92 * mm
LATER_TOP = PAGE_H - 30 * mm
BOTTOM = 22 * mm
INK = colors.HexColor("#1a1a1a")
GREY = colors.HexColor("#555555")
RULE = colors.HexColor("#005eb8")  # NHS blue, for the letterhead rule only
FIT = 0.01  # points of rounding allowed when a flowable "just" fits

Placed = tuple[Flowable, float]  # the flowable, wrapped, and the y of its bottom edge


def register_fonts() -> None:
    """DejaVu Sans (vendored, Bitstream Vera licence): Ó Súilleabháin, Łukasz, Kowalczyk."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


@cache  # one set for every letter: styles are never changed once made
def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=14.5, textColor=INK)
    return {
        "body": ParagraphStyle("body-p", parent=base, spaceAfter=8),
        "date": ParagraphStyle("date", parent=base, alignment=TA_RIGHT),
        "ref": ParagraphStyle("ref", parent=base, fontName=BOLD, spaceAfter=12),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=11.5),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=9, leading=11.5),
        "sign": ParagraphStyle("sign", parent=base, spaceBefore=4),
        "role": ParagraphStyle("role", parent=base),
        "signed": ParagraphStyle("signed", parent=base, spaceBefore=14 * mm),
        "access": ParagraphStyle(
            "access", parent=base, fontSize=10, leading=13.5, spaceBefore=8 * mm
        ),
    }


def _para(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph("<br/>".join(escape(line) for line in text.splitlines()), style)


class _Plain(Flowable):
    """Plain text in one font, word-wrapped (no markup): a fraction of a Paragraph's cost.

    Splits between lines, keeping at least two lines on each side (no widows, no orphans).
    """

    def __init__(
        self,
        text: str,
        style: ParagraphStyle,
        *,
        font: str | None = None,
        lines: list[str] | None = None,
    ) -> None:
        super().__init__()
        self.text = text
        self.style = style
        self.font = font or style.fontName
        self.lines = lines
        self.wrapped_at = -1.0 if lines is None else 0.0

    def getSpaceBefore(self) -> float:
        return float(self.style.spaceBefore)

    def getSpaceAfter(self) -> float:
        return float(self.style.spaceAfter)

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        if self.wrapped_at != aW and self.wrapped_at != 0.0:
            self.lines = simpleSplit(self.text, self.font, self.style.fontSize, aW)
            self.wrapped_at = aW
        self.width, self.height = aW, self.style.leading * len(self.lines or ())
        return self.width, self.height

    def split(self, aW: float, aH: float) -> list[Flowable]:
        self.wrap(aW, aH)
        lines = self.lines or []
        fit = int((aH + FIT) // self.style.leading)
        if fit < 2 or len(lines) - fit < 2:
            return []
        return [
            _Plain("", self.style, font=self.font, lines=lines[:fit]),
            _Plain("", self.style, font=self.font, lines=lines[fit:]),
        ]

    def draw(self) -> None:
        style = self.style
        text = self.canv.beginText(0, self.height - style.fontSize)
        text.setFont(self.font, style.fontSize, style.leading)
        text.setFillColor(style.textColor)
        for line in self.lines or ():
            text.textLine(line)
        self.canv.drawText(text)


class _Whole(Flowable):
    """Flowables kept on one page (the signature): wrapped together, never split."""

    def __init__(self, parts: Sequence[Flowable]) -> None:
        super().__init__()
        self.parts = list(parts)
        self.heights: list[float] = []

    def wrap(self, aW: float, aH: float) -> tuple[float, float]:
        self.heights = []
        total = 0.0
        for n, part in enumerate(self.parts):
            before = self.parts[n - 1].getSpaceAfter() + part.getSpaceBefore() if n else 0.0
            _, h = part.wrap(aW, aH)
            self.heights.append(before + h)
            total += before + h
        self.width, self.height = aW, total
        return aW, total

    def split(self, aW: float, aH: float) -> list[Flowable]:
        return []

    def draw(self) -> None:
        y = self.height
        for part, h in zip(self.parts, self.heights, strict=True):
            y -= h
            part.drawOn(self.canv, 0, y)


def _table(table: Table, styles: dict[str, ParagraphStyle]) -> Flowable:
    if not table.rows:
        return _para(table.empty_text, styles["body"])
    heads = bool(table.headers)
    data = [[Paragraph(escape(h), styles["head"]) for h in table.headers]] if heads else []
    for row in table.rows:  # a table of facts: each row's label in bold
        label = styles["head"] if not heads else styles["cell"]
        data.append([_para(row[0], label), *(_para(cell, styles["cell"]) for cell in row[1:])])
    widths = [TEXT_W * w for w in table.widths]
    out = RLTable(data, colWidths=widths, repeatRows=1 if heads else 0)
    commands: list[tuple[object, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 1 if heads else 0), (-1, -1), 0.3, colors.HexColor("#9aa5b1")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if heads:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ]
    else:
        commands.append(("LINEABOVE", (0, 0), (-1, 0), 0.8, INK))
    out.setStyle(TableStyle(commands))
    return out


def _story(letter: LetterContent, styles: dict[str, ParagraphStyle]) -> list[Flowable]:
    # Few flowables per letter: each costs a wrap (SPEC §8, 300 letters/s).
    story: list[Flowable] = [_Plain(letter.reference, styles["ref"])]
    for part in letter.parts:
        if isinstance(part, TableBlock):
            table = letter.tables.get(part.name)
            if table is not None:
                story += [_table(table, styles), Spacer(1, 8)]
        else:
            story.append(_Plain(part, styles["body"]))
    signature: list[Flowable] = [
        _Plain(letter.closing, styles["sign"]),
        _Plain(letter.signer_name, styles["signed"], font=BOLD),
    ]
    for line in letter.signer_role.splitlines():
        signature.append(_Plain(line, styles["role"]))
    if isinstance(story[-1], _Plain) and len(story) > 1:  # the last paragraph goes with it
        signature.insert(0, story.pop())
    story.append(_Whole(signature))
    if letter.accessibility:
        story.append(_Plain(letter.accessibility, styles["access"]))
    return story


def paginate(story: Sequence[Flowable]) -> list[list[Placed]]:
    """Place each flowable (wrapped once) on pages: page 1's body frame, then later ones."""
    pages: list[list[Placed]] = []
    page: list[Placed] = []
    queue = list(reversed(story))
    cursor = FIRST_TOP
    while queue:
        f = queue.pop()
        before = f.getSpaceBefore() if page else 0.0
        avail = cursor - BOTTOM - before
        _, h = f.wrap(TEXT_W, avail)
        if h <= avail + FIT:
            cursor -= before + h
            page.append((f, cursor))
            cursor -= f.getSpaceAfter()
            continue
        parts = f.split(TEXT_W, avail) if avail > 0 else []
        if len(parts) > 1:
            _, h0 = parts[0].wrap(TEXT_W, avail)
            if h0 <= avail + FIT:
                page.append((parts[0], cursor - before - h0))
                queue.extend(reversed(parts[1:]))
                pages.append(page)
                page, cursor = [], LATER_TOP
                continue
        if not page:  # taller than an empty page and unsplittable: never loop on it
            cursor -= h
            page.append((f, cursor))
            continue
        queue.append(f)
        pages.append(page)
        page, cursor = [], LATER_TOP
    pages.append(page)
    return pages


class _Painter:
    """Draws letters on one canvas: decorations per page, then the placed flowables."""

    def __init__(self, canvas: Canvas, head: Letterhead) -> None:
        self.canvas = canvas
        self.head = head
        self.measure = address.measure_with(FONT)
        # What every first page and every later page share is drawn once, as a form.
        canvas.beginForm("rc-first")
        self.letterhead()
        self.footer_text()
        canvas.endForm()
        canvas.beginForm("rc-later")
        self.footer_text()
        canvas.endForm()

    def letterhead(self) -> None:
        c, head = self.canvas, self.head
        c.setFillColor(INK)
        c.setFont(BOLD, 15)
        c.drawString(LEFT, PAGE_H - 20 * mm, head.name)
        c.setFont(FONT, 9)
        y = PAGE_H - 26 * mm
        for line in head.left[1:]:  # the name is drawn above, larger
            c.drawString(LEFT, y, line)
            y -= 4 * mm
        right = PAGE_W - LEFT
        y = PAGE_H - 20 * mm
        for line in head.right:
            c.drawRightString(right, y, line)
            y -= 4 * mm
        c.setStrokeColor(RULE)
        c.setLineWidth(1.2)
        c.line(LEFT, PAGE_H - 43 * mm, right, PAGE_H - 43 * mm)

    def window(self, letter: LetterContent) -> None:
        """The address block inside the window, and the date opposite."""
        block = letter.window or address.fit(letter.addressee, self.measure)
        c = self.canvas
        top = PAGE_H - (address.WINDOW_TOP_MM + address.CLEARANCE_MM) * mm
        x = (address.WINDOW_LEFT_MM + address.CLEARANCE_MM) * mm
        c.setFillColor(INK)
        c.setFont(BOLD, address.MARK_SIZE)
        c.drawString(x, top - address.MARK_SIZE, address.MARK)
        text = c.beginText(x, top - address.MARK_LEADING - block.size)
        text.setFont(FONT, block.size, block.leading)
        for line in block.lines:
            text.textLine(line)
        c.drawText(text)
        c.setFont(FONT, 10.5)
        c.drawRightString(PAGE_W - LEFT, top - 10.5, letter.date_text)

    def continued(self, letter: LetterContent) -> None:
        c = self.canvas
        c.setFillColor(INK)
        c.setFont(FONT, 8.5)
        c.drawString(LEFT, PAGE_H - 18 * mm, letter.patient_line or letter.reference)
        c.drawRightString(PAGE_W - LEFT, PAGE_H - 18 * mm, f"{self.head.name} (continued)")
        c.setStrokeColor(GREY)
        c.setLineWidth(0.4)
        c.line(LEFT, PAGE_H - 20.5 * mm, PAGE_W - LEFT, PAGE_H - 20.5 * mm)

    def footer_text(self) -> None:
        c = self.canvas
        c.setFont(FONT, 7.5)
        c.setFillColor(GREY)
        c.drawString(LEFT, 12 * mm, f"{self.head.name} · Private and confidential")

    def footer(self, n: int, of: int) -> None:
        c = self.canvas
        c.setFont(FONT, 7.5)
        c.setFillColor(GREY)
        c.drawRightString(PAGE_W - LEFT, 12 * mm, f"Page {n} of {of}")

    def letter(self, letter: LetterContent, pages: list[list[Placed]]) -> None:
        c = self.canvas
        for n, placed in enumerate(pages, 1):
            c.saveState()
            if n == 1:
                c.doForm("rc-first")
                self.window(letter)
            else:
                c.doForm("rc-later")
                self.continued(letter)
            self.footer(n, len(pages))
            c.restoreState()
            for flowable, y in placed:
                flowable.drawOn(c, LEFT, y)
            c.showPage()


def render(
    letters: Sequence[LetterContent],
    head: Letterhead,
    title: str = "",
    on_letter: Callable[[int], None] | None = None,
) -> tuple[bytes, list[int]]:
    """One PDF holding every letter, each from a new page; and each letter's first page.

    `on_letter(n)` is called as the n-th letter is drawn (a progress bar's feed). An
    address that cannot fit the window raises `address.AddressTooLong` (the letters
    service refuses such a letter before it gets here).
    """
    if not letters:
        raise ValueError("no letters to render")
    register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    a85, rl_config.useA85 = rl_config.useA85, 0  # binary streams: a fifth of the time
    try:
        canvas = Canvas(buffer, pagesize=A4, pageCompression=1)
        canvas.setTitle(title or letters[0].title or "Letter")
        canvas.setAuthor(head.name)
        canvas.setCreator("Recovery Console")
        painter = _Painter(canvas, head)
        first_pages: list[int] = []
        page = 1
        for n, letter in enumerate(letters, 1):
            pages = paginate(_story(letter, styles))
            first_pages.append(page)
            painter.letter(letter, pages)
            page += len(pages)
            if on_letter is not None:
                on_letter(n)
        canvas.save()
    finally:
        rl_config.useA85 = a85
    return buffer.getvalue(), first_pages


def fitted(letter: LetterContent) -> LetterContent | str:
    """The letter with its address fitted to the window (drawn as fitted), or why the
    address cannot be printed there."""
    register_fonts()
    try:
        block = address.fit(letter.addressee, _measure())
    except address.AddressTooLong as exc:
        return str(exc)
    return replace(letter, window=block)


@cache
def _measure() -> address.Width:
    return address.measure_with(FONT)
