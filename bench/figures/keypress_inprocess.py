"""2. A triage keypress in-process, headless, on the backlog and the inbox; the switch to the
inbox; the garbage collector meanwhile."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import gc
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import BenchContext, Figure, Report, median, ms, perf, spread
from headless import Headless, headless_app

SCREENS = ("backlog", "inbox")


@dataclass
class Presses:
    """The keys pressed on one screen (times in ms)."""

    loop: list[float] = field(default_factory=list)  # key event -> last repaint
    first: list[float] = field(default_factory=list)  # key event -> first repaint
    refreshes: list[int] = field(default_factory=list)
    direct: list[float] = field(default_factory=list)  # action + render visible lines
    action: list[float] = field(default_factory=list)  # action alone
    render: list[float] = field(default_factory=list)  # visible lines alone
    save: list[float] = field(default_factory=list)  # Repository.save inside the action
    pilot: list[float] = field(default_factory=list)  # pilot.press + pilot.pause


@dataclass
class Run:
    """One run of the app on one database."""

    screens: dict[str, Presses] = field(default_factory=dict)
    #: key -> (first, last) repaint of the screen it shows (ms), each time it is pressed
    switches: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    gen2: list[float] = field(default_factory=list)  # gen-2 GC pauses during the keys
    full_gc: list[float] = field(default_factory=list)  # gc.collect(), project loaded
    frozen_gc: list[float] = field(default_factory=list)  # the same after gc.freeze()


def _changed(h: Headless, revision: int, log: list[float], count: int) -> bool:
    """The key's change is made and painted."""
    return bool(h.repo.revision != revision and len(log) > count)


async def _presses(
    h: Headless, run: Run, name: str, table: Any | None, n: int, keys: Iterator[str]
) -> None:
    """``n`` keys posted as the terminal driver would, ``n`` actions called directly, then a
    few through the pilot; each key (w q s a ...) moves the experiment to another quadrant."""
    from textual import events

    from iterate_tui.domain.enums import Quadrant

    targets = {
        "w": Quadrant.QUICK_WIN,
        "q": Quadrant.MOONSHOT,
        "s": Quadrant.INCREMENTAL,
        "a": Quadrant.AVOID,
    }
    presses = run.screens.setdefault(name, Presses())
    screen = h.app.screen
    log = h.instrument(screen)
    await h.settle()
    for _ in range(n):
        key = next(keys)
        revision = h.repo.revision
        del h.save_log[:]
        count = len(log)
        t0 = perf()
        h.driver.send_message(events.Key(key, key))
        await h.quiet(functools.partial(_changed, h, revision, log, count), log)
        if h.repo.revision == revision or len(log) == count:
            raise RuntimeError(f"{name}: key {key!r} changed nothing")
        presses.first.append(ms(log[count] - t0))
        presses.loop.append(ms(log[-1] - t0))
        presses.refreshes.append(len(log) - count)
        presses.save.extend(h.save_log)
    for _ in range(n):
        key = next(keys)
        t0 = perf()
        screen.action_triage(targets[key].value)
        t1 = perf()
        if table is not None:
            for y in range(table.size.height):
                table.render_line(y)
        else:  # the inbox: render its widgets' lines (the card is a TextView)
            for widget in screen.query("#inbox Static, #inbox TextView"):
                widget.render_lines(widget.region.reset_offset)
        t2 = perf()
        presses.action.append(ms(t1 - t0))
        presses.render.append(ms(t2 - t1))
        presses.direct.append(ms(t2 - t0))
        await h.settle()
    for _ in range(min(n, 8)):
        t0 = perf()
        await h.pilot.press(next(keys))
        await h.pilot.pause()
        presses.pilot.append(ms(perf() - t0))


async def _run(db: Path, n: int) -> Run:
    run = Run()
    gc_started: list[float] = []
    gc_pauses: list[tuple[int, float]] = []

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            gc_started.append(perf())
        elif gc_started:
            gc_pauses.append((info["generation"], ms(perf() - gc_started.pop())))

    keys = ("wqsa"[i % 4] for i in range(10**9))
    async with headless_app(db) as h:
        from iterate_tui.domain.enums import Quadrant, Status
        from iterate_tui.domain.matrix import quadrant

        gc.callbacks.append(on_gc)
        try:
            # Backlog: the cursor on a triaged backlog row near the top, then w q s a ...
            table = h.app.screen.table
            settings = h.repo.settings()
            row = next(
                e
                for e in table.rows
                if e.status is Status.BACKLOG and quadrant(e, settings) is not Quadrant.QUICK_WIN
            )
            table.select_id(row.id)
            await h.settle()
            await _presses(h, run, "backlog", table, n, keys)
            # The key 2 (first time: the inbox screen is built) and 1 (back to the backlog).
            for key, shown in (
                ("2", "TriageScreen"),
                ("1", "BacklogScreen"),
                ("2", "TriageScreen"),
            ):
                run.switches.setdefault(key, []).append(await h.switch(key, shown))
            await h.settle()
            # Inbox: each key triages the idea on screen; the next one takes its place.
            await _presses(h, run, "inbox", None, n, keys)
            gc.callbacks.remove(on_gc)
            run.gen2 = [p for g, p in gc_pauses if g == 2]
            for _ in range(3):
                start = perf()
                gc.collect()
                run.full_gc.append(ms(perf() - start))
            gc.freeze()
            for _ in range(3):
                start = perf()
                gc.collect()
                run.frozen_gc.append(ms(perf() - start))
            gc.unfreeze()
        finally:
            with contextlib.suppress(ValueError):
                gc.callbacks.remove(on_gc)
    return run


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--presses", type=int, default=30, help="keypresses per screen")


def measure(ctx: BenchContext) -> Report:
    runs: dict[int, Run] = {}
    for n in ctx.sizes:
        runs[n] = asyncio.run(_run(ctx.copy(n), ctx.args.presses))
        for name in SCREENS:
            print(f"  {n:>7,} {name:<8} key->last repaint {spread(runs[n].screens[name].loop)}")
    report = Report()
    for name in SCREENS:
        r = [runs[n].screens[name] for n in ctx.sizes]
        report.row(f"  {name}: key event -> last repaint", [median(p.loop) for p in r], "<= 16 ms")
        report.row(f"  {name}: key event -> first repaint", [median(p.first) for p in r])
        report.row(
            f"  {name}: action + visible table lines"
            if name == "backlog"
            else f"  {name}: action + inbox lines",
            [median(p.direct) for p in r],
        )
        report.row("    of which the action", [median(p.action) for p in r])
        report.row("      of which the durable save", [median(p.save) for p in r])
        report.row("    of which drawing the lines", [median(p.render) for p in r])
    label = "switch to the inbox (key 2, 1st time, 1 sample)"
    report.row(f"  {label}: first repaint", [runs[n].switches["2"][0][0] for n in ctx.sizes])
    report.row(f"  {label}: last repaint", [runs[n].switches["2"][0][1] for n in ctx.sizes])
    report.row(
        "  back to the backlog (key 1): last repaint",
        [runs[n].switches["1"][0][1] for n in ctx.sizes],
    )
    report.row("  full GC pause, project loaded", [median(runs[n].full_gc) for n in ctx.sizes])
    report.row("  full GC pause after gc.freeze()", [median(runs[n].frozen_gc) for n in ctx.sizes])
    report.row(
        "  gen2 GCs during the keypresses (count)",
        [float(len(runs[n].gen2)) for n in ctx.sizes],
        unit="",
    )
    for n in ctx.sizes:
        for name in SCREENS:
            p = runs[n].screens[name]
            report.details += [
                f"  {n:>7,} {name:<7} last repaint      {spread(p.loop)}"
                f"  repaints/key {median(p.refreshes):.0f}",
                f"  {n:>7,} {name:<7} first repaint     {spread(p.first)}",
                f"  {n:>7,} {name:<7} action+lines      {spread(p.direct)}",
                f"  {n:>7,} {name:<7} pilot.press+pause {spread(p.pilot)}  (includes "
                ">= 60 ms of wait_for_idle sleeps: not a latency)",
            ]
        report.details.append(
            f"  {n:>7,} gen2 GC pauses during keypresses: "
            + (", ".join(f"{p:.0f}" for p in runs[n].gen2) or "none")
        )
    return report


FIGURE = Figure(
    "keypress_inprocess",
    "a triage keypress in-process, headless (backlog and inbox)",
    measure,
    add_arguments=add_arguments,
    imports_textual=True,
)
