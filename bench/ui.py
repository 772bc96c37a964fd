"""Key → painted frame in the real console, headless at 80x24, and the bare baselines.

Run as a child process on a working copy of the benchmark database, one scenario per
process, printing JSON (milliseconds, node counts, peak RSS):

    python -m bench.ui screens COPY ROUNDS   # list, summary, worklist, later review opens
    python -m bench.ui first COPY INDEX      # review form first open, then a walk; RSS
    python -m bench.ui bare-first COMPOSED MOUNTED   # a bare screen's first push
    python -m bench.ui summary COPY ROUNDS   # the summary figure alone, and its baseline
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bench import data
from bench.commands import hwm_mb
from bench.frames import Done, Frames, settle, widgets

# Real typing: each name typed letter by letter, as staff do.
TYPED = ["smith", "patel", "osullivan", "kowalczyk", "jones", "o'br", "ahmed", "williams", "nowak"]
# A typist at 100 words a minute presses a key about every 120 ms.
TYPING_GAP_S = 0.120


def keystrokes() -> list[str]:
    return [word[:i] for word in TYPED for i in range(1, len(word) + 1)]


def peak_rss_mb() -> float:
    return hwm_mb()


class Console:
    """The real App on a copy, with the handlers the figures stop on wrapped."""

    def __init__(self, path: Path) -> None:
        from console.app import RecoveryConsole
        from screens.widgets.patient_table import PatientTable

        self.frames = Frames()
        self.services = data.services_for(path)
        self.app = RecoveryConsole(self.services)
        # Named, not imported: a screen's module loads when the console first needs it.
        self.summary = Done("PatientSummaryScreen", "on_patient_summary_screen_opened")
        self.worklist = Done("WorklistScreen", "on_worklist_screen_loaded")
        self.review = Done("ReviewScreen", "on_review_screen_loaded")
        self.shown: list[str] = []
        original = PatientTable.show_page
        shown = self.shown

        def show_page(table: Any, page: Any, **kwargs: Any) -> None:
            original(table, page, **kwargs)
            shown.append(page.query)

        PatientTable.show_page = show_page  # type: ignore[method-assign]

    async def typing(self, pilot: Any, typed: list[str]) -> list[float]:
        app = self.app
        await pilot.press("slash")
        await settle(app, pilot)
        times: list[float] = []
        previous = ""
        for text in typed:
            if not text.startswith(previous) or len(text) != len(previous) + 1:
                await pilot.press("ctrl+u")  # a new word: clear the box, as staff do
                await settle(app, pilot)
                previous = ""
            await asyncio.sleep(TYPING_GAP_S)
            times.append(
                await self.frames.press(app, text[-1], lambda t=text, s=self.shown: s[-1:] == [t])
            )
            previous = text
        await pilot.press("ctrl+u")
        await settle(app, pilot)
        await pilot.press("escape")  # back to the list's rows
        await settle(app, pilot)
        return times

    async def open_summary(self, pilot: Any) -> tuple[float, int]:
        ms = await self.frames.press(self.app, "enter", self.summary.after(self.app))
        nodes = widgets(self.app)
        await settle(self.app, pilot)
        await pilot.press("escape")
        await settle(self.app, pilot)
        await pilot.press("down")
        await settle(self.app, pilot)
        return ms, nodes

    async def open_worklist(self, pilot: Any) -> tuple[float, int]:
        ms = await self.frames.press(self.app, "w", self.worklist.after(self.app))
        nodes = widgets(self.app)
        rows = self.app.screen.query_one("#work").row_count  # type: ignore[attr-defined]
        await settle(self.app, pilot)
        await pilot.press("escape")
        await settle(self.app, pilot)
        return ms, nodes * 100_000 + rows

    async def open_review(self, pilot: Any, row: Any) -> tuple[float, float, int, int]:
        """r → the kind picker painted, 1 → the form painted; then back to the list."""
        app = self.app
        before = self.summary.count
        app.open_patient(row)
        while self.summary.count == before:
            await pilot.pause()
        await settle(app, pilot)
        picker = await self.frames.press(
            app, "r", lambda: type(app.screen).__name__ == "ReviewKindModal"
        )
        await settle(app, pilot)
        first: list[int] = []
        counting = self.review.after(app)

        def ready() -> bool:
            if counting():
                first.append(widgets(app))
                return True
            return False

        form = await self.frames.press(app, "1", ready)
        await settle(app, pilot)
        nodes_later = widgets(app)
        for _ in range(2):
            await pilot.press("escape")
            await settle(app, pilot)
        return picker, form, first[0], nodes_later

    def treatment_rows(self, count: int, skip: int = 0) -> list[Any]:
        rows = self.services.patients.search("", statuses=("in_treatment",), limit=skip + count)
        return list(rows.rows[skip : skip + count])


async def _screens(path: Path, rounds: int) -> dict[str, Any]:
    console = Console(path)
    app = console.app
    out: dict[str, Any] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        out["keystroke"] = await console.typing(pilot, keystrokes() * 2)
        summary = [await console.open_summary(pilot) for _ in range(rounds)]
        out["summary"] = [ms for ms, _ in summary]
        out["summary_nodes"] = summary[-1][1]
        worklist = [await console.open_worklist(pilot) for _ in range(max(rounds // 2, 3))]
        out["worklist"] = [ms for ms, _ in worklist]
        out["worklist_nodes"], out["worklist_rows"] = divmod(worklist[-1][1], 100_000)
        # Later opens: the first open of this process is the `first` scenario's figure.
        reviews = []
        for row in console.treatment_rows(rounds // 2 + 1, skip=20):
            reviews.append(await console.open_review(pilot, row))
        later = reviews[1:]
        out["review_later"] = [picker + form for picker, form, _, _ in later]
        out["review_nodes"] = [later[-1][2], later[-1][3]]
    out["rss_mb"] = peak_rss_mb()
    return out


async def _first(path: Path, index: int) -> dict[str, Any]:
    """A fresh process: open a patient, the review form (first open), then a walk."""
    console = Console(path)
    app = console.app
    out: dict[str, Any] = {}
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        row = console.treatment_rows(1, skip=index)[0]
        picker, form, nodes, later_nodes = await console.open_review(pilot, row)
        out["review_first"] = picker + form
        out["review_nodes"] = [nodes, later_nodes]
        await console.typing(pilot, ["s", "sm", "smi"])
        await console.open_summary(pilot)
        await console.open_worklist(pilot)
        for key in ("f", "escape", "n", "escape"):  # the filter and new-patient forms
            await pilot.press(key)
            await settle(app, pilot)
    out["rss_mb"] = peak_rss_mb()
    return out


async def _bare(
    composed: int,
    mounted: int,
    table_rows: int,
    rounds: int,
    *,
    reuse: bool = False,
    at_mount: bool = False,
) -> list[float]:
    from bench.bare import BareApp

    frames = Frames()
    loaded = Done("BareScreen", "on_bare_screen_loaded")
    app = BareApp(composed, mounted, table_rows, reuse=reuse, at_mount=at_mount)
    times = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(rounds):
            times.append(await frames.press(app, "o", loaded.after(app)))
            await settle(app, pilot)
            await pilot.press("escape")
            await settle(app, pilot)
    return times


async def _line_api(path: Path, typed: list[str]) -> list[float]:
    from bench.bare import LineApp, LineList

    frames = Frames()
    app = LineApp(str(path))
    times: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.query_one(LineList)
        previous = ""
        for text in typed:
            if not text.startswith(previous) or len(text) != len(previous) + 1:
                await pilot.press("ctrl+u")
                await settle(app, pilot)
                previous = ""
            await asyncio.sleep(TYPING_GAP_S)
            times.append(await frames.press(app, text[-1], lambda t=text: table.query_text == t))
            previous = text
    return times


async def _summary(path: Path, rounds: int) -> dict[str, Any]:
    """The summary figure alone (a quick before/after for that screen)."""
    console = Console(path)
    app = console.app
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        opened = [await console.open_summary(pilot) for _ in range(rounds)]
    return {"summary": [ms for ms, _ in opened], "summary_nodes": opened[-1][1]}


def bare_screens(path: Path, measured: dict[str, Any], rounds: int) -> dict[str, Any]:
    """The baselines for `screens`, shaped by what the console's screens measured."""
    out: dict[str, Any] = {"keystroke": asyncio.run(_line_api(path, keystrokes() * 2))}
    # The console reuses one summary screen, so its baseline reuses one bare screen.
    out["summary"] = asyncio.run(_bare(measured["summary_nodes"], 0, 0, rounds, reuse=True))
    out["worklist"] = asyncio.run(
        _bare(measured["worklist_nodes"], 0, measured["worklist_rows"], max(rounds // 2, 3))
    )
    first, later = measured["review_nodes"]
    out["review_later"] = asyncio.run(_bare(first, max(later - first, 0), 0, rounds // 2))
    return out


def main(argv: list[str]) -> int:
    scenario = argv[0]
    if scenario == "screens":
        path, rounds = Path(argv[1]), int(argv[2])
        ours = asyncio.run(_screens(path, rounds))
        result = {"ours": ours, "bare": bare_screens(path, ours, rounds)}
    elif scenario == "summary":
        path, rounds = Path(argv[1]), int(argv[2])
        ours = asyncio.run(_summary(path, rounds))
        bare = asyncio.run(_bare(ours["summary_nodes"], 0, 0, rounds, reuse=True))
        result = {"ours": ours, "bare": {"summary": bare}}
    elif scenario == "first":
        result = asyncio.run(_first(Path(argv[1]), int(argv[2])))
    elif scenario == "bare-first":
        composed, mounted = int(argv[1]), int(argv[2])
        result = {"first": asyncio.run(_bare(composed, mounted, 0, 1))[0], "rss_mb": 0.0}
        result["rss_mb"] = peak_rss_mb()
    else:
        raise SystemExit(f"unknown scenario {scenario}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
