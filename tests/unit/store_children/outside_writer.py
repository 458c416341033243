"""One change from another process, through the Repository. Prints the id it touched.

Arguments: project path, then ``add TITLE``, ``rename ID TITLE`` or ``delete ID``.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

from iterate_tui.domain.experiment import Experiment
from iterate_tui.store.project import ProjectStore
from iterate_tui.store.repository import Repository

from . import emit


def main(path: Path, op: str, *args: str) -> None:
    store = ProjectStore.open(path)
    try:
        repo = Repository(store)
        if op == "add":
            emit(str(repo.add(Experiment(args[0])).id))
        elif op == "rename":
            exp = repo.get(int(args[0]))
            emit(str(repo.save(dataclasses.replace(exp, title=args[1])).id))
        else:
            emit(str(repo.delete(int(args[0])).id))
    finally:
        store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), *sys.argv[2:])
