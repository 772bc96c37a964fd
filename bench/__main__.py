"""`make bench`: every figure at RC_BENCH_PATIENTS (default 260,000) and at 10,000
patients, printed as one table beside its raw baseline (docs/performance.md), then each
figure's median at 10,000, 100,000 and the large size (the growth table).

    RC_BENCH_PATIENTS=10000 make bench    # the small size alone: a quick run
    RC_BENCH_SIZES=10000,260000           # the sizes measured (default 10k, 100k, large)
    RC_BENCH_ROUNDS=20                    # samples per interactive figure (default 20)
    RC_BENCH_IMPORT_ROWS=50000            # rows the import figure imports
    RC_BENCH_PAST_ROUNDS=2                # past as-at dates the indicators figure derives
    RC_BENCH_DUE_WITHIN=14                # days for `letters recall --due-within`
    RC_BENCH_JSON=FILE                    # also write every sample as JSON
    RC_BENCH_EVENTS=2000000               # audit events generated for the audit viewer

Each size works on a private copy of its cached database, in a temporary folder removed
afterwards; the cached files are only ever read."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import commands, data, reviews, startup
from bench.table import Check, Figure, Row, Target, Unit, render, render_growth

SMALL = 10_000
MIDDLE = 100_000  # the growth table's middle size (RC_BENCH_SIZES)
FIRST_RUNS = 3
# What staff wait for at a key: these must not grow with the caseload (the growth table).
INTERACTIVE = {"keystroke", "summary", "worklist", "review_first", "review_later",
               "startup", "save", "finalise", "ind_screen", "ind_service"}  # fmt: skip


def child_json(*args: str) -> Any:
    ran = commands.run_child([sys.executable, "-m", "bench.ui", *args])
    return json.loads(ran.stdout.strip().splitlines()[-1])


def database(patients: int) -> Path:
    cached, how = data.database(patients)
    size = cached.stat().st_size / 1e6
    print(f"{patients:,} patients: {cached.name}, {size:,.0f} MB, {how or 'cached'}", flush=True)
    return cached


def measure(
    patients: int,
    cached: Path,
    rounds: int,
    due_within: int,
    import_rows: int,
    past_rounds: int = 2,
    events: int = 0,
) -> dict[str, Any]:
    """Every figure's samples at one size (raw data; `rows` makes the table)."""
    print(f"measuring at {patients:,} patients", flush=True)
    with tempfile.TemporaryDirectory(prefix="rc-bench-") as folder:
        tmp = Path(folder)
        work = data.working_copy(cached, tmp)
        data.add_cli_login(work)
        out: dict[str, Any] = {"patients": patients}
        step = time.perf_counter()
        out["screens"] = child_json("screens", str(work), str(rounds))
        firsts = [child_json("first", str(work), str(n)) for n in range(FIRST_RUNS)]
        out["review_first"] = [f["review_first"] for f in firsts]
        out["console_rss"] = [f["rss_mb"] for f in firsts]
        composed, later = firsts[0]["review_nodes"]
        bare = [
            child_json("bare-first", str(composed), str(max(later - composed, 0)))
            for _ in range(FIRST_RUNS)
        ]
        out["review_first_bare"] = [b["first"] for b in bare]
        print(f"  screens {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
        ran = commands.run_child(
            [sys.executable, "-m", "bench.indicators", str(work), str(rounds), str(past_rounds)]
        )
        out["indicators"] = json.loads(ran.stdout.strip().splitlines()[-1])
        print(f"  indicators {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
        out["startup"] = startup.measure(work)
        out["reviews"] = reviews.measure(work)
        print(f"  start-up, review saves {time.perf_counter() - step:.0f} s", flush=True)
        step = time.perf_counter()
        out["commands"] = commands.measure(cached, work, tmp, due_within, import_rows)
        print(f"  bulk commands {time.perf_counter() - step:.0f} s", flush=True)
        if not events:  # the audit viewer is measured at the large size only
            return out
        step = time.perf_counter()
        ran = commands.run_child(
            [sys.executable, "-m", "bench.audit", str(work), str(events), str(rounds)]
        )
        out["audit"] = json.loads(ran.stdout.strip().splitlines()[-1])
        made = out["audit"]["generated_s"]
        print(f"  audit viewer {time.perf_counter() - step:.0f} s "
              f"({events:,} events generated in {made:.0f} s)", flush=True)  # fmt: skip
    return out


def indicator_figures(i: dict[str, Any]) -> dict[str, tuple[Figure, Figure | None]]:
    raw = Figure.of(i["raw"], Unit.MS)
    past_raw = Figure.of(i.get("past_raw", i["raw"]), Unit.MS)
    return {
        "ind_screen": (Figure.of(i["screen"], Unit.MS), Figure.of(i["bare_screen"], Unit.MS)),
        "ind_service": (Figure.of(i["service"], Unit.MS), raw),
        "ind_scan": (Figure.of(i["scan"], Unit.MS), raw),
        "ind_outcomes": (Figure.of(i["outcomes"], Unit.MS), raw),
        "ind_past": (Figure.of(i["past"], Unit.MS), past_raw),
    }


def figures(m: dict[str, Any]) -> dict[str, tuple[Figure, Figure | None]]:
    """Each figure at one size: ours, and the raw baseline from the same run."""
    ours, bare = m["screens"]["ours"], m["screens"]["bare"]
    s, c = m["startup"], m["commands"]
    ms, rate, mb = Unit.MS, Unit.PER_S, Unit.MB
    return {
        "keystroke": (Figure.of(ours["keystroke"], ms), Figure.of(bare["keystroke"], ms)),
        "summary": (Figure.of(ours["summary"], ms), Figure.of(bare["summary"], ms)),
        "worklist": (Figure.of(ours["worklist"], ms), Figure.of(bare["worklist"], ms)),
        "review_first": (
            Figure.of(m["review_first"], ms),
            Figure.of(m["review_first_bare"], ms),
        ),
        "review_later": (
            Figure.of(ours["review_later"], ms),
            Figure.of(bare["review_later"], ms),
        ),
        "startup": (Figure.of(s["startup"], ms), Figure.of(s["startup_bare"], ms)),
        "save": (
            Figure.of(m["reviews"]["save_draft"], ms),
            Figure.of(m["reviews"]["save_raw"], ms),
        ),
        "finalise": (
            Figure.of(m["reviews"]["finalise"], ms),
            Figure.of(m["reviews"]["save_raw"], ms),
        ),
        "letters": (
            Figure.of(c["letters"] / c["letters_s"], rate),
            Figure.of(c["letters"] / c["letters_raw_s"], rate),
        ),
        "letters_rss": (Figure.of(c["letters_rss"], mb), Figure.of(c["letters_raw_rss"], mb)),
        "export": (
            Figure.of(c["exported"] / c["export_s"], rate),
            Figure.of(c["exported"] / c["export_raw_s"], rate),
        ),
        "export_rss": (Figure.of(c["export_rss"], mb), Figure.of(c["export_raw_rss"], mb)),
        "import": (
            Figure.of(c["imported"] / c["import_s"], rate),
            Figure.of(c["imported"] / c["import_raw_s"], rate),
        ),
        "import_rss": (Figure.of(c["import_rss"], mb), Figure.of(c["import_raw_rss"], mb)),
        "console_rss": (Figure.of(m["console_rss"], mb), Figure.of(s["bare_rss"], mb)),
        **indicator_figures(m["indicators"]),
        "backup": (
            Figure.of(c["backup_mb"] / c["backup_s"], Unit.MB_PER_S),
            Figure.of(c["backup_mb"] / c["backup_raw_s"], Unit.MB_PER_S),
        ),
        "backup_rss": (Figure.of(c["backup_rss"], mb), Figure.of(c["backup_raw_rss"], mb)),
        "record_rss": (Figure.of(c["record_rss"], mb), None),
        "record_json_rss": (Figure.of(c["record_json_rss"], mb), None),
    }


def rows(big: dict[str, Any], small: dict[str, Any] | None) -> list[Row]:
    """The table's rows from one size's samples, with the small size's for growth."""

    c = big["commands"]
    shape = big["screens"]["ours"]
    review_nodes = big["screens"]["ours"]["review_nodes"]
    spec: list[tuple[str, str, tuple[Target, ...], str]] = [
        ("keystroke", "search keystroke → list painted", (Target(Check.P95_BELOW, 16),),
         "raw: Input + bare ScrollView render_line list, raw sqlite3 page query, same keys"),
        ("summary", "summary, enter → painted", (Target(Check.P95_BELOW, 50),),
         f"raw: bare screen of {shape['summary_nodes']} Statics, a worker, same count"),
        ("worklist", "worklist, w → painted", (Target(Check.P95_BELOW, 200),),
         f"raw: bare screen of {shape['worklist_nodes']} nodes incl. a line-drawn table of "
         f"{shape['worklist_rows']:,} rows"),
        ("review_first", "review form, first open (r + 1)", (Target(Check.MEDIAN_BELOW, 300),),
         f"one per fresh process; raw: a bare screen of {review_nodes[0]} nodes, first push"),
        ("review_later", "review form, later open (r + 1)", (Target(Check.P95_BELOW, 300),),
         "raw: the same bare screen, later pushes"),
        ("startup", "start → interactive list",
         (Target(Check.RATIO_AT_MOST, 1.5), Target(Check.MEDIAN_BELOW, 1000)),
         "raw: bare app importing textual, sqlmodel, pendulum, to its first frame"),
        ("save", "review save_draft (service)", (Target(Check.P95_BELOW, 10),),
         "raw: the same rows inserted with sqlite3 in one transaction"),
        ("finalise", "review finalise (service)", (Target(Check.P95_BELOW, 10),), ""),
        ("letters", f"letters recall --due-within {c.get('due_within', '')}".rstrip(),
         (Target(Check.AT_LEAST, 300),),
         f"{c['letters']:,.0f} letters, end to end; raw: ReportLab canvas, same count"),
        ("letters_rss", "letters recall, peak RSS", (Target(Check.PEAK_BELOW, 200),), ""),
        ("export", "export patients", (), f"{c['exported']:,.0f} rows; raw: sqlite3 + csv"),
        ("export_rss", "export patients, peak RSS", (Target(Check.PEAK_BELOW, 200),), ""),
        ("import", "import patients", (Target(Check.AT_LEAST, 10_000),),
         f"{c['imported']:,.0f} rows into a fresh copy; raw: sqlite3 executemany"),
        ("import_rss", "import patients, peak RSS", (Target(Check.PEAK_BELOW, 200),), ""),
        ("console_rss", "console peak RSS after a walk", (Target(Check.PEAK_BELOW, 200),),
         "raw: the bare start-up app's peak RSS"),
        ("ind_screen", "indicators, enter → painted", (Target(Check.P95_BELOW, 200),),
         "go-to picker's enter to the frame with the indicators; raw: a bare screen of as "
         "many nodes, one a line-drawn table of as many rows, filled as it mounts"),
        ("ind_service", "indicators today (service)", (Target(Check.P95_BELOW, 200),),
         "IndicatorService.dashboard, outcomes apart; raw: the same select"),
        ("ind_scan", "indicators today by one pass (service)", (),
         "IndicatorService.scan_dashboard: the path before the kept tallies; raw: the select"),
        ("ind_outcomes", "indicators start-TOP outcomes (service)", (), "raw: the same select"),
        ("ind_past", "indicators as at a past month end", (Target(Check.MEDIAN_BELOW, 2000),),
         "as-at SQL over the source tables, one sample per date; raw: the same as-at "
         "select run by sqlite3"),
        ("backup", "backup FILE (copy + verify)", (),
         f"{c['backup_mb']:,.0f} MB database; raw: sqlite3 backup API alone, no checks"),
        ("backup_rss", "backup, peak RSS", (Target(Check.PEAK_BELOW, 200),), ""),
        ("record_rss", "export record (PDF), peak RSS", (Target(Check.PEAK_BELOW, 200),),
         f"the patient with the most reviews, {c['record_s']:.1f} s"),
        ("record_json_rss", "export record (JSON), peak RSS", (Target(Check.PEAK_BELOW, 200),),
         f"{c['record_json_s']:.1f} s, {c['record_kb']:,.0f} kB"),
    ]  # fmt: skip
    ours, theirs = figures(big), figures(small) if small else {}
    audit = audit_rows(big, small)
    return audit + [
        Row(
            name,
            ours[key][0],
            ours[key][1],
            targets,
            small=theirs[key][0] if key in theirs else None,
            note=note,
            interactive=key in INTERACTIVE,
        )
        for key, name, targets, note in spec
    ]


def audit_rows(big: dict[str, Any], small: dict[str, Any] | None) -> list[Row]:
    """The audit viewer's rows: service time and key → painted, raw keyset beside each."""
    if "audit" not in big:
        return []
    a, b = big["audit"], (small or {}).get("audit")
    n = f"{a['events']:,}"
    out = []
    for key, what in (("first", "first page"), ("patient", "a patient's page"),
                      ("rare", "a rare action's page")):  # fmt: skip
        raw = Figure.of(a["raw"][key], Unit.MS)
        out.append(Row(
            f"audit viewer, {what} (service)",
            Figure.of(a["service"][key], Unit.MS),
            raw,
            (Target(Check.P95_BELOW, 50),),
            small=Figure.of(b["service"][key], Unit.MS) if b else None,
            note=f"{n} events; raw: the keyset query with sqlite3",
            interactive=True,
        ))  # fmt: skip
        out.append(Row(
            f"audit viewer, {what}, key → painted",
            Figure.of(a["frame"][key], Unit.MS),
            raw,
            (Target(Check.P95_BELOW, 200),),
            small=Figure.of(b["frame"][key], Unit.MS) if b else None,
            note="n (older page) or ctrl+s in the filter dialog",
            interactive=True,
        ))  # fmt: skip
    return out


def compiled() -> int:
    """The console's modules compiled to bytecode first, as `pip install` does for the
    installed console (deploy/install.sh): a machine with PYTHONDONTWRITEBYTECODE set
    would otherwise compile every module from source in every timed process, while the
    bare baselines' libraries were compiled when they were installed."""
    import compileall

    root = Path(__file__).resolve().parent.parent
    return sum(
        not compileall.compile_dir(root / name, quiet=1) for name in ("console", "screens", "db")
    )


def main() -> int:
    patients = int(os.environ.get("RC_BENCH_PATIENTS", "260000"))
    rounds = int(os.environ.get("RC_BENCH_ROUNDS", "20"))
    due_within = int(os.environ.get("RC_BENCH_DUE_WITHIN", "14"))
    import_rows = int(os.environ.get("RC_BENCH_IMPORT_ROWS", "50000"))
    past_rounds = int(os.environ.get("RC_BENCH_PAST_ROUNDS", "2"))
    head = (
        os.environ.get("RC_BENCH_COMMIT")
        or subprocess.run(
            ["git", "log", "-1", "--format=%h %cI"], capture_output=True, text=True, check=False
        ).stdout.strip()
    )
    failed = compiled()
    print(f"Recovery Console benchmarks, {platform.python_version()}, {os.cpu_count()} cores, "
          f"load {os.getloadavg()[0]:.1f}, commit {head or 'unknown'}, "
          f"bytecode {'compiled' if not failed else 'NOT all compiled'}")  # fmt: skip
    sizes = sorted({SMALL, patients})
    if patients > MIDDLE:  # the growth table's middle size, unless told otherwise
        given = os.environ.get("RC_BENCH_SIZES", f"{SMALL},{MIDDLE},{patients}")
        sizes = sorted({SMALL, patients, *(int(n) for n in given.split(",") if n.strip())})
    cached = {size: database(size) for size in sizes}  # any build first, then the figures
    measured = {}
    dump = os.environ.get("RC_BENCH_JSON")
    for size in sizes:
        events = int(os.environ.get("RC_BENCH_EVENTS", "2000000")) if size == patients else 0
        measured[size] = measure(
            size, cached[size], rounds, due_within, import_rows, past_rounds, events
        )
        measured[size]["commands"]["due_within"] = due_within
        if dump:
            Path(dump).write_text(json.dumps(measured))
        if size == SMALL:  # the small size's own table, in case a larger one fails
            print(render(rows(measured[size], None)), flush=True)
    big = measured[patients]
    small = measured[SMALL] if patients != SMALL else None
    print()
    print(f"At {patients:,} patients (growth column: the same figure at {SMALL:,}):")
    print(render(rows(big, small)))
    if len(sizes) > 2:
        print()
        print("Growth: each figure's median at every size")
        print(render_growth(sizes, [rows(measured[n], None) for n in sizes]))
    print(f"load average after the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    sys.exit(main())
