"""Every stored snapshot belongs to a test that still exists.

Syrupy cannot see unused snapshots when the suite runs on several workers, so a renamed
or deleted snapshot test would leave a picture nobody checks; this catches it."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).parent / "ui"


def _test_names(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    return {
        node.name
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def unused_snapshots(ui: Path = UI) -> list[str]:
    unused = []
    for svg in sorted((ui / "__snapshots__").glob("*/*.svg")):
        module = ui / f"{svg.parent.name}.py"
        name = svg.stem.split("[", 1)[0]
        if not module.exists() or name not in _test_names(module):
            unused.append(f"{svg.parent.name}/{svg.name}")
    return unused


def test_every_snapshot_has_its_test() -> None:
    assert unused_snapshots() == []


def test_a_snapshot_without_its_test_is_found(tmp_path: Path) -> None:
    (tmp_path / "__snapshots__" / "test_x").mkdir(parents=True)
    (tmp_path / "test_x.py").write_text("def test_kept(): pass\n")
    (tmp_path / "__snapshots__" / "test_x" / "test_kept.svg").write_text("<svg/>")
    (tmp_path / "__snapshots__" / "test_x" / "test_gone[a-1].svg").write_text("<svg/>")
    assert unused_snapshots(tmp_path) == ["test_x/test_gone[a-1].svg"]
