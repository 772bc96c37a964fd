"""screens → console services → db, with pure rules at the bottom (STYLE.md §4)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def files(*folders: str) -> list[Path]:
    return [p for folder in folders for p in sorted((ROOT / folder).rglob("*.py"))]


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_screens_never_touch_the_database() -> None:
    assert offenders(files("screens"), ("db", "sqlalchemy", "sqlmodel", "alembic")) == []


def test_headless_layers_never_import_textual() -> None:
    headless = files("db", "console/rules", "console/services", "console/demo") + [
        ROOT / "console" / name
        for name in ("cli.py", "config.py", "clock.py", "identity.py")
        if (ROOT / "console" / name).exists()
    ]
    assert offenders(headless, ("textual", "screens", "rich")) == []


def test_rules_import_nothing_of_ours_but_rules() -> None:
    assert (
        offenders(
            files("console/rules"), ("db", "screens", "console.services", "sqlalchemy", "sqlmodel")
        )
        == []
    )


@pytest.mark.parametrize("command", [["init"], ["staff", "list"], ["audit", "verify"]])
def test_commands_run_without_loading_textual(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "x.db"
    code = (
        "import sys, console.cli as c\n"
        f"status = c.main(['--db', {str(db)!r}, 'init'])\n"
        f"status = status or c.main(['--db', {str(db)!r}, *{command!r}])\n"
        "assert status == 0, status\n"
        "loaded = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "assert not loaded, loaded\n"
        "assert 'reportlab' not in sys.modules\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
