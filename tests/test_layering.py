"""screens → console services → db, with pure rules at the bottom (STYLE.md §4); one
folder per area in screens/, opened from each other only through screens/navigation.py;
no import circles (docs/architecture.md)."""

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


def files(*folders: str, root: Path = ROOT) -> list[Path]:
    return [p for folder in folders for p in sorted((root / folder).rglob("*.py"))]


# screens/ folders shared by every area; every other folder is an area of its own.
SHARED = {"widgets", "modals"}
# Top-level modules of screens/ that any area may import.
OPEN_TO_AREAS = {"host", "navigation", "validators", "messages"}


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def runtime_imports(path: Path, root: Path, known: set[str]) -> set[str]:
    """Our modules this one imports when it runs (lazy imports in functions count;
    `if TYPE_CHECKING:` blocks do not). `from pkg import mod` is an import of pkg.mod."""
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                for stmt in child.orelse:
                    visit_one(stmt)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*up, *([node.module] if node.module else [])])
            for alias in node.names:
                full = f"{base}.{alias.name}"
                if full in known:
                    found.add(full)
                elif base in known:
                    found.add(base)
        visit(node)

    visit(ast.parse(path.read_text(), filename=str(path)))
    found.discard(name)
    return found


def import_circles(root: Path, folders: tuple[str, ...]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan), sorted."""
    paths = {module_name(p, root): p for p in files(*folders, root=root)}
    graph = {name: runtime_imports(p, root, set(paths)) for name, p in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                connect(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                circles.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(circles)


def cross_area_imports(root: Path) -> list[str]:
    """Imports of one area's screens from outside that area, but for the navigation
    layer (type-only imports count too: they couple the areas just the same)."""
    screens = root / "screens"
    areas = {p.name for p in screens.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    areas -= SHARED
    found = []
    for path in files("screens", root=root):
        rel = path.relative_to(screens).parts
        own = rel[0] if len(rel) > 1 else None
        if own is None and rel[0] == "navigation.py":
            continue
        for name in imported_modules(path):
            parts = name.split(".")
            if parts[0] != "screens" or len(parts) < 2:
                continue
            target = parts[1]
            other_area = target in areas and target != own
            closed = own is not None and target not in areas | SHARED | OPEN_TO_AREAS
            if other_area or closed:
                found.append(f"screens/{'/'.join(rel)} imports {name}")
    return found


def offenders(paths: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in paths:
        for name in imported_modules(path):
            if any(name == f or name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_an_area_opens_another_only_through_the_navigation_layer() -> None:
    assert cross_area_imports(ROOT) == []


def test_no_import_circles() -> None:
    assert import_circles(ROOT, ("screens", "console", "db")) == []


def _tree(root: Path, modules: dict[str, str]) -> Path:
    for rel, text in modules.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def test_the_layering_checks_catch_a_bad_import(tmp_path: Path) -> None:
    """A test of the tests: the rules fail on the imports they exist to stop."""
    root = _tree(
        tmp_path,
        {
            "screens/__init__.py": "",
            "screens/navigation.py": "def go():\n    from screens.review.screen import R\n",
            "screens/host.py": "",
            "screens/widgets/__init__.py": "",
            "screens/widgets/table.py": "",
            "screens/review/__init__.py": "",
            "screens/review/screen.py": "from screens.widgets import table\nR = 1\n",
            "screens/patients/__init__.py": "",
            "screens/patients/summary.py": (
                "from screens import navigation\n"
                "def review():\n    from screens.review.screen import R\n"
            ),
            "screens/patients/list.py": "from screens.commands import X\n",
            "console/__init__.py": "",
            "console/a.py": "def f():\n    from console import b\n",
            "console/b.py": "from console.a import f\n",
            "console/c.py": (
                "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from console import a\n"
            ),
        },
    )
    assert cross_area_imports(root) == [
        "screens/patients/list.py imports screens.commands",
        "screens/patients/summary.py imports screens.review.screen",
    ]
    assert import_circles(root, ("screens", "console")) == [["console.a", "console.b"]]


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
