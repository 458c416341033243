"""Random inserts, updates and removes through the Repository until killed.

Before each change it prints ``P <json>`` (the change it is about to make); after the change
returned, ``A <json>`` (acknowledged, with the ids the store gave, and ``spare``: whether
the change was written into the spare file). The parent keeps the expected model from these
lines and kills this process with SIGKILL at a random moment.
Arguments: project path, child number, random seed, and optionally ``no-leases`` (behave as
on a system without file leases: saves this close together take the fresh-file path).
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path
from typing import Any

from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store import atomic
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from . import emit

#: Keeps the file at a few dozen experiments, so a write takes long enough to be hit.
MAX_EXPERIMENTS = 40
PADDING = "why this could work " * 20


def count_spare_writes() -> list[int]:
    """A counter of the saves that overwrote the spare (read it around each change)."""
    count = [0]
    overwrite = atomic._overwrite

    def counting(*args: Any) -> None:
        count[0] += 1
        overwrite(*args)

    atomic._overwrite = counting  # type: ignore[assignment]
    return count


def ack(op: dict[str, Any], spare: bool) -> None:
    emit("A " + json.dumps({**op, "spare": spare}))


def main(path: Path, child: int, seed: int) -> None:
    rng = random.Random(seed)
    spare_writes = count_spare_writes()
    repo = Repository(ProjectStore.open(path))
    step = 0
    while True:
        before = spare_writes[0]
        step += 1
        title = f"c{child}-{step}"
        live = repo.experiments()
        roll = rng.random()
        if len(live) < 3 or (roll < 0.35 and len(live) < MAX_EXPERIMENTS):
            emit("P " + json.dumps({"op": "add", "titles": [title]}))
            stored = repo.add(Experiment(title, hypothesis=PADDING, cost=rng.uniform(0.5, 9)))
            ack({"op": "add", "ids": [stored.id], "titles": [title]}, spare_writes[0] > before)
        elif roll < 0.45 and len(live) < MAX_EXPERIMENTS:
            titles = [f"{title}-{n}" for n in range(rng.randint(2, 4))]
            emit("P " + json.dumps({"op": "add", "titles": titles}))
            many = repo.add_many(Experiment(t, hypothesis=PADDING) for t in titles)
            ack(
                {"op": "add", "ids": [e.id for e in many], "titles": titles},
                spare_writes[0] > before,
            )
        elif roll < 0.75:
            old = rng.choice(live)
            emit("P " + json.dumps({"op": "save", "id": old.id, "title": title}))
            repo.save(dataclasses.replace(old, title=title, impact=rng.randint(1, 5)))
            ack({"op": "save", "id": old.id, "title": title}, spare_writes[0] > before)
        elif roll < 0.95:
            old = rng.choice(live)
            emit("P " + json.dumps({"op": "del", "id": old.id}))
            repo.delete(old.id)
            ack({"op": "del", "id": old.id}, spare_writes[0] > before)
        else:
            emit("P " + json.dumps({"op": "settings", "name": title}))
            repo.save_settings(ProjectSettings(name=title))
            ack({"op": "settings", "name": title}, spare_writes[0] > before)


if __name__ == "__main__":
    if len(sys.argv) > 4 and sys.argv[4] == "no-leases":
        # As on a system without file leases: the spare waits SPARE_COOL between reuses,
        # so saves this close together take the fresh-file path.
        atomic._open_elsewhere = lambda fd: None  # type: ignore[assignment]
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
