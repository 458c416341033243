"""Performance benchmark of iterate-tui at 10,000 and 50,000 experiments.

    .venv/bin/python bench/run.py [--sizes 10000 50000] [--runs 7] [--only NAME[,NAME]] [--keep]

Prints medians measured on this machine, one module of figures/ per figure (bench/README.md
says what each includes and how to add one):

1. launch: the real command in a pseudo-terminal (120x40, TERM=xterm-256color), from spawn
   to the backlog's first text ("shown of"), and to a key handled (the down arrow, written
   as soon as the backlog shows), then the key 2 -> the triage inbox; the same for a minimal
   Textual app, launched in the same rounds, so the figure is also a ratio; plus whether a
   key typed at spawn is handled, and what start-up imports;
2. a triage keypress to the repainted screen: in the real terminal (the key -> the new text
   read back) and in-process headless (backlog and inbox: key event -> first / last
   repaint, and the action + drawing the visible lines); every triage includes its save;
3. the durable save of one change (Repository.save: serialize, write into the spare file,
   fdatasync, renames, fsync of the folder), at a person's pace and back to back, with the
   serialization and the file operations of both write paths timed separately.

Databases are built through the real store in a temporary folder, removed at the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import figures
from common import (
    COLS,
    REPO,
    ROWS,
    BenchContext,
    Figure,
    Launch,
    Report,
    build_databases,
    filesystem_of,
    perf,
    print_table,
)
from terminal import describe_command, launch_rounds, real_command_works


def parse_args(argv: Sequence[str] | None, registry: Sequence[Figure]) -> argparse.Namespace:
    names = [f.name for f in registry]

    def only(value: str) -> list[str]:
        chosen = [name.strip() for name in value.split(",") if name.strip()]
        unknown = sorted(set(chosen) - set(names))
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"figures are: {', '.join(names)}")
        return chosen

    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--runs", type=int, default=7, help="launches per configuration")
    parser.add_argument(
        "--pty-presses",
        type=int,
        default=10,
        help="triage keypresses in the real terminal, per launch",
    )
    parser.add_argument(
        "--reference-size",
        type=int,
        default=100,
        help="a small project, to separate the app's fixed cost (0: skip)",
    )
    parser.add_argument(
        "--only",
        type=only,
        metavar="NAME[,NAME]",
        help=f"measure only these figures ({', '.join(names)}); the launches they need run",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    for figure in registry:
        if figure.add_arguments is not None:
            figure.add_arguments(parser.add_argument_group(f"{figure.name}: {figure.title}"))
    return parser.parse_args(argv)


def measure(ctx: BenchContext, selected: Sequence[Figure]) -> list[Report]:
    """The launches every selected figure needs, in rounds; then each figure (those that
    import Textual last), its reports in the registry's order."""
    # As on any installed copy, the app's bytecode is cached before it is timed.
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(REPO / "iterate_tui")], check=True
    )
    print("  bytecode: compiled first (PYTHONDONTWRITEBYTECODE is dropped for the app)")
    configs: dict[str, Launch] = {}
    for figure in selected:
        if figure.launches is not None:
            for label, launch in figure.launches(ctx).items():
                configs.setdefault(label, launch)
    # Launches first, before this process imports Textual (a smaller parent forks faster),
    # in rounds: the minimal app, then each configuration of the app, again and again.
    ctx.launched = launch_rounds(configs, ctx.args.runs) if configs else {}
    reports: dict[str, Report] = {}
    for figure in sorted(selected, key=lambda f: f.imports_textual):
        print(f"\n[{figure.name}] {figure.title}")
        reports[figure.name] = figure.measure(ctx)
    return [reports[f.name] for f in selected]


def print_results(ctx: BenchContext, reports: Sequence[Report]) -> None:
    print_table(ctx.sizes, [row for r in reports for row in r.rows])
    for report in reports:
        for line in report.notes:
            print(line)
    print(
        "database file: "
        + ", ".join(
            f"{n:,} -> {ctx.bases[n].stat().st_size / 1e6:.1f} MB "
            f"({ctx.bases[n].stat().st_size / n:,.0f} B/experiment)"
            for n in ctx.sizes
        )
    )
    print(f"launch command: {describe_command(ctx.real)}")
    details = [line for report in reports for line in report.details]
    if details:
        print("\ndetails (ms):")
        print("\n".join(details))


def main(argv: Sequence[str] | None = None) -> int:
    registry = figures.load()
    args = parse_args(argv, registry)
    selected = [f for f in registry if args.only is None or f.name in args.only]
    began = perf()
    folder = Path(tempfile.mkdtemp(prefix="iterate-tui-bench-"))
    print(
        f"iterate-tui benchmark · {os.cpu_count()} CPUs · Python {sys.version.split()[0]} · "
        f"terminal {COLS}x{ROWS} · runs={args.runs} · load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )
    print(f"working folder: {folder} ({filesystem_of(folder)})")
    try:
        print("\n[databases]")
        sizes = list(args.sizes)
        all_sizes = sorted(set(sizes + ([args.reference_size] if args.reference_size else [])))
        bases = build_databases(folder, all_sizes)
        ctx = BenchContext(args, folder, sizes, all_sizes, bases, real_command_works())
        print(f"\n[launches] command: {describe_command(ctx.real)}")
        print_results(ctx, measure(ctx, selected))
        print(f"\ntotal benchmark time {perf() - began:.0f} s")
    finally:
        if args.keep:
            print(f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
