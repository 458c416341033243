"""2. A triage key in a real terminal, in each launch of the app (see terminal.app_launch):
--pty-presses keys in the inbox (each sends the idea on screen to a quadrant: the key
written -> the next "Idea 1 of N-1" read back), then as many in the backlog (the selected
experiment from quadrant to quadrant: the key -> the new quadrant in the detail pane)."""

from __future__ import annotations

from common import BenchContext, Figure, Launch, Report, median, spread
from terminal import app_label, app_launch


def launches(ctx: BenchContext) -> dict[str, Launch]:
    configs: dict[str, Launch] = {}
    for n in ctx.sizes:
        configs.update(app_launch(ctx, n))
    return configs


def measure(ctx: BenchContext) -> Report:
    inbox = {n: [p for s in ctx.launched[app_label(n)] for p in s.presses] for n in ctx.sizes}
    backlog = {
        n: [p for s in ctx.launched[app_label(n)] for p in s.backlog_presses] for n in ctx.sizes
    }
    report = Report()
    report.row(
        "2 triage key -> repainted, real terminal*",
        [median(inbox[n]) for n in ctx.sizes],
        "<= 16 ms",
    )
    report.row(
        "  backlog triage key, real terminal*", [median(backlog[n]) for n in ctx.sizes], "<= 16 ms"
    )
    report.notes.append(
        "* real terminal: the key written to the pty -> the change read back (includes "
        "the durable save and the terminal output). Inbox: the next 'Idea 1 of N'; "
        "backlog: the new quadrant in the detail pane."
    )
    for n in ctx.sizes:
        report.details += [
            f"  {n:>7,} pty triage keypress       {spread(inbox[n])}",
            f"  {n:>7,} pty backlog triage key    {spread(backlog[n])}",
        ]
    return report


FIGURE = Figure("keypress_terminal", "a triage key in a real terminal", measure, launches=launches)
