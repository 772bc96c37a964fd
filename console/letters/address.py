"""The address block in a DL envelope's window: wrap inside the box, shrink, or refuse.

The window (mm from the top-left of A4): 20 from the left, 50–85 from the top, 90 wide
(a DL window envelope, the sheet folded in three). The block is drawn inside it with a
millimetre's clearance above and below: "PRIVATE AND CONFIDENTIAL", then the name and
address lines, each wrapped at spaces and hyphens to the box's width. The type starts at
11 pt and shrinks by half a point to a floor of 7.5 pt (from 9 pt the address lines may
run on, separated by commas); an address that still does not fit is refused
(`AddressTooLong`) rather than printed outside the window. The longest name and address
the patient form accepts, in ordinary words, fits at 7.5 pt.

Font metrics come from ReportLab (imported here only when a letter is made or previewed).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

MM = 72 / 25.4
WINDOW_LEFT_MM, WINDOW_TOP_MM, WINDOW_W_MM, WINDOW_H_MM = 20.0, 50.0, 90.0, 35.0
CLEARANCE_MM = 1.0
BOX_W = (WINDOW_W_MM - 2 * CLEARANCE_MM) * MM  # a millimetre clear of each edge
BOX_H = (WINDOW_H_MM - 2 * CLEARANCE_MM) * MM
SIZES = (11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0, 7.5)  # 7.5 pt: the floor
LEADING, TIGHT = 1.2, 1.15  # line spacing as a multiple of the size: above 9 pt, from 9 pt
_HYPHENATED = re.compile(r"[^-]+-+(?=[^-])|.+$")
MARK = "PRIVATE AND CONFIDENTIAL"
MARK_SIZE, MARK_LEADING = 7.5, 10.0

Width = Callable[[str, float], float]


class AddressTooLong(ValueError):
    """The address cannot fit the window even at the floor size. Names no patient."""

    def __init__(self) -> None:
        super().__init__(
            "No letter: the address is too long to fit the envelope window, even in "
            f"{SIZES[-1]:g}-point type. Shorten the address lines in the patient's details."
        )


@dataclass(frozen=True)
class AddressBlock:
    size: float
    leading: float
    lines: tuple[str, ...]  # wrapped, in order; the postcode last

    @property
    def height(self) -> float:
        return MARK_LEADING + self.leading * len(self.lines)


def _pieces(text: str) -> list[tuple[str, str]]:
    """Words, and hyphenated words in pieces ("Smith-", "Jones"), each with its glue."""
    out: list[tuple[str, str]] = []
    for word in text.split():
        parts = _HYPHENATED.findall(word)
        out += [(part, " " if n == 0 else "") for n, part in enumerate(parts)]
    return out


def wrap_line(text: str, width: float, size: float, measure: Width) -> list[str]:
    """Wrap one line to `width` points at spaces and after hyphens; an unbreakable word
    wider than the line is broken where it must be."""
    out: list[str] = []
    line = ""
    for piece, glue in _pieces(text):
        candidate = f"{line}{glue}{piece}" if line else piece
        if measure(candidate, size) <= width:
            line = candidate
            continue
        if line:
            out.append(line)
        while measure(piece, size) > width:  # one unbroken word wider than the window
            cut = len(piece) - 1
            while cut > 1 and measure(piece[:cut], size) > width:
                cut -= 1
            out.append(piece[:cut])
            piece = piece[cut:]
        line = piece
    if line:
        out.append(line)
    return out


def fit(lines: Sequence[str], measure: Width) -> AddressBlock:
    """The largest size from 11 pt down to the floor at which the block fits the window.

    Each address line starts a line of its own; from 9 pt down, when that does not fit,
    the lines between the name and the postcode run on, separated by commas.
    """
    name, middle, postcode = lines[:1], list(lines[1:-1]), lines[-1:]
    packed = [*name, ", ".join(middle), *postcode] if len(middle) > 1 else None
    for size in SIZES:
        leading = round(size * (LEADING if size > 9 else TIGHT), 2)
        for layout in (list(lines), packed if size <= 9 else None):
            if layout is None:
                continue
            wrapped = [part for line in layout for part in wrap_line(line, BOX_W, size, measure)]
            if MARK_LEADING + leading * len(wrapped) <= BOX_H:
                return AddressBlock(size, leading, tuple(wrapped))
    raise AddressTooLong


def measure_with(font_name: str) -> Width:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    return lambda text, size: stringWidth(text, font_name, size)
