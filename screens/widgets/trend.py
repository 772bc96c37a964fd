"""A one-line trend: label, sparkline of block characters, latest value and its change.

"BARC-10        ▂▃▃▅▆▅▇  49 (+4)", drawn by the summary's line view. Block characters
are in every common terminal font; missing values (not answered) show as a space, never
as zero.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def trend_text(
    label: str,
    values: Sequence[float | None],
    *,
    low: float,
    high: float,
    out_of: float | None = None,
    width: int = 10,
    label_width: int = 13,
) -> str:
    """ "BARC-10       ▅▅▅▅▆▆▆▆▅▅ 41 (+1)": label, sparkline, latest value and its change."""
    return (
        f"{label:<{label_width}} {sparkline(values, low, high, width):<{width}} "
        f"{latest_text(values, out_of)}"
    )


def worse(values: Sequence[float | None], higher_is_better: bool) -> bool:
    """Whether the latest answered value moved the wrong way since the one before."""
    known = [v for v in values if v is not None]
    if len(known) < 2 or known[-1] == known[-2]:
        return False
    return (known[-1] > known[-2]) != higher_is_better
