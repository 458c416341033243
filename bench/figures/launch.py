"""1. Launch in a real terminal: spawn -> the backlog's first text, -> drawn and a key
handled (down), then the key 2 -> the inbox shown; next to the minimal Textual app launched
in the same rounds, at the app's frame cap too, and the app without its start-up reader."""

from __future__ import annotations

import functools

from common import BenchContext, Figure, Launch, LaunchSample, Report, median_of, ratio_of, spread
from terminal import MINIMAL, app_label, app_launch, launch_app, launch_minimal, minimal_launch

from iterate_tui.cli.main import FRAME_RATE

#: The app raises Textual's frame cap (cli.main.FRAME_RATE): the same for the floor.
MINIMAL_FPS = f"minimal app at {FRAME_RATE} fps"


def no_prefetch_label(n: int) -> str:
    return f"no start-up reader, {n:,}"


def _without_prefetch(ctx: BenchContext, n: int) -> LaunchSample:
    return launch_app(ctx.copy(n), ctx.real, env_extra={"ITERATE_TUI_NO_PREFETCH": "1"})


def launches(ctx: BenchContext) -> dict[str, Launch]:
    configs = minimal_launch()
    configs[MINIMAL_FPS] = lambda: launch_minimal(env_extra={"TEXTUAL_FPS": str(FRAME_RATE)})
    for n in ctx.all_sizes:
        configs.update(app_launch(ctx, n))
    # The same launch without the start-up reader (see iterate_tui/store/prefetch.py).
    for n in ctx.sizes:
        configs[no_prefetch_label(n)] = functools.partial(_without_prefetch, ctx, n)
    return configs


def measure(ctx: BenchContext) -> Report:
    minimal = ctx.launched[MINIMAL]
    app = {n: ctx.launched[app_label(n)] for n in ctx.all_sizes}
    min_first = median_of(minimal, "first")
    min_ready = median_of(minimal, "ready")
    same = len(ctx.sizes)
    ready = [median_of(app[n], "ready") for n in ctx.sizes]
    first = [median_of(app[n], "first") for n in ctx.sizes]
    report = Report()
    report.row(
        "1 launch -> backlog drawn + a key handled (down)",
        ready,
        "<= 300 ms",
        ratio_of(ready, min_ready),
    )
    report.row("  launch -> first backlog text", first, "", ratio_of(first, min_first))
    report.row(
        "  then key 2 -> the inbox shown (1st time)",
        [median_of(app[n], "inbox") for n in ctx.sizes],
    )
    report.row("  minimal Textual app: key handled", [min_ready] * same, "(~210 ms)", "1.00x")
    report.row("  minimal Textual app: first text", [min_first] * same, "", "1.00x")
    fps_ready = median_of(ctx.launched[MINIMAL_FPS], "ready")
    report.row(
        f"  minimal app at the app's {FRAME_RATE} fps: key handled",
        [fps_ready] * same,
        "",
        ratio_of([fps_ready], min_ready),
    )
    np_ready = [median_of(ctx.launched[no_prefetch_label(n)], "ready") for n in ctx.sizes]
    report.row(
        "  without the start-up reader: key handled",
        np_ready,
        "",
        ratio_of(np_ready, min_ready),
    )
    if ctx.args.reference_size:
        ref_ready = median_of(app[ctx.args.reference_size], "ready")
        report.row(
            f"  same app, {ctx.args.reference_size} experiments: key handled",
            [ref_ready] * same,
            "",
            ratio_of([ref_ready], min_ready),
        )
    report.details.append(
        f"  minimal app key handled          {spread([s.ready for s in minimal])}"
    )
    for n in ctx.all_sizes:
        report.details += [
            f"  {n:>7,} launch key handled        {spread([s.ready for s in app[n]])}",
            f"  {n:>7,} launch first text         {spread([s.first for s in app[n]])}",
        ]
    return report


FIGURE = Figure("launch", "launch in a real terminal", measure, launches=launches)
