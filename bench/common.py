"""What every figure shares: timing and statistics, the databases, the context a figure is
measured in, what it reports, and the summary table."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import build_db  # noqa: E402  (bench/ is on sys.path when run as a script)

COLS, ROWS = 120, 40

perf = time.perf_counter


def ms(seconds: float) -> float:
    return seconds * 1000.0


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def spread(values: Sequence[float]) -> str:
    if not values:
        return "n/a"
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return (
        f"median {median(values):7.1f}  min {ordered[0]:7.1f}  p90 {p90:7.1f}  "
        f"max {ordered[-1]:7.1f} ms  (n={len(values)})"
    )


def fmt(value: float | None, unit: str = "ms") -> str:
    if value is None or value != value:
        return "n/a"
    return f"{value:,.1f} {unit}"


def ratio_of(values: Sequence[float], base: float) -> str:
    return " / ".join(f"{v / base:.2f}x" for v in values)


# -- databases ------------------------------------------------------------------------------
def build_databases(folder: Path, sizes: Sequence[int]) -> dict[int, Path]:
    paths = {}
    for n in sizes:
        start = perf()
        path = folder / f"base-{n}" / "project.json"
        path.parent.mkdir()
        build_db.build(path, n)
        print(
            f"  built {n:>7,} experiments: {path.stat().st_size / 1e6:5.1f} MB "
            f"in {perf() - start:4.1f} s"
        )
        paths[n] = path
    return paths


def filesystem_of(path: Path) -> str:
    """The file system type holding ``path`` (fsync costs depend on it)."""
    best, kind = "", "?"
    with contextlib.suppress(OSError), open("/proc/mounts") as mounts:
        for line in mounts:
            parts = line.split()
            if len(parts) > 2 and str(path).startswith(parts[1]) and len(parts[1]) > len(best):
                best, kind = parts[1], f"{parts[2]} on {parts[0]}"
    return kind


# -- what a figure is measured with, and what it reports ------------------------------------
@dataclass
class LaunchSample:
    first: float  # spawn -> first screen text (ms)
    ready: float  # spawn -> the key handled (ms); nan if the key was lost
    presses: list[float] = field(default_factory=list)  # inbox triage keys (ms)
    backlog_presses: list[float] = field(default_factory=list)  # backlog triage keys (ms)
    lost_into_filter: bool = False
    inbox: float = float("nan")  # the key 2 written -> the inbox shown, first time (ms)


def median_of(samples: Sequence[LaunchSample], attr: str) -> float:
    return median([getattr(s, attr) for s in samples])


#: One launch of a configuration (a command on a fresh pseudo-terminal, timed).
Launch = Callable[[], LaunchSample]


@dataclass
class BenchContext:
    """The options, the databases and the interleaved launches, for every figure."""

    args: argparse.Namespace
    folder: Path
    sizes: list[int]  # --sizes: the columns of the table
    all_sizes: list[int]  # the same with --reference-size, ascending
    bases: dict[int, Path]  # size -> its database (never changed: measure on a copy)
    real: bool  # `python -m iterate_tui` works (else bench/launch_app.py stands in)
    #: label -> one sample per round, for every launch a selected figure asked for
    launched: dict[str, list[LaunchSample]] = field(default_factory=dict)
    _copies: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def copy(self, n: int) -> Path:
        """A private copy of the database of ``n`` experiments (a change made by one
        measurement stays there)."""
        base = self.bases[n]
        folder = self.folder / f"copy-{next(self._copies)}"
        folder.mkdir()
        target = folder / base.name
        shutil.copyfile(base, target)
        os.chmod(target, 0o600)
        return target


@dataclass
class Row:
    """A line of the summary table: one value per size (None or nan print as n/a)."""

    metric: str
    values: Sequence[float | None]
    target: str = ""
    ratio: str = ""
    unit: str = "ms"


@dataclass
class Report:
    """What a figure prints once everything is measured."""

    rows: list[Row] = field(default_factory=list)  # in the summary table
    notes: list[str] = field(default_factory=list)  # the lines below it
    details: list[str] = field(default_factory=list)  # under "details (ms)": the spreads

    def row(
        self,
        metric: str,
        values: Sequence[float | None],
        target: str = "",
        ratio: str = "",
        unit: str = "ms",
    ) -> None:
        self.rows.append(Row(metric, values, target, ratio, unit))


@dataclass(frozen=True)
class Figure:
    """One figure of the benchmark; each module of figures/ defines one as ``FIGURE``."""

    name: str  # what --only takes
    title: str
    measure: Callable[[BenchContext], Report]
    #: its own command-line options, in a group of --help named after it
    add_arguments: Callable[[argparse._ArgumentGroup], None] | None = None
    #: the launches it needs in the interleaved rounds, by label; a label another figure
    #: also asks for is the same launch (its samples serve both)
    launches: Callable[[BenchContext], dict[str, Launch]] | None = None
    #: measured in this process with Textual imported: measured after every other figure
    #: (the launches then fork from a parent without Textual, and the store's figures run
    #: without it loaded), wherever it stands in the table
    imports_textual: bool = False


# -- the summary table ----------------------------------------------------------------------
def print_table(sizes: Sequence[int], rows: Sequence[Row]) -> None:
    cells = [(r.metric, [fmt(v, r.unit) for v in r.values], r.target, r.ratio) for r in rows]
    header = ["metric", *[f"{n:,}" for n in sizes], "target", "vs minimal app"]
    widths = [max(len(header[0]), *(len(c[0]) for c in cells))]
    for i in range(len(sizes)):
        widths.append(max(len(header[i + 1]), *(len(c[1][i]) for c in cells)))
    widths.append(max(len(header[-2]), *(len(c[2]) for c in cells)))

    def render(metric: str, values: list[str], target: str, ratio: str) -> str:
        return "  ".join(
            [metric.ljust(widths[0])]
            + [v.rjust(w) for v, w in zip(values, widths[1:-1], strict=True)]
            + [target.ljust(widths[-1]), ratio]
        ).rstrip()

    title = render(header[0], header[1:-2], header[-2], header[-1])
    print("\n" + "=" * len(title))
    print("RESULTS (medians, this machine)")
    print("=" * len(title))
    print(title)
    print("-" * len(title))
    for metric, values, target, ratio in cells:
        print(render(metric, values, target, ratio))
    print("-" * len(title))
