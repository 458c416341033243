"""Part of the save figure (figures/save.py): a save's steps one by one, on a scratch pair
(project file + spare) beside the project, each after the same pause.

The spare's path (as ``atomic.write_atomic(recycle=True)`` takes it), then a fresh temp
file's (the path when the spare is open elsewhere, or without leases within SPARE_COOL of
the previous save); and first the serialization with the store's cache, what a save pays.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from common import Report, median, ms, perf

KEYS = (
    "serialize",
    "spare_write",
    "spare_sync",
    "spare_renames",
    "write_atomic",
    "write",
    "fsync",
    "replace",
    "fsync_dir",
)


def measure_steps(store: Any, db: Path, repeats: int, pause: float) -> dict[str, list[float]]:
    """``repeats`` times each step (ms), on the documents of the open ``store`` of ``db``."""
    from iterate_tui.store import atomic, storage

    out: dict[str, list[float]] = {k: [] for k in KEYS}
    data = store.storage.read()
    cache = store.storage.cache
    payload = storage.serialize(data, cache)
    scratch = db.with_name("scratch.json")
    spare = atomic.spare_path(scratch)
    scratch.write_bytes(payload)
    spare.write_bytes(payload)
    for _ in range(repeats):
        time.sleep(pause)
        start = perf()
        storage.serialize(data, cache)
        out["serialize"].append(ms(perf() - start))

        time.sleep(pause)
        t0 = perf()
        parts = storage.serialize_parts(data, cache)
        fd = os.open(spare, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        os.fstat(fd)
        os.ftruncate(fd, atomic._write_parts(fd, parts, hint=True, positioned=True))
        t1 = perf()
        os.fdatasync(fd)
        os.close(fd)
        t2 = perf()
        aside = scratch.with_name(".scratch.next")
        os.link(scratch, aside)
        os.replace(spare, scratch)
        os.replace(aside, spare)
        atomic.fsync_folder(db.parent)
        t3 = perf()
        out["spare_write"].append(ms(t1 - t0))
        out["spare_sync"].append(ms(t2 - t1))
        out["spare_renames"].append(ms(t3 - t2))

        time.sleep(pause)
        start = perf()
        atomic.write_atomic(scratch, payload)
        out["write_atomic"].append(ms(perf() - start))
        time.sleep(pause)
        temp = db.with_name(".scratch.tmp")
        t0 = perf()
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        view = memoryview(payload)
        while view:
            view = view[os.write(fd, view) :]
        t1 = perf()
        os.fsync(fd)
        os.close(fd)
        t2 = perf()
        os.replace(temp, scratch)
        t3 = perf()
        atomic.fsync_folder(db.parent)
        t4 = perf()
        out["write"].append(ms(t1 - t0))
        out["fsync"].append(ms(t2 - t1))
        out["replace"].append(ms(t3 - t2))
        out["fsync_dir"].append(ms(t4 - t3))
    return out


def add_rows(report: Report, steps: Sequence[dict[str, list[float]]]) -> None:
    """The steps' rows of the summary table, one column per entry of ``steps``."""

    def med(key: str) -> list[float]:
        return [median(s[key]) for s in steps]

    def total(*keys: str) -> list[float]:
        return [sum(median(s[k]) for k in keys) for s in steps]

    report.row("  serialize (kept documents joined)", med("serialize"))
    report.row(
        "  spare: write + fdatasync + renames", total("spare_write", "spare_sync", "spare_renames")
    )
    report.row("    of which write (8 parts, not joined)", med("spare_write"))
    report.row("    of which fdatasync", med("spare_sync"))
    report.row("    of which link + 2 renames + fsync dir", med("spare_renames"))
    report.row("  fresh file: write + fsync + replace + dir", med("write_atomic"))
    report.row("    of which write", med("write"))
    report.row("    of which fsync of the file", med("fsync"))
    report.row("    of which replace + fsync dir", total("replace", "fsync_dir"))
