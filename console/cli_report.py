"""`recovery-console report indicators [--format text|csv|pdf] [--out FILE] [--as-at
YYYY-MM-DD] [--keyworker LOGIN] [--patients] [--force]` (issue 17).

Text to stdout by default; CSV with the header `key,title,numerator,denominator,percent`
and one row per ratio indicator in the table's order; PDF on the practice letterhead with
a bar chart. No patient identifiers unless `--patients` (the gap list of each indicator,
NHS number and name, for the practice's own use). Producing a report is audited. No
Textual here; ReportLab is imported only for a PDF.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from console.rules import indicators as rules

if TYPE_CHECKING:
    from console.config import MachineSettings
    from console.services import Services
    from console.services.dto import PatientRow
    from console.services.indicators import Dashboard

HEADER = ("key", "title", "numerator", "denominator", "percent")
BAR = 20


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    report = sub.add_parser("report", help="reports: the practice indicators")
    which = report.add_subparsers(dest="report_command", metavar="REPORT", required=True)
    ind = which.add_parser("indicators", help="the practice indicators (SPEC §4)")
    ind.add_argument("--format", choices=("text", "csv", "pdf"), default="text")
    ind.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (pdf needs it)")
    ind.add_argument("--force", action="store_true", help="replace an existing --out FILE")
    ind.add_argument("--as-at", type=_day, metavar="YYYY-MM-DD", help="a past date")
    ind.add_argument("--keyworker", default="", metavar="LOGIN", help="one keyworker's patients")
    ind.add_argument(
        "--patients", action="store_true", help="add each indicator's gap list (NHS number, name)"
    )


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {text!r}") from None


class BadInput(Exception):
    """Bad input: the command exits 2 with this message (console.cli turns it)."""


def run(
    services: Services,
    settings: MachineSettings,
    args: argparse.Namespace,
    output_file: Callable[[Path, bool], bool],
) -> int:
    """The report; `output_file` is the CLI's check of an --out path (True: --force will
    replace it)."""
    from console.services.errors import Invalid
    from console.services.indicators import IndicatorService

    if args.format == "pdf" and args.out is None:
        raise BadInput("a PDF needs --out FILE")
    replace = output_file(args.out, args.force) if args.out is not None else False
    what = args.format + ("+patients" if args.patients else "")
    try:
        board, lists = IndicatorService(services).report(args.as_at, args.keyworker, what=what)
    except Invalid as exc:
        raise BadInput(str(exc)) from exc
    practice = services.practice.get()
    if args.format == "pdf":
        trend = IndicatorService(services).trend(args.keyworker, 12, as_at=args.as_at)
        data = pdf(board, lists, practice_name=practice.name, practice=practice, trend=trend)
    elif args.format == "csv":
        data = csv_text(board, lists).encode()
    else:
        data = text(board, lists).encode()
    if args.out is None:
        sys.stdout.write(data.decode())
        return 0
    _write(args.out, data, replace, settings.group)
    print(f"Written: {args.out}", file=sys.stderr)
    return 0


def _write(path: Path, data: bytes, replace: bool, group: str | None) -> None:
    """A private file, put in place whole (a reader never sees half a report)."""
    from console.services import outputs

    part = path.with_name(f".{path.name}.part")
    part.unlink(missing_ok=True)  # a link planted at that name is removed, not followed
    with os.fdopen(outputs.create(part, group), "wb") as fh:
        fh.write(data)
    if not replace and path.exists():
        part.unlink()
        raise BadInput(f"{path} already exists; add --force to replace it")
    os.replace(part, path)


def _scope(board: Dashboard) -> str:
    who = f"keyworker {board.keyworker}" if board.keyworker else "whole practice"
    how = "from history" if board.from_history else "today"
    return f"as at {board.as_at:%-d %B %Y} ({how}), {who}"


def text(board: Dashboard, lists: dict[str, tuple[PatientRow, ...]]) -> str:
    out = [f"Practice indicators {_scope(board)}", ""]
    for c in board.counts:
        share = rules.percent_text(c)
        out.append(
            f"{c.title:<36} {c.numerator:>6} / {c.denominator:<6} {share:>5}%  {rules.bar(c, BAR)}"
        )
    out += ["", *distribution_lines(board)]
    for key, rows in lists.items():
        out += ["", f"Not meeting: {rules.BY_KEY[key].title} ({len(rows)})"]
        out += [f"  {r.nhs_number}  {r.family_name}, {r.given_name}" for r in rows]
    return "\n".join(out) + "\n"


def distribution_rows(board: Dashboard) -> list[tuple[str, str, str]]:
    """Continuous time on OST by band, and the change since the start TOP, as (label,
    count, share) rows; a row with only a label is a heading."""
    o = board.outcomes or rules.Outcomes()  # a report always counts them
    rows = [("Continuous time on OST (considered decision / patients)", "", "")]
    rows += [(f"  {b.label}", f"{b.considered} / {b.patients}", "") for b in board.ost_bands]
    rows += [
        ("", "", ""),
        (f"Start TOP to the latest TOP ({o.patients} patients with both)", "", ""),
        (
            "  no longer using illicit opioids",
            f"{o.opioids_stopped} / {o.opioids_at_start}",
            o.opioids_text,
        ),
        (
            "  no longer injecting",
            f"{o.injecting_stopped} / {o.injecting_at_start}",
            o.injecting_text,
        ),
        ("  median BARC-10 change", o.barc10_text, f"{o.barc10_patients} patients"),
    ]
    return rows


def distribution_lines(board: Dashboard) -> list[str]:
    return [
        f"{label:<36} {count:>15}  {share}".rstrip() if count or share else label
        for label, count, share in distribution_rows(board)
    ]


def csv_text(board: Dashboard, lists: dict[str, tuple[PatientRow, ...]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for c in board.counts:
        p = c.percent
        w.writerow((c.key, c.title, c.numerator, c.denominator, "" if p is None else f"{p:.1f}"))
    if lists:
        w.writerow(())
        w.writerow(("key", "nhs_number", "family_name", "given_name"))
        for key, rows in lists.items():
            for r in rows:
                w.writerow((key, r.nhs_number, r.family_name, r.given_name))
    return buf.getvalue()


def pdf(
    board: Dashboard,
    lists: dict[str, tuple[PatientRow, ...]],
    *,
    practice_name: str,
    practice: object,
    trend: Sequence[Dashboard] = (),
) -> bytes:
    """A4 on the practice letterhead: the table, a horizontal bar chart (ReportLab
    graphics) and the distributions; the 12-month trend on a page of its own; with
    --patients, the gap lists."""
    from types import SimpleNamespace

    from reportlab.graphics import renderPDF
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from console.letters import render
    from console.letters.model import Letterhead

    render.register_fonts()
    head = Letterhead(
        practice_name,
        getattr(practice, "address", ""),
        getattr(practice, "phone", ""),
        getattr(practice, "email", ""),
        getattr(practice, "ods_code", ""),
    )
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=render.A4, pageCompression=1)
    c.setTitle("Practice indicators")
    left, width, height = render.LEFT, render.PAGE_W, render.PAGE_H

    def letterhead() -> None:
        render._Painter.letterhead(SimpleNamespace(canvas=c, head=head))  # type: ignore[arg-type]

    letterhead()
    y = height - 52 * mm
    c.setFont(render.BOLD, 13)
    c.drawString(left, y, "Practice indicators")
    c.setFont(render.FONT, 9)
    y -= 5 * mm
    c.drawString(left, y, _scope(board))
    y -= 8 * mm
    c.setFont(render.BOLD, 8.5)
    for x, label in ((left, "Indicator"), (left + 112 * mm, "Met"), (left + 140 * mm, "%")):
        c.drawString(x, y, label)
    c.setFont(render.FONT, 8.5)
    for n in board.counts:
        y -= 5 * mm
        c.drawString(left, y, n.title)
        c.drawString(left + 112 * mm, y, f"{n.numerator} / {n.denominator}")
        c.drawString(left + 140 * mm, y, rules.percent_text(n))
    y -= 8 * mm
    chart_h = 95 * mm
    d = Drawing(width - 2 * left, chart_h)
    chart = HorizontalBarChart()
    chart.x, chart.y = 62 * mm, 8 * mm
    chart.width, chart.height = width - 2 * left - 70 * mm, chart_h - 14 * mm
    counts = list(reversed(board.counts))  # the first indicator at the top
    chart.data = [[c_.percent or 0.0 for c_ in counts]]
    chart.categoryAxis.categoryNames = [c_.title for c_ in counts]
    chart.categoryAxis.labels.fontName = render.FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = render.FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#005eb8")
    chart.barLabelFormat = "%.0f%%"
    chart.barLabels.fontName = render.FONT
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    d.add(chart)
    renderPDF.draw(d, c, left, y - chart_h)
    y -= chart_h + 4 * mm
    c.setFont(render.FONT, 8.5)
    for label, count, share in distribution_rows(board):
        c.drawString(left, y, label)
        c.drawString(left + 112 * mm, y, count)
        c.drawString(left + 140 * mm, y, share)
        y -= 4.2 * mm
    c.setFont(render.FONT, 7)
    c.drawString(left, 12 * mm, "No patient identifiers in this summary")
    if trend:
        c.showPage()
        letterhead()
        _trend_page(c, trend, height - 52 * mm)
        c.setFont(render.FONT, 7)
        c.drawString(left, 12 * mm, "No patient identifiers in this summary")
    for key, rows in lists.items():
        c.showPage()
        letterhead()
        y = height - 52 * mm
        c.setFont(render.BOLD, 11)
        c.drawString(left, y, f"Not meeting: {rules.BY_KEY[key].title} ({len(rows)})")
        c.setFont(render.FONT, 8.5)
        for r in rows:
            y -= 4.5 * mm
            if y < 20 * mm:
                c.showPage()
                letterhead()
                y = height - 52 * mm
                c.setFont(render.FONT, 8.5)
            c.drawString(left, y, f"{r.nhs_number}   {r.family_name}, {r.given_name}")
    c.save()
    return buf.getvalue()


def _trend_page(c: Any, trend: Sequence[Dashboard], top: float) -> None:
    """Each indicator's share at each month end (a small bar per month, ReportLab
    graphics), with the first and last percent."""
    from reportlab.graphics import renderPDF
    from reportlab.graphics.shapes import Drawing, Line, Rect
    from reportlab.lib import colors
    from reportlab.lib.units import mm

    from console.letters import render

    left = render.LEFT
    c.setFont(render.BOLD, 13)
    c.drawString(left, top, "Trend: the last 12 month ends")
    c.setFont(render.FONT, 8.5)
    c.drawString(
        left,
        top - 5 * mm,
        f"{trend[0].as_at:%-d %b %Y} to {trend[-1].as_at:%-d %b %Y}, "
        "each bar the share met as at that date (from history)",
    )
    y = top - 22 * mm
    col, high = 4.2 * mm, 7 * mm
    c.setFont(render.BOLD, 8)
    c.drawString(left + 66 * mm, y + high + 2 * mm, f"{trend[0].as_at:%b %Y}")
    c.drawRightString(left + 66 * mm + col * len(trend), y + high + 2 * mm, "latest")
    c.drawString(left + 124 * mm, y + high + 2 * mm, "first")
    c.drawString(left + 142 * mm, y + high + 2 * mm, "last")
    for key in rules.KEYS:
        shares = [b.count(key).percent for b in trend]
        c.setFont(render.FONT, 8.5)
        c.drawString(left, y + 1 * mm, rules.BY_KEY[key].title)
        d = Drawing(col * len(shares), high)
        d.add(Rect(0, 0, col * len(shares), high, fillColor=colors.HexColor("#eeeeee"),
                   strokeColor=None))  # fmt: skip
        d.add(Line(0, 0, col * len(shares), 0, strokeColor=colors.grey, strokeWidth=0.3))
        for n, p in enumerate(shares):
            if p is not None:
                h = max(p / 100 * high, 0.3)
                d.add(Rect(n * col + 0.4, 0, col - 0.8, h, fillColor=colors.HexColor("#005eb8"),
                           strokeColor=None))  # fmt: skip
        renderPDF.draw(d, c, left + 66 * mm, y)
        for x, p in ((124, shares[0]), (142, shares[-1])):
            c.drawString(left + x * mm, y + 1 * mm, "—" if p is None else f"{p:.0f}%")
        y -= high + 5 * mm


def lines(board: Dashboard) -> Sequence[str]:
    """The text report's indicator lines (tests, and the dashboard's words)."""
    return text(board, {}).splitlines()[2 : 2 + len(board.counts)]
