"""The table `make bench` prints: figure, target, raw baseline, median, p95, ratio of
medians, met or not, and the same figure at 10,000 patients (growth); then the growth
table, each figure's median at every size measured."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from enum import Enum


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class Unit(Enum):
    MS = ("ms", False)
    PER_S = ("/s", True)  # higher is better
    MB = ("MB", False)
    MB_PER_S = ("MB/s", True)

    @property
    def text(self) -> str:
        return self.value[0]

    @property
    def higher_is_better(self) -> bool:
        return self.value[1]


@dataclass(frozen=True)
class Figure:
    values: tuple[float, ...]
    unit: Unit

    @classmethod
    def of(cls, values: list[float] | float, unit: Unit) -> Figure:
        seq = values if isinstance(values, list) else [values]
        if not seq:
            raise ValueError("a figure needs at least one sample")
        return cls(tuple(seq), unit)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def p95(self) -> float:
        return pct(list(self.values), 95)

    @property
    def peak(self) -> float:
        return max(self.values)


class Check(Enum):
    P95_BELOW = "p95 <"
    MEDIAN_BELOW = "median <"
    PEAK_BELOW = "peak <"
    AT_LEAST = "≥"
    RATIO_AT_MOST = "ratio ≤"


@dataclass(frozen=True)
class Target:
    check: Check
    limit: float

    def text(self, unit: Unit) -> str:
        if self.check is Check.RATIO_AT_MOST:
            return f"≤ {self.limit:g}× raw"
        if self.check is Check.AT_LEAST:
            return f"≥ {self.limit:,.0f}{unit.text}"
        return f"{self.check.value} {self.limit:,.0f} {unit.text}"

    def met(self, row: Row) -> bool:
        ours = row.ours
        if self.check is Check.P95_BELOW:
            return ours.p95 < self.limit
        if self.check is Check.MEDIAN_BELOW:
            return ours.median < self.limit
        if self.check is Check.PEAK_BELOW:
            return ours.peak < self.limit
        if self.check is Check.AT_LEAST:
            return ours.median >= self.limit
        ratio = row.ratio
        return ratio is not None and ratio <= self.limit


@dataclass(frozen=True)
class Row:
    name: str
    ours: Figure
    base: Figure | None = None
    targets: tuple[Target, ...] = ()
    small: Figure | None = None  # the same figure at the small size, for growth
    note: str = ""
    interactive: bool = False  # what a key waits for: must not grow with the caseload

    @property
    def ratio(self) -> float | None:
        """Times the raw baseline's cost, from medians: time and memory ours / raw, a rate
        raw / ours (so above 1 always means dearer than the raw limit)."""
        if self.base is None or not self.base.median or not self.ours.median:
            return None
        if self.ours.unit.higher_is_better:
            return self.base.median / self.ours.median
        return self.ours.median / self.base.median

    @property
    def met(self) -> bool | None:
        if not self.targets:
            return None
        return all(t.met(self) for t in self.targets)

    @property
    def growth(self) -> float | None:
        if self.small is None or not self.small.median:
            return None
        return self.ours.median / self.small.median


def _num(value: float, unit: Unit) -> str:
    if unit is Unit.MS:
        return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit is Unit.PER_S:
        return f"{value:,.0f}{unit.text}"
    return f"{value:,.0f} {unit.text}"


HEADER = ("figure", "target", "raw baseline", "median", "p95", "ratio", "met", "at 10k (growth)")


def cells(row: Row) -> tuple[str, ...]:
    unit = row.ours.unit
    target = "; ".join(t.text(unit) for t in row.targets) or "—"
    base = _num(row.base.median, row.base.unit) if row.base else "—"
    p95 = _num(row.ours.p95, unit) if len(row.ours.values) > 1 else "—"
    ratio = f"{row.ratio:.2f}×" if row.ratio is not None else "—"
    met = {True: "met", False: "NOT met", None: "—"}[row.met]
    if row.small is not None and row.growth is not None:
        growth = f"{_num(row.small.median, unit)} (×{row.growth:.2f})"
    else:
        growth = "—"
    name = f"{row.name} [n={len(row.ours.values)}]"
    return (name, target, base, _num(row.ours.median, unit), p95, ratio, met, growth)


def render(rows: list[Row]) -> str:
    """A Markdown table, aligned for reading in a terminal and pasting into the docs."""
    notes = [f"- {r.name}: {r.note}" for r in rows if r.note]
    return "\n".join(
        [_markdown([HEADER, *[cells(r) for r in rows]]), *(["", *notes] if notes else [])]
    )


def _markdown(table: list[tuple[str, ...]]) -> str:
    """Rows of cells (the first the header) as an aligned Markdown table."""
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]

    def line(values: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(table[0]), rule, *(line(c) for c in table[1:])])


GROWTH_LIMIT = 1.2  # an interactive figure at the large size, times its small-size median


def render_growth(sizes: list[int], by_size: list[list[Row]]) -> str:
    """Each figure's median at every size (rows matched by name), the largest over the
    smallest, and for an interactive figure whether that stays within GROWTH_LIMIT."""
    named = [{r.name: r for r in rows} for rows in by_size]
    head = ("figure", *[f"{n:,}" for n in sizes], f"{sizes[-1]:,} ÷ {sizes[0]:,}",
            f"≤ {GROWTH_LIMIT:g}× (interactive)")  # fmt: skip
    table = [head]
    for row in by_size[-1]:
        found = [n.get(row.name) for n in named]
        unit = row.ours.unit
        medians = [_num(f.ours.median, unit) if f else "—" for f in found]
        first = found[0]
        times = row.ours.median / first.ours.median if first and first.ours.median else None
        if unit.higher_is_better and times:
            times = 1 / times  # a rate: above 1 means slower at the large size
        held = "—"
        if row.interactive and times is not None:
            held = "yes" if times <= GROWTH_LIMIT else "NO"
        table.append((row.name, *medians, f"{times:.2f}×" if times else "—", held))
    return _markdown(table)
