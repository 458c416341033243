"""What-if: the launch through bench/launch_app.py --what-if-gc, which disables the cyclic
garbage collector while the project is read and then calls gc.freeze(). Not what the app
does: it measures a suggested fix."""

from __future__ import annotations

import argparse
import functools

from common import BenchContext, Figure, Launch, LaunchSample, Report, median_of, ratio_of, spread
from terminal import MINIMAL, app_command, launch_app, launch_series, minimal_launch


def _launch(ctx: BenchContext, n: int) -> LaunchSample:
    db = ctx.copy(n)
    return launch_app(db, False, argv=[*app_command(db, False), "--what-if-gc"])


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument(
        "--no-what-if", action="store_true", help="skip the launches that try the suggested GC fix"
    )


def launches(ctx: BenchContext) -> dict[str, Launch]:
    return minimal_launch()  # the ratio's base


def measure(ctx: BenchContext) -> Report:
    report = Report()
    if ctx.args.no_what_if:
        return report
    series = {
        n: launch_series(
            functools.partial(_launch, ctx, n),
            max(3, ctx.args.runs // 2),
            f"what-if gc.freeze, {n:,}",
        )
        for n in ctx.sizes
    }
    ready = [median_of(series[n], "ready") for n in ctx.sizes]
    min_ready = median_of(ctx.launched[MINIMAL], "ready")
    report.row("  what-if gc.freeze after load: key handled", ready, "", ratio_of(ready, min_ready))
    for n in ctx.sizes:
        report.details.append(
            f"  {n:>7,} what-if gc.freeze ready   {spread([s.ready for s in series[n]])}"
        )
    return report


FIGURE = Figure(
    "what_if",
    "what-if gc.freeze after load (a suggested fix)",
    measure,
    add_arguments=add_arguments,
    launches=launches,
)
