"""Read-modify-write changes racing another process. Waits for a line on stdin, then makes
N changes. Arguments: project path, who (a name), N, mode.

``raw``: each change reads the shared counter, writes it plus one, and inserts an entry
recording who made it and the counter value it wrote; a lost update shows as a counter
below the number of changes or two entries with the same value.
``repo``: each change adds one experiment through the Repository; an id handed out twice
shows as a missing experiment (or an error).
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

from tinydb.table import Document

from iterate_tui.domain.experiment import Experiment
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from . import emit


def main(path: Path, who: str, count: int, mode: str) -> None:
    store = ProjectStore.open(path)
    repo = Repository(store)
    rng = random.Random(who)
    emit("ready")
    sys.stdin.readline()
    for i in range(count):
        if mode == "raw":
            with store.change() as db:
                counters = db.table("counters")
                current = counters.get(doc_id=1)
                value = (current["n"] if current else 0) + 1
                counters.upsert(Document({"n": value}, doc_id=1))
                db.table("entries").insert({"who": who, "i": i, "n": value})
        else:
            repo.add(Experiment(f"{who}-{i}"))
        # The lock is polled with a growing delay, not queued: without a pause between
        # changes one process could make all of its changes before the other gets a turn.
        time.sleep(rng.uniform(0, 0.002))
    store.close()
    emit("done")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4])
