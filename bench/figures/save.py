"""3. The durable save of one change as the app makes it (``ProjectSession``: the rule, the
store's lock, staleness check, the experiment and its journal entry in one TinyDB change,
serialization, writing the whole file, fdatasync/fsync, renames, fsync of the folder), at a
person's pace and back to back; then on the same data its steps one by one (save_steps.py),
a log's append for comparison and the session backup."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from common import BenchContext, Figure, Report, median, ms, perf, spread

from figures import save_steps

#: Between two saves "at a person's pace" (also longer than atomic.SPARE_COOL, the wait where
#: file leases cannot tell whether the spare is open).
SAVE_PAUSE = 1.2


def _measure_one(db: Path, repeats: int, paced: int = 10) -> dict[str, list[float]]:
    """A nudge saved through the session at a person's pace and back to back, then the
    save's steps one by one."""
    from datetime import UTC, datetime

    from iterate_tui.domain.enums import Status
    from iterate_tui.session import ProjectSession
    from iterate_tui.store import atomic, backups, codec, storage
    from iterate_tui.store.project import ProjectStore
    from iterate_tui.store.repository import Repository

    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    out: dict[str, list[float]] = {k: [] for k in ("save_paced", "save_burst", "journal", "backup")}
    into_spare = [0]
    overwrite = atomic._overwrite

    def counting(*args: Any) -> None:
        into_spare[0] += 1
        overwrite(*args)

    atomic._overwrite = counting  # type: ignore[assignment]
    store = ProjectStore.open(db)
    try:
        repo = Repository(store)
        session = ProjectSession(repo, lambda: now)
        exp = next(
            e
            for e in repo.experiments()
            if e.status is Status.BACKLOG and e.probability is not None and e.probability < 1
        )

        def save(i: int) -> float:
            nonlocal exp
            start = perf()
            exp = session.nudge_probability(exp.id, -1 if i % 2 == 0 else 1)
            return ms(perf() - start)

        save(0)  # the first save of a process may have no spare yet
        for kind, count, pause in (("paced", paced, SAVE_PAUSE), ("burst", repeats, 0.0)):
            before = into_spare[0]
            for i in range(count):
                time.sleep(pause)
                out[f"save_{kind}"].append(save(i + 1))
            out[f"spare_{kind}"] = [float(into_spare[0] - before)]
        out.update(save_steps.measure_steps(store, db, paced, SAVE_PAUSE))
        # The alternative a journal would pay: append one changed document (~1 KB), fsync.
        record = storage.serialize({"experiments": {str(exp.id): codec.experiment_to_doc(exp)}})
        journal = db.with_name("journal.log")
        fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            for _ in range(repeats):
                start = perf()
                os.write(fd, record + b"\n")
                os.fsync(fd)
                out["journal"].append(ms(perf() - start))
        finally:
            os.close(fd)
        out["record_bytes"] = [float(len(record))]
        # The session backup the real command takes at every launch (a full copy).
        for _ in range(3):
            start = perf()
            backups.take_backup(db, "session")
            out["backup"].append(ms(perf() - start))
    finally:
        atomic._overwrite = overwrite
        store.close()
    return out


def add_arguments(group: argparse._ArgumentGroup) -> None:
    group.add_argument("--saves", type=int, default=30, help="saves in a row")


def measure(ctx: BenchContext) -> Report:
    saves: dict[int, dict[str, list[float]]] = {}
    for n in ctx.sizes:
        saves[n] = _measure_one(ctx.copy(n), ctx.args.saves)
        print(f"  {n:>7,}: Repository.save, paced   {spread(saves[n]['save_paced'])}")
        print(f"  {n:>7,}: Repository.save, in a row {spread(saves[n]['save_burst'])}")
    s = [saves[n] for n in ctx.sizes]
    report = Report()
    report.row(
        f"3 durable save of one change, {SAVE_PAUSE} s apart",
        [median(x["save_paced"]) for x in s],
        "<= 5 ms",
    )
    report.row("  saves in a row (back to back)", [median(x["save_burst"]) for x in s])
    report.row(
        "  of the paced saves, into the spare (count)", [x["spare_paced"][0] for x in s], unit=""
    )
    report.row("  of the saves in a row, into the spare", [x["spare_burst"][0] for x in s], unit="")
    save_steps.add_rows(report, s)
    report.row("  journal alternative: append 1 doc + fsync", [median(x["journal"]) for x in s])
    report.row(
        "  session backup (full copy; a thread after the 1st frame)",
        [median(x["backup"]) for x in s],
    )
    for n, x in zip(ctx.sizes, s, strict=True):
        report.details += [
            f"  {n:>7,} save, paced               {spread(x['save_paced'])}",
            f"  {n:>7,} save, in a row            {spread(x['save_burst'])}",
        ]
        for key, label in (
            ("spare_write", "spare: write"),
            ("spare_sync", "spare: fdatasync"),
            ("spare_renames", "spare: renames + dir"),
            ("write_atomic", "fresh file, all"),
        ):
            report.details.append(f"  {n:>7,} {label:<25} {spread(x[key])}")
        report.details.append(
            f"  {n:>7,} journal append + fsync    {spread(x['journal'])}"
            f"  ({x['record_bytes'][0]:.0f} bytes)"
        )
    return report


FIGURE = Figure(
    "save",
    "the durable save of one change",
    measure,
    add_arguments=add_arguments,
)
