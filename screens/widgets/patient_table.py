"""The patient list: a Line-API widget over one page of `PatientRow`s (STYLE P13).

Only the visible lines are rendered; the screen feeds it pages from the service and is
told (`NeedMore`) when the cursor nears the end of what is loaded.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip

from console import format as fmt
from console.rules.flags import shown
from console.services.dto import PageKey, PatientPage, PatientRow
from screens.widgets.line_table import LineTable, cursor_bindings

MARKER = "▶"  # the cursor row is marked by a character too, so it shows without colour
LOAD_AHEAD = 10  # ask for the next page when the cursor is this close to the end
WIDE = 100  # from this width the keyworker and treatment columns appear
NAME_MIN = 16
TITLES = frozenset({"Dr", "Dr.", "Mr", "Mrs", "Ms", "Miss", "Mx", "Prof"})


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    right: bool = False


@lru_cache(maxsize=16)
def layout(width: int, *, clinical: bool) -> tuple[Column, ...]:
    """Columns for a width: the name (and OST) columns take what the fixed ones leave.

    From 100 columns the keyworker shows, and for clinical staff the time in treatment
    and the last strategic review too; reception never sees OST or treatment columns.
    """
    fixed = [
        Column("nhs", "NHS number", 12),
        Column("age", "Age", 3, right=True),
        Column("next", "Next review", 17),  # "overdue 11 months" fits
        Column("flags", "!", 4),
    ]
    wide = width >= WIDE
    if wide and clinical:
        fixed[2:2] = [Column("treated", "Treatment", 10), Column("last", "Last rev", 8)]
    used = 1 + sum(c.width + 1 for c in fixed)  # the marker, and a space after each column
    spare = width - used - 1  # the name's own space
    if not wide:
        if not clinical:
            return (Column("name", "Name", max(spare, 8)), *fixed)
        ost = min(max(spare - 18, 12), 23)  # at 80 wide: name 17, OST 20 ("Buprenorphine 16 mg")
        fixed.insert(2, Column("ost", "OST", ost))
        return (Column("name", "Name", max(spare - ost - 1, 8)), *fixed)
    # Wide: name 16, OST 12 and keyworker 8 at least; then OST to 19, keyworker to 16,
    # and the name takes the rest.
    extra = spare - NAME_MIN - 9 - (13 if clinical else 0)
    ost = 12 + min(max(extra, 0), 7) if clinical else 0
    extra -= ost - 12 if clinical else 0
    keyworker = 8 + min(max(extra // 2 if clinical else extra, 0), 8)
    fixed.insert(-2, Column("keyworker", "Keyworker", keyworker))
    if clinical:
        fixed.insert(2, Column("ost", "OST", ost))
    name = spare - (keyworker + 1) - (ost + 1 if clinical else 0)
    return (Column("name", "Name", max(name, 8)), *fixed)


def time_in_treatment(start: dt.date | None, today: dt.date) -> str:
    """ "2 yr 3 mo" since the episode began; "<1 mo" in the first month; "" with no episode."""
    if start is None or start > today:
        return ""
    months = (today.year - start.year) * 12 + today.month - start.month - (today.day < start.day)
    years, months = divmod(months, 12)
    if not years:
        return f"{months} mo" if months else "<1 mo"
    return f"{years} yr {months} mo" if months else f"{years} yr"


def keyworker_text(name: str, width: int) -> str:
    """The whole name when it fits, else "A. Rahman", else the family name alone."""
    if len(name) <= width:
        return name
    parts = [p for p in name.split() if not p.startswith("(") and p not in TITLES]
    if len(parts) > 1:
        short = f"{parts[0][0]}. {parts[-1]}"
        return short if len(short) <= width else parts[-1]
    return parts[0] if parts else name


def cell_text(row: PatientRow, key: str, today: dt.date, width: int = 0) -> str:
    if key == "name":
        return fmt.name_text(row.family_name, row.given_name)
    if key == "nhs":
        return fmt.nhs(row.nhs_number)
    if key == "age":
        return str(fmt.age(row.date_of_birth, today))
    if key == "ost":
        return fmt.ost_text(row.medicine, row.dose_mg)
    if key == "last":
        return "—" if row.last_review is None else row.last_review.strftime("%b %Y")
    if key == "treated":
        return time_in_treatment(row.episode_start, today) or "—"
    if key == "keyworker":
        return keyworker_text(row.keyworker, width) or "—"
    if key == "next":
        return fmt.due_text(row.next_review_due, today)
    return shown(row.flags)  # S T R D H L C E order; `+` when some are cut


def _fit(text: str, column: Column) -> str:
    if len(text) > column.width:
        if column.key == "ost":
            # Shorten only the medicine's first word: the form (PR) and the dose must show.
            first, _, rest = text.partition(" ")
            room = column.width - len(rest) - 2  # the space, and the full stop
            if rest and room >= 4:
                return f"{first[:room]}. {rest}".ljust(column.width)
        return text[: column.width - 1] + "…"
    return text.rjust(column.width) if column.right else text.ljust(column.width)


class PatientTable(LineTable[PatientRow]):
    """Rows of patients with a cursor; `enter` is the screen's, this posts `Selected`."""

    COMPONENT_CLASSES = {
        "patient-table--header",
        "patient-table--cursor",
        "patient-table--overdue",
        "patient-table--soon",
        "patient-table--empty",
    }

    DEFAULT_CSS = """
    PatientTable {
        & > .patient-table--header { text-style: bold underline; }
        & > .patient-table--cursor {
            color: $block-cursor-blurred-foreground;
            background: $block-cursor-blurred-background;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .patient-table--cursor {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
        & > .patient-table--overdue { color: $text-error; text-style: bold; }
        /* Without colour (NO_COLOR) red turns a dim grey: reverse keeps "overdue" loud. */
        &:nocolor > .patient-table--overdue { text-style: bold reverse; }
        & > .patient-table--soon { color: $text-warning; }
        & > .patient-table--empty { color: $text-muted; }
    }
    """

    BINDINGS = cursor_bindings("patient-table", "patient")

    class Selected(Message):
        """The user chose a row (enter is handled by the screen; this is the mouse)."""

        def __init__(self, row: PatientRow) -> None:
            super().__init__()
            self.row = row

    class NeedMore(Message):
        """The cursor is near the end of the loaded rows and the service has more."""

        def __init__(self, after: PageKey) -> None:
            super().__init__()
            self.after = after

    def __init__(
        self, *, today: dt.date, clinical: bool, id: str | None = None, classes: str = ""
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.today = today
        self.clinical = clinical
        self.rows: list[PatientRow] = []
        self.more = False
        self.empty_text = "Loading…"
        self._asked_after: PageKey | None = None
        self._frame: tuple[int, tuple[Column, ...]] | None = None

    # -- data, from the screen ------------------------------------------------------
    def show_page(self, page: PatientPage, *, empty_text: str = "") -> None:
        """Replace the rows with a fresh page (a new search or filter)."""
        self.rows = list(page.rows)
        self.more = page.more
        self.empty_text = empty_text
        self._asked_after = None
        self._resize()
        self.cursor = 0
        self.scroll_to(y=0, animate=False, immediate=True)
        self.refresh()

    def replace_rows(self, page: PatientPage) -> bool:
        """The same list read again (a change was committed): the cursor stays on the same
        patient at the same height on screen, so rows shifting cannot move another patient
        under `enter` (hazard H35). False when that patient has left the list (the cursor
        then keeps its place)."""
        current = self.current
        height = self.cursor - round(self.scroll_y)
        self.rows = list(page.rows)
        self.more = page.more
        self._asked_after = None
        self._resize()
        index = None if current is None else self.index_of(current.id)
        found = index is not None or current is None
        if index is None:
            index = min(self.cursor, max(len(self.rows) - 1, 0))
        self.scroll_to(y=max(index - height, 0), animate=False, immediate=True)
        self.cursor = index
        self.refresh()
        return found

    def index_of(self, patient_id: int) -> int | None:
        return next((i for i, r in enumerate(self.rows) if r.id == patient_id), None)

    def append_page(self, page: PatientPage) -> None:
        """Add the next page below the loaded rows (the cursor stays where it is)."""
        self.rows.extend(page.rows)
        self.more = page.more
        self._asked_after = None
        self._resize()
        self.refresh()

    @property
    def last_key(self) -> PageKey | None:
        return self.rows[-1].sort_key if self.rows else None

    # -- keys -----------------------------------------------------------------------
    def watch_cursor(self, cursor: int) -> None:
        super().watch_cursor(cursor)
        last = self.last_key
        near_end = cursor >= len(self.rows) - LOAD_AHEAD
        if self.more and last and near_end and self._asked_after != last:
            self._asked_after = last  # ask once per page
            self.post_message(self.NeedMore(last))

    def _clicked(self, index: int, chain: int) -> None:
        if chain >= 2:
            self.post_message(self.Selected(self.rows[index]))

    # -- drawing --------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        # the width and columns once a frame, not once a line
        width = self.scrollable_content_region.width
        self._frame = (width, layout(width, clinical=self.clinical))
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def render_line(self, y: int) -> Strip:
        if self._frame is not None:
            width, columns = self._frame
        else:
            width = self.scrollable_content_region.width
            columns = layout(width, clinical=self.clinical)
        base = self._style()
        if y == 0:
            return self._header(columns, width)
        index = round(self.scroll_y) + y - 1
        if not self.rows:
            if y == 1:
                style = self._style("patient-table--empty")
                return Strip([Segment(" " + self.empty_text, style)]).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        return self._row(self.rows[index], columns, width, index == self.cursor)

    def _header(self, columns: tuple[Column, ...], width: int) -> Strip:
        style = self._style("patient-table--header")
        base = self._style()
        segments = [Segment(" ", base)]
        for column in columns:
            segments.append(Segment(_fit(column.title, column), style))
            segments.append(Segment(" ", base))
        return Strip(segments).crop_extend(0, width, base)

    def _row(
        self, row: PatientRow, columns: tuple[Column, ...], width: int, is_cursor: bool
    ) -> Strip:
        extra = ("patient-table--cursor",) if is_cursor else ()
        base = self._style(*extra)
        segments: list[Segment] = []
        plain = [MARKER if is_cursor else " "]  # text in the base style not yet a segment
        for column in columns:
            text = _fit(cell_text(row, column.key, self.today, column.width), column)
            if column.key == "next":
                urgency = fmt.due_class(row.next_review_due, self.today)
                if urgency in ("overdue", "soon"):
                    # The cursor's colours win; the urgency keeps its text style.
                    style = self._style(f"patient-table--{urgency}", *extra)
                    segments += [Segment("".join(plain), base), Segment(text, style)]
                    plain = [" "]
                    continue
            plain += [text, " "]
        segments.append(Segment("".join(plain), base))
        return Strip(segments).crop_extend(0, width, base)
