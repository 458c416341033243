"""Type-ahead: the key 2 written right after the fork (the terminal holds it until the app
reads it), three launches each of the minimal app and of the app at the two smallest sizes:
how many of those keys took effect."""

from __future__ import annotations

from common import BenchContext, Figure, LaunchSample, Report
from terminal import launch_app, launch_minimal


def measure(ctx: BenchContext) -> Report:
    runs: dict[str, list[LaunchSample]] = {
        "minimal": [launch_minimal(type_ahead=True) for _ in range(3)]
    }
    for n in ctx.all_sizes[:2]:  # the smallest two: enough to show it, and quick
        runs[f"{n:,}"] = [launch_app(ctx.copy(n), ctx.real, type_ahead=True) for _ in range(3)]
    ahead = []
    for label, samples in runs.items():
        handled = sum(s.ready == s.ready for s in samples)  # nan: the key was lost
        text = f"{label} {handled}/{len(samples)}"
        if handled < len(samples):
            into_filter = sum(s.lost_into_filter for s in samples)
            text += f" (lost; typed into the hidden filter box: {into_filter})"
        ahead.append(text)
    return Report(notes=["key typed at spawn (type-ahead) handled: " + ", ".join(ahead)])


FIGURE = Figure("type_ahead", "a key typed while the app starts", measure)
