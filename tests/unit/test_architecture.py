"""What import-linter (the contracts in pyproject.toml, run by test_code_quality) cannot
see, read from the source with ``ast``: the domain, the store and the analysis import
scikit-learn, NumPy and plotext lazily (inside functions), so opening a project stays
fast. A run-time check in a fresh interpreter confirms what importing those layers pulls
in. The layers themselves (who may import whom) are import-linter's contracts.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "iterate_tui"

CORE = ("domain", "store", "analysis")
UI = ("screens", "widgets", "app.py")
HEAVY = ("sklearn", "numpy", "plotext", "scipy", "pandas")


@dataclass(frozen=True)
class Import:
    file: Path
    line: int
    module: str  # absolute dotted name
    top_level: bool  # runs when the module is imported

    def __str__(self) -> str:
        return f"{self.file.relative_to(PACKAGE.parent)}:{self.line} imports {self.module}"


def sources(*parts: str) -> list[Path]:
    """The Python files of the named sub-packages / modules that exist."""
    found: list[Path] = []
    for part in parts:
        path = PACKAGE / part
        if path.is_dir():
            found.extend(sorted(path.rglob("*.py")))
        elif path.is_file():
            found.append(path)
    return found


def _module_name(file: Path) -> str:
    rel = file.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(file: Path, node: ast.ImportFrom) -> str:
    if node.level == 0:
        return node.module or ""
    package = _module_name(file).split(".")
    if file.name != "__init__.py":
        package.pop()
    base = package[: len(package) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(file: Path, source: str | None = None) -> Iterator[Import]:
    """Every import in ``file`` (or in ``source`` read as if it were that file)."""
    code = file.read_text(encoding="utf-8") if source is None else source
    tree = ast.parse(code, filename=str(file))

    def walk(nodes: list[ast.stmt], top: bool) -> Iterator[Import]:
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(file, node.lineno, alias.name, top)
            elif isinstance(node, ast.ImportFrom):
                module = _resolve(file, node)
                yield Import(file, node.lineno, module, top)
                # "from iterate_tui import screens" names a sub-module too.
                for alias in node.names:
                    yield Import(file, node.lineno, f"{module}.{alias.name}", top)
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                yield from walk(list(ast.iter_child_nodes(node)), False)  # type: ignore[arg-type]
            elif isinstance(node, ast.If) and _is_type_checking(node.test):
                # Only read by type checkers; never runs.
                yield from walk(node.body, False)
                yield from walk(node.orelse, top)
            else:
                children = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt)]
                yield from walk(children, top)

    yield from walk(tree.body, True)


def _is(module: str, *roots: str) -> bool:
    return any(module == root or module.startswith(f"{root}.") for root in roots)


def violations(files: list[Path], *roots: str, top_level_only: bool = False) -> list[str]:
    return [
        str(imp)
        for file in files
        for imp in imports(file)
        if _is(imp.module, *roots) and (imp.top_level or not top_level_only)
    ]


# -- the helpers themselves ----------------------------------------------------------------


def test_the_checker_sees_every_kind_of_import() -> None:
    as_file = PACKAGE / "domain" / "lifecycle.py"
    code = """
import textual
import textual.app as app
from textual.widgets import Static
from tinydb import TinyDB
from . import text
from ..store import codec
from .. import screens
if TYPE_CHECKING:
    import numpy
try:
    import plotext
except ImportError:
    pass
class K:
    import sklearn.base
def f():
    import numpy as np
"""
    found = {(i.module, i.top_level) for i in imports(as_file, code)}
    assert ("textual", True) in found
    assert ("textual.app", True) in found
    assert ("textual.widgets", True) in found
    assert ("tinydb", True) in found
    assert ("iterate_tui.domain.text", True) in found
    assert ("iterate_tui.store", True) in found
    assert ("iterate_tui.screens", True) in found
    assert ("numpy", False) in found  # TYPE_CHECKING and inside f
    assert ("numpy", True) not in found
    assert ("plotext", True) in found
    assert ("sklearn.base", True) in found


def test_the_layers_exist() -> None:
    assert sources("domain") and sources("store")
    assert sources("screens") and sources("widgets") and sources("app.py")


# -- the rules ----------------------------------------------------------------------------


def test_core_imports_heavy_libraries_lazily() -> None:
    assert violations(sources(*CORE), *HEAVY, top_level_only=True) == []


def test_importing_the_core_pulls_in_no_ui_and_no_heavy_library() -> None:
    modules = [
        _module_name(f)
        for f in sources(*CORE)
        if f.name != "__main__.py"  # a __main__ would run
    ]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        f"bad = sorted({{m.split('.')[0] for m in sys.modules}} & {{'textual', 'textual_plotext', "
        f"*{HEAVY!r}}})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
