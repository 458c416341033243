"""4. The portfolio: its figures worked out (``portfolio_report``, what the screen's worker
and ``iterate-tui portfolio`` run), and the key 4 on the backlog to the portfolio drawn
with its figures (in process, headless: the key event to the first frame sent out after
the worker's report arrived). The first switch to a screen also pays Textual's CSS refresh
for a new mode; the second switch is timed too."""

from __future__ import annotations

import asyncio
import gc
import time
from datetime import date
from pathlib import Path
from typing import Any

from common import BenchContext, Figure, Report, median, ms, perf, spread
from headless import headless_app

REPEATS = 7
#: Apps started to time the first switch (each switch to a new screen happens once an app).
SWITCHES = 3


def _report_times(db: Path) -> list[float]:
    from iterate_tui.domain.portfolio import portfolio_report, report_to_json
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    store = ProjectStore.open(db)
    try:
        repo = Repository(store)
        experiments, settings = repo.experiments(), repo.settings()
        gc.freeze()  # as the app does once the project is loaded
        times = []
        for _ in range(REPEATS):
            start = perf()
            report_to_json(portfolio_report(experiments, settings, date(2026, 12, 1)))
            times.append(ms(perf() - start))
        return times
    finally:
        gc.unfreeze()
        store.close()


async def _key_to_drawn(db: Path) -> list[float]:
    """Key 4 from the backlog to the first frame with the figures, twice (the first time
    the screen is made, then shown again after a change on the backlog)."""
    from textual import events

    from iterate_tui.screens.portfolio import PortfolioScreen

    times: list[float] = []
    arrived: list[float] = []
    original = PortfolioScreen.watch_report

    def watch(self: Any, report: Any) -> None:
        original(self, report)
        if report is not None:
            arrived.append(perf())

    PortfolioScreen.watch_report = watch  # type: ignore[method-assign]
    try:
        async with headless_app(db) as h:
            for round_ in range(2):
                if round_:
                    h.driver.send_message(events.Key("1", "1"))
                    await asyncio.sleep(0.4)
                    h.driver.send_message(events.Key("a", "a"))  # a change: worked out again
                    await asyncio.sleep(0.4)
                del arrived[:], h.displayed[:]
                t0 = perf()
                h.driver.send_message(events.Key("4", "4"))
                deadline = time.monotonic() + 10
                while time.monotonic() < deadline:
                    await asyncio.sleep(0.01)
                    if arrived and any(
                        t > arrived[0] and name == "PortfolioScreen" for t, name in h.displayed
                    ):
                        break
                drawn = [t for t, name in h.displayed if name == "PortfolioScreen" and arrived]
                after = [t for t in drawn if arrived and t > arrived[0]]
                times.append(ms(after[0] - t0) if after else float("nan"))
    finally:
        PortfolioScreen.watch_report = original  # type: ignore[method-assign]
    return times


def measure(ctx: BenchContext) -> Report:
    report = Report()
    reports = [_report_times(ctx.bases[n]) for n in ctx.sizes]
    report.row("4 portfolio figures worked out (report + its JSON)", [median(r) for r in reports])
    keys = [[asyncio.run(_key_to_drawn(ctx.copy(n))) for _ in range(SWITCHES)] for n in ctx.sizes]
    firsts = [[k[0] for k in runs] for runs in keys]
    agains = [[k[1] for k in runs] for runs in keys]
    report.row(
        "  key 4 -> portfolio drawn with its figures (1st time)",
        [median(f) for f in firsts],
        target="100 ms at 10,000",
    )
    report.row("  key 4 -> portfolio drawn again after a change", [median(a) for a in agains])
    for n, times, first, again in zip(ctx.sizes, reports, firsts, agains, strict=True):
        report.details.append(f"  {n:>7,} portfolio report    {spread(times)}")
        report.details.append(f"  {n:>7,} key 4, 1st time     {spread(first)}")
        report.details.append(f"  {n:>7,} key 4, again        {spread(again)}")
    return report


FIGURE = Figure(
    "portfolio",
    "the portfolio: its figures, and the key to the screen drawn",
    measure,
    imports_textual=True,
)
