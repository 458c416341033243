"""bench/run.py finds its figures and each has the common interface (nothing is measured)."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
BENCH_MODULES = {"run", "common", "terminal", "headless", "build_db", "figures"}


@pytest.fixture
def run(monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """bench/run.py imported as when it runs as a script (bench/ first on sys.path); its
    modules are forgotten afterwards, their names being generic."""
    monkeypatch.syspath_prepend(str(BENCH))
    yield importlib.import_module("run")
    for name in list(sys.modules):
        if name.split(".")[0] in BENCH_MODULES:
            del sys.modules[name]


def test_every_figure_module_is_registered(run: ModuleType) -> None:
    defined = {
        path.stem
        for path in (BENCH / "figures").glob("*.py")
        if hasattr(importlib.import_module(f"figures.{path.stem}"), "FIGURE")
    }
    assert defined == set(run.figures.NAMES)


def test_figures_share_one_interface(run: ModuleType) -> None:
    figures = run.figures.load()
    assert len({f.name for f in figures}) == len(figures)
    for figure in figures:
        assert isinstance(figure, run.Figure)
        assert figure.title
        assert callable(figure.measure)
        for hook in (figure.add_arguments, figure.launches):
            assert hook is None or callable(hook)


def test_options_and_their_defaults(run: ModuleType) -> None:
    registry = run.figures.load()
    args = run.parse_args([], registry)
    assert vars(args) == {
        "sizes": [10_000, 50_000],
        "runs": 7,
        "pty_presses": 10,
        "reference_size": 100,
        "only": None,
        "keep": False,
        "no_what_if": False,
        "presses": 30,
        "saves": 30,
    }
    assert run.parse_args(["--only", "save,open"], registry).only == ["save", "open"]


def test_only_rejects_an_unknown_figure(
    run: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        run.parse_args(["--only", "save,nope"], run.figures.load())
    assert "figures are: launch, " in capsys.readouterr().err


def test_help_lists_every_figure_and_its_options(
    run: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    registry = run.figures.load()
    with pytest.raises(SystemExit):
        run.parse_args(["--help"], registry)
    text = " ".join(capsys.readouterr().out.split())
    for figure in registry:
        assert figure.name in text
        if figure.add_arguments is not None:
            assert f"{figure.name}: {figure.title}:" in text
    for option in ("--sizes", "--runs", "--presses", "--saves", "--pty-presses", "--keep"):
        assert option in text
