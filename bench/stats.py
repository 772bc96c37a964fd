from __future__ import annotations

import statistics


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def line(label: str, ours: list[float], raw: list[float], unit: str = "ms") -> str:
    o50, o95 = statistics.median(ours), pct(ours, 95)
    r50, r95 = statistics.median(raw), pct(raw, 95)
    ratio = o95 / r95 if r95 else float("inf")
    return (
        f"{label:<34} p50 {o50:7.2f} {unit}  p95 {o95:7.2f} {unit}   "
        f"raw p50 {r50:6.2f}  p95 {r95:6.2f}   ratio(p95) {ratio:5.1f}x"
    )
