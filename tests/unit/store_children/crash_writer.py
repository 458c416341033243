"""Random inserts, updates and removes through the Repository until killed.

Before each change it prints ``P <json>`` (the change it is about to make); after the change
returned, ``A <json>`` (acknowledged, with the ids the store gave). The parent keeps the
expected model from these lines and kills this process with SIGKILL at a random moment.
Arguments: project path, child number, random seed.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
from pathlib import Path

from iterate_tui.domain.experiment import Experiment
from iterate_tui.domain.settings import ProjectSettings
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from . import emit

#: Keeps the file at a few dozen experiments, so a write takes long enough to be hit.
MAX_EXPERIMENTS = 40
PADDING = "why this could work " * 20


def main(path: Path, child: int, seed: int) -> None:
    rng = random.Random(seed)
    repo = Repository(ProjectStore.open(path))
    step = 0
    while True:
        step += 1
        title = f"c{child}-{step}"
        live = repo.experiments()
        roll = rng.random()
        if len(live) < 3 or (roll < 0.35 and len(live) < MAX_EXPERIMENTS):
            emit("P " + json.dumps({"op": "add", "titles": [title]}))
            stored = repo.add(Experiment(title, hypothesis=PADDING, cost=rng.uniform(0.5, 9)))
            emit("A " + json.dumps({"op": "add", "ids": [stored.id], "titles": [title]}))
        elif roll < 0.45 and len(live) < MAX_EXPERIMENTS:
            titles = [f"{title}-{n}" for n in range(rng.randint(2, 4))]
            emit("P " + json.dumps({"op": "add", "titles": titles}))
            many = repo.add_many(Experiment(t, hypothesis=PADDING) for t in titles)
            emit("A " + json.dumps({"op": "add", "ids": [e.id for e in many], "titles": titles}))
        elif roll < 0.75:
            old = rng.choice(live)
            emit("P " + json.dumps({"op": "save", "id": old.id, "title": title}))
            repo.save(dataclasses.replace(old, title=title, impact=rng.randint(1, 5)))
            emit("A " + json.dumps({"op": "save", "id": old.id, "title": title}))
        elif roll < 0.95:
            old = rng.choice(live)
            emit("P " + json.dumps({"op": "del", "id": old.id}))
            repo.delete(old.id)
            emit("A " + json.dumps({"op": "del", "id": old.id}))
        else:
            emit("P " + json.dumps({"op": "settings", "name": title}))
            repo.save_settings(ProjectSettings(name=title))
            emit("A " + json.dumps({"op": "settings", "name": title}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))
