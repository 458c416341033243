"""For comparison: TinyDB's default JSONStorage doing the save's one-document update (it
re-reads and rewrites the whole file)."""

from __future__ import annotations

from pathlib import Path

from common import BenchContext, Figure, Report, median, ms, perf


def _updates(db: Path, repeats: int) -> list[float]:
    from tinydb import TinyDB

    times = []
    with TinyDB(db) as tdb:
        table = tdb.table("experiments")
        doc_id = int(next(iter(tdb.storage.read()["experiments"])))
        for i in range(repeats):
            start = perf()
            table.update({"probability": 0.5 + 0.05 * (i % 2)}, doc_ids=[doc_id])
            times.append(ms(perf() - start))
    return times


def measure(ctx: BenchContext) -> Report:
    report = Report()
    report.row(
        "  TinyDB JSONStorage update (comparison)",
        [median(_updates(ctx.copy(n), 5 if n <= 20_000 else 3)) for n in ctx.sizes],
        "(~80 ms)",
    )
    return report


FIGURE = Figure("tinydb_update", "TinyDB's default storage doing the same update", measure)
