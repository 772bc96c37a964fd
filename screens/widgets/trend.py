"""A one-line trend: label, sparkline of block characters, latest value and its change.

"BARC-10        ▂▃▃▅▆▅▇  49 (+4)". Block characters are in every common terminal font;
missing values (not answered) show as a space, never as zero.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.widgets import Static

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(
    values: Sequence[float | None], low: float, high: float, width: int | None = None
) -> str:
    """Block characters scaled between the measure's own range (not the data's)."""
    points = list(values)[-width:] if width else list(values)
    span = high - low or 1
    out = []
    for value in points:
        if value is None:
            out.append(" ")
            continue
        ratio = min(max((value - low) / span, 0.0), 1.0)
        out.append(BLOCKS[round(ratio * (len(BLOCKS) - 1))])
    return "".join(out)


def latest_text(values: Sequence[float | None], out_of: float | None = None) -> str:
    """ "49 (+4)" or "2/28": the latest answered value and the change since the one before."""
    known = [v for v in values if v is not None]
    if not known:
        return "not recorded"
    last = known[-1]
    text = f"{last:g}/{out_of:g}" if out_of is not None else f"{last:g}"
    if len(known) >= 2:
        change = last - known[-2]
        text += f" ({change:+g})" if change else " (=)"
    return text


class Trend(Static):
    """One measure across reviews; `higher_is_better` only picks the class of the change."""

    DEFAULT_CSS = """
    Trend {
        height: 1;
        width: 1fr;
    }
    Trend.-worse {
        color: $text-warning;
    }
    """

    def __init__(
        self,
        label: str,
        values: Sequence[float | None],
        *,
        low: float,
        high: float,
        out_of: float | None = None,
        higher_is_better: bool = True,
        width: int = 10,
        label_width: int = 13,
        id: str | None = None,
    ) -> None:
        self.label = label
        self.values = tuple(values)
        line = (
            f"{label:<{label_width}} {sparkline(self.values, low, high, width):<{width}} "
            f"{latest_text(self.values, out_of)}"
        )
        super().__init__(line, id=id, markup=False)
        known = [v for v in self.values if v is not None]
        if len(known) >= 2 and known[-1] != known[-2]:
            better = (known[-1] > known[-2]) == higher_is_better
            self.set_class(not better, "-worse")
