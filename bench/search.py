"""Search: the service call the list makes per keystroke, beside the raw SQLite query."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from bench import data
from bench.stats import line
from console.rules.names import fold_key

# Real typing: each name typed letter by letter, as staff do.
TYPED = ["smith", "patel", "osullivan", "kowalczyk", "jones", "o'br", "ahmed", "williams", "nowak"]


def keystrokes() -> list[str]:
    return [word[:i] for word in TYPED for i in range(1, len(word) + 1)]


def run(path: Path) -> None:
    services = data.services_for(path)
    raw = sqlite3.connect(path)
    ours: list[float] = []
    base: list[float] = []
    typed = keystrokes() * 3
    for text in typed:
        started = time.perf_counter()
        services.patients.search(text, limit=60)
        ours.append((time.perf_counter() - started) * 1000)
        key = fold_key(text)
        started = time.perf_counter()
        raw.execute(
            "SELECT id, nhs_number, family_name, given_name FROM patient "
            "WHERE family_key >= ? AND family_key < ? ORDER BY family_key, given_key, id LIMIT 61",
            (key, key + "\U0010ffff"),
        ).fetchall()
        base.append((time.perf_counter() - started) * 1000)
    print(line(f"search service ({len(typed)} keys)", ours, base))
    nhs = services.patients.search("999", limit=1).rows
    if nhs:
        number = nhs[0].nhs_number
        ours, base = [], []
        for _ in range(200):
            started = time.perf_counter()
            services.patients.search(f"{number[:3]} {number[3:6]} {number[6:]}", limit=60)
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            raw.execute("SELECT id FROM patient WHERE nhs_number = ?", (number,)).fetchall()
            base.append((time.perf_counter() - started) * 1000)
        print(line("search by NHS number", ours, base))
    raw.close()
