"""Writers for `export record`: JSON written object by object, or an A4 PDF drawn line by line.

Both take the record one object at a time (console/services/subject_access.py) and keep
nothing of it once written. The PDF is drawn on a ReportLab canvas (not platypus, which
holds the whole story until it builds), page after page, in the letters' DejaVu font so
every name prints as spelt.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import IO, Any, Protocol

import pendulum
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from console.format import date_text, nhs

Obj = dict[str, Any]


class RecordWriter(Protocol):
    """What console/services/subject_access.py hands the record to, object by object."""

    def patient(self, obj: Obj) -> None: ...
    def open_list(self, name: str) -> None: ...
    def item(self, obj: Obj) -> None: ...
    def close_list(self) -> None: ...
    def finish(self, withheld: list[Obj]) -> None: ...


TITLES = {
    "episodes": "Episodes of treatment",
    "prescriptions": "Prescriptions and dose history",
    "reviews": "Reviews",
    "care_plans": "Care-plan versions",
    "linkage": "Recovery support linkage",
    "family": "Family and supporters",
    "health_checks": "Health checks",
    "letters": "Letters sent",
}


def writer_for(fmt: str, fh: IO[bytes], now: pendulum.DateTime) -> RecordWriter:
    return JsonWriter(fh) if fmt == "json" else PdfWriter(fh, now)


def _iso(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class JsonWriter:
    """One JSON object; each list item is encoded and written as it arrives."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.first = True

    def _put(self, text: str) -> None:
        self.fh.write(text.encode("utf-8"))

    def _dump(self, obj: object) -> str:
        return json.dumps(obj, ensure_ascii=False, default=_iso, sort_keys=False)

    def patient(self, obj: Obj) -> None:
        self._put('{\n"patient": ' + self._dump(obj))

    def open_list(self, name: str) -> None:
        self._put(f",\n{json.dumps(name)}: [")
        self.first = True

    def item(self, obj: Obj) -> None:
        self._put(("\n  " if self.first else ",\n  ") + self._dump(obj))
        self.first = False

    def close_list(self) -> None:
        self._put("]" if self.first else "\n]")

    def finish(self, withheld: list[Obj]) -> None:
        self._put(',\n"withheld": ' + self._dump(withheld) + "\n}\n")


_WORDS = {
    "nhs": "NHS",
    "ost": "OST",
    "top": "TOP",
    "barc10": "BARC-10",
    "hcv": "HCV",
    "hbv": "HBV",
    "ecg": "ECG",
    "qtc": "QTc",
    "mg": "(mg)",
    "ms": "(ms)",
}


def _label(key: str) -> str:
    """`keyworker_id` → `Keyworker`, `last_hcv_test` → `Last HCV test`."""
    words = key.removesuffix("_id").split("_") if key == "keyworker_id" else key.split("_")
    words = [_WORDS.get(w, w) for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _text(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return date_text(value)
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value) or "—"
    text = str(value)
    if len(text) >= 20 and text[4:5] == "-" and "T" in text[:11]:  # stored UTC timestamps
        try:
            return pendulum.parse(text).in_timezone("Europe/London").format("D MMM YYYY HH:mm")  # type: ignore[union-attr]
        except (ValueError, pendulum.parsing.ParserError):
            return text
    return text


def _title(section: str, obj: Obj) -> str:
    first = {
        "episodes": ("Episode from", "start_date"),
        "prescriptions": ("Prescription from", "start_date"),
        "reviews": ("Review on", "review_date"),
        "care_plans": ("Care plan version", "version_no"),
        "linkage": ("Linked on", "linked_on"),
        "family": ("", "relationship"),
        "health_checks": ("", "kind"),
        "letters": ("Letter produced", "produced_at"),
    }[section]
    words, key = first
    value = _text(obj.get(key))
    extra = {"reviews": obj.get("kind"), "health_checks": obj.get("check_date")}.get(section)
    title = f"{words} {value}".strip()
    return f"{title} ({_text(extra)})" if extra else title


class PdfWriter:
    """A4, 10 pt DejaVu, headings in bold; a new page whenever the next line will not fit."""

    LEFT, RIGHT, TOP, BOTTOM = 18 * mm, 18 * mm, 18 * mm, 16 * mm
    SIZE, LEADING = 9.5, 12.5

    def __init__(self, fh: IO[bytes], now: pendulum.DateTime) -> None:
        from console.letters.render import BOLD, FONT, register_fonts

        register_fonts()
        self.font, self.bold = FONT, BOLD
        self.canvas = Canvas(fh, pagesize=A4, pageCompression=1)
        self.canvas.setTitle("Subject access: health record")
        self.width, self.height = A4
        self.now = now
        self.page = 0
        self.footer = ""
        self.section = ""
        self.empty = True
        self.y = 0.0
        self._new_page()

    # -- drawing ---------------------------------------------------------------------
    def _new_page(self) -> None:
        if self.page:
            self._draw_footer()
            self.canvas.showPage()
        self.page += 1
        self.y = self.height - self.TOP

    def _draw_footer(self) -> None:
        c = self.canvas
        c.setFont(self.font, 7.5)
        c.setFillColor(colors.HexColor("#555555"))
        c.drawString(self.LEFT, self.BOTTOM - 8 * mm, self.footer)
        c.drawRightString(self.width - self.RIGHT, self.BOTTOM - 8 * mm, f"page {self.page}")
        c.setFillColor(colors.black)

    def _line(
        self, text: str, *, indent: float = 0, bold: bool = False, size: float | None = None
    ) -> None:
        size = size or self.SIZE
        font = self.bold if bold else self.font
        width = self.width - self.LEFT - self.RIGHT - indent
        for part in simpleSplit(text, font, size, width) or [""]:
            if self.y - self.LEADING < self.BOTTOM:
                self._new_page()
            self.canvas.setFont(font, size)
            self.canvas.drawString(self.LEFT + indent, self.y, part)
            self.y -= size * 1.3

    def _gap(self, points: float = 4) -> None:
        self.y -= points

    def _fields(self, obj: Obj, indent: float) -> None:
        for key, value in obj.items():
            if isinstance(value, dict):
                self._line(_label(key), indent=indent, bold=True)
                self._fields(value, indent + 5 * mm)
            elif isinstance(value, list) and value and isinstance(value[0], dict):
                self._line(_label(key), indent=indent, bold=True)
                for entry in value:
                    self._entry(entry, indent + 5 * mm)
            else:
                self._line(f"{_label(key)}: {_text(value)}", indent=indent)

    def _entry(self, entry: Obj, indent: float) -> None:
        if "label" in entry and "item" in entry:  # a TOP item
            if "answer" in entry:
                self._line(f"{entry['label']}: {_text(entry['answer'])}", indent=indent)
            else:
                amount = (
                    f", {_text(entry.get('amount'))} {entry['unit']} a day"
                    if entry.get("unit") and entry.get("amount") is not None
                    else ""
                )
                weeks = ""
                if any(w is not None for w in entry["weeks"]):
                    weeks = " (weeks " + " / ".join(_text(w) for w in entry["weeks"]) + ")"
                days = _text(entry["days"])
                self._line(f"{entry['label']}: {days} days in 28{weeks}{amount}", indent=indent)
            return
        text = "; ".join(f"{_label(k)}: {_text(v)}" for k, v in entry.items())
        self._line(f"• {text}", indent=indent)

    # -- the RecordWriter protocol ------------------------------------------------------
    def patient(self, obj: Obj) -> None:
        name = f"{obj.get('given_name', '')} {obj.get('family_name', '')}".strip()
        number = nhs(str(obj.get("nhs_number", "")))
        self.footer = f"Subject access: {name}, NHS {number}"
        self._line("Your health record: Recovery Console", bold=True, size=15)
        self._line(f"{name}, NHS number {number}", size=11)
        when = self.now.format("D MMM YYYY HH:mm")
        self._line(f"Produced {when} in answer to a subject access request.")
        self._gap(8)
        self._line("Demographics and current summary", bold=True, size=12)
        self._fields(obj, 0)

    def open_list(self, name: str) -> None:
        self.section = name
        self.empty = True
        self._gap(10)
        self._line(TITLES[name], bold=True, size=12)

    def item(self, obj: Obj) -> None:
        self.empty = False
        self._gap(4)
        self._line(_title(self.section, obj), bold=True)
        self._fields({k: v for k, v in obj.items() if k != "id"}, 4 * mm)

    def close_list(self) -> None:
        if self.empty:
            self._line("None recorded.")

    def finish(self, withheld: list[Obj]) -> None:
        self._gap(10)
        self._line("Information withheld", bold=True, size=12)
        if not withheld:
            self._line("Nothing in this record was withheld.")
        for entry in withheld:
            self._line(
                f"• {TITLES.get(entry['section'], entry['section'])}: {entry['count']} × "
                f"{entry['reason']}."
            )
        if withheld:
            self._line(
                "These details are about other people and are withheld to protect them "
                "(UK GDPR Art. 15(4)); ask the practice if you need them."
            )
        self._draw_footer()
        self.canvas.save()
