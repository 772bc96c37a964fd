"""The benchmark harness: a run never writes the cached database, and the table marks
each figure met or not met from its target."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench import commands, data, reviews
from bench.table import Check, Figure, Row, Target, Unit, render, render_growth


def _state(path: Path) -> tuple[str, int, int]:
    """The cached file's bytes, its mtime and its audit event count (through the product)."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    services = data.services_for(path)
    try:
        events = services.audit_log.verify().events
    finally:
        services.engine.dispose()
    return digest, path.stat().st_mtime_ns, events


def test_a_harness_step_leaves_the_cached_database_unchanged(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cached, how = data.database(50, cache=cache)
    assert how is not None and "built" in how
    assert data.database(50, cache=cache) == (cached, None)  # reused, not rebuilt
    before = _state(cached)

    work = data.working_copy(cached, tmp_path)
    login = data.add_cli_login(work)
    services = data.services_for(work)
    row = services.patients.search("").rows[0]
    services.summary.open(row.id)  # an audited read, as the screens make
    services.engine.dispose()
    ran = commands.console(work, "export", "patients", str(tmp_path / "out.csv"))
    assert "Exported 50 patients" in ran.stdout and ran.rss_mb > 0

    assert _state(cached) == before
    # The step did write and audit, on the copy: staff added, the open, the export.
    assert _state(work)[2] >= before[2] + 3
    assert login


def _row(values: list[float], target: Target, base: list[float] | None = None) -> Row:
    unit = Unit.PER_S if target.check is Check.AT_LEAST else Unit.MS
    return Row(
        "figure",
        Figure.of(values, unit),
        Figure.of(base, unit) if base else None,
        (target,),
    )


def test_the_table_marks_met_and_not_met() -> None:
    fast = _row([5.0] * 19 + [15.0], Target(Check.P95_BELOW, 16))
    slow = _row([5.0] * 18 + [17.0, 17.0], Target(Check.P95_BELOW, 16))
    assert fast.met is True and slow.met is False
    assert _row([299.0], Target(Check.AT_LEAST, 300)).met is False
    assert _row([300.0], Target(Check.AT_LEAST, 300)).met is True

    ratio = _row([150.0, 150.0], Target(Check.RATIO_AT_MOST, 1.5), base=[100.0, 100.0])
    assert ratio.ratio == 1.5 and ratio.met is True
    dearer = _row([151.0], Target(Check.RATIO_AT_MOST, 1.5), base=[100.0])
    assert dearer.met is False
    # A rate's ratio is raw / ours: above 1 means slower than the raw limit.
    rate = _row([250.0], Target(Check.AT_LEAST, 300), base=[1000.0])
    assert rate.ratio == 4.0

    growth = Row("grows", Figure.of([12.0], Unit.MS), small=Figure.of([10.0], Unit.MS))
    assert growth.met is None and growth.growth == 1.2

    table = render([fast, slow, growth]).splitlines()
    assert table[0].startswith("| figure")
    assert "| met " in table[2] and "NOT met" not in table[2]
    assert "NOT met" in table[3]
    assert "(×1.20)" in table[4]


def test_the_growth_table_holds_an_interactive_figure_to_its_small_size() -> None:
    def at(ms: float, name: str = "summary", interactive: bool = True) -> Row:
        return Row(name, Figure.of([ms], Unit.MS), interactive=interactive)

    def rate(per_s: float) -> Row:
        return Row("import", Figure.of([per_s], Unit.PER_S))

    sizes = [10_000, 100_000, 260_000]
    by_size = [
        [at(40.0), at(100.0, "worklist"), rate(12_000.0)],
        [at(44.0), at(110.0, "worklist"), rate(10_000.0)],
        [at(48.0), at(130.0, "worklist"), rate(8_000.0)],
    ]
    table = render_growth(sizes, by_size).splitlines()
    assert "260,000 ÷ 10,000" in table[0]
    summary, worklist, imported = ([c.strip() for c in line.split("|")[1:-1]] for line in table[2:])
    assert summary == ["summary", "40.0 ms", "44.0 ms", "48.0 ms", "1.20×", "yes"]
    assert worklist[-2:] == ["1.30×", "NO"]
    # A rate that falls is growth too, and a command is not held to the limit.
    assert imported[-2:] == ["1.50×", "—"]


def test_the_review_saves_leave_the_runs_audit_chain_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw baseline's event is outside the chain: it goes to a copy of its own, so the
    commands measured after it (backup verifies the chain) find the run's copy whole."""
    monkeypatch.setattr(reviews, "ROUNDS", 2)
    cached, _ = data.database(300, cache=tmp_path / "cache")
    work = data.working_copy(cached, tmp_path)
    data.add_cli_login(work)  # as make bench does: the copy's chain anchored
    saved = reviews.measure(work)
    assert len(saved["finalise"]) == 2 and len(saved["save_raw"]) == 2
    ran = commands.console(work, "backup", str(tmp_path / "backup.db"))  # as make bench next
    assert "Backup good" in ran.stdout and "audit log intact" in ran.stdout
    assert not (tmp_path / "reviews-raw.db").exists()
